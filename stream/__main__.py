"""``python -m stream`` is the ``mailhawk`` command."""

from stream.cli import entry

entry()
