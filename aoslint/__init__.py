"""aoslint: incident plans and postmortems of AOS repositories, linted like code."""

from aoslint._imports import import_msgspec

__version__ = "0.1.0"

import_msgspec()  # before any module defines a record
