"""Allow ``python -m aoslint``."""

from aoslint.cli import run

run()
