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

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  demo)
    setup
    exec "$VENV/bin/mailhawk" demo "$@"
    ;;
  test)
    setup
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
