"""Options and argument types shared by ``check`` and ``report``, so both read them alike."""

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


def add_run_options(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--profile``, ``--tracked-only`` and ``--jobs``: how a run picks and checks documents."""
    parser.add_argument("--profile", metavar="NAME",
                        help="which checks apply: aos (default) or generic (see 'aoslint rules')")
    parser.add_argument("--tracked-only", action="store_true",
                        help=f"{verb} only files git knows (tracked, or staged), as pre-commit's "
                             "--all-files does; untracked drafts are left out")
    parser.add_argument("--jobs", "-j", type=jobs_count, metavar="N",
                        help=f"{verb} the documents with N worker processes (default: one per "
                             "CPU for runs of 200 files or more; 1: no workers)")
