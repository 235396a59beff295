"""Argument types shared by the commands, so ``check`` and ``report`` read them alike."""

from __future__ import annotations

import argparse


def jobs_count(value: str) -> int:
    """``--jobs N``: a whole number of worker processes, 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{value}'") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number
