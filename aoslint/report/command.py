"""The ``aoslint report`` command: build, write the folder (or print JSON), say where."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from aoslint.arguments import add_run_options
from aoslint.report.build import ReportOptions, build, files
from aoslint.report.output import DEFAULT_DIR, prepare, write


def add_arguments(report: argparse.ArgumentParser) -> None:
    report.add_argument("paths", nargs="*", type=Path,
                        help="files or directories (default: the configured include patterns)")
    report.add_argument("--output", "-o", type=Path, metavar="DIR",
                        help=f"write the report into DIR (default: {DEFAULT_DIR}/ at the "
                             "repository root, ignored by git)")
    report.add_argument("--format", choices=("html", "json"), default="html",
                        help="html: write the folder; json: print incidents.json's data only")
    report.add_argument("--open", action="store_true",
                        help="open the index in the default browser when written")
    report.add_argument("--config", type=Path, metavar="FILE")
    report.add_argument("--no-git", dest="git", action="store_false", default=None,
                        help="skip the checks that read git history (hardening, pushed)")
    report.add_argument("--base", metavar="REF",
                        help="also count changes in REF..HEAD and staged changes as proof")
    add_run_options(report, "report")
    report.add_argument("--no-cache", dest="cache", action="store_false",
                        help="neither read nor write the result cache")


def run(args: argparse.Namespace) -> int:
    built = build(ReportOptions(paths=args.paths, config=args.config, git=args.git,
                                base=args.base, cache=args.cache, jobs=args.jobs,
                                profile=args.profile, tracked_only=args.tracked_only))
    for warning in built.result.warnings:
        print(f"aoslint: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(built.data, indent=2, ensure_ascii=False) + "\n")
        return 0
    folder = args.output if args.output is not None else built.root / DEFAULT_DIR
    prepare(folder)
    write(folder, files(built))
    index = (folder / "index.html").resolve()
    count = len(built.incidents)
    print(f"{count} incident{'s' if count != 1 else ''}: {index}")
    if args.open:
        import webbrowser

        webbrowser.open(index.as_uri())
    return 0
