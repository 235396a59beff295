"""aoslint: incident plans and postmortems of AOS repositories, linted like code."""

__version__ = "0.1.0"
