"""Errors that end a run with exit code 2: the user must fix the invocation or config."""


class UsageError(Exception):
    """Bad command line or configuration; the message names the file and key."""
