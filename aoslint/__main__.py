"""Allow ``python -m aoslint``."""

from aoslint.cli import main

raise SystemExit(main())
