"""Command line: ``aoslint check | model | rules | rule``.

Only what the running command needs is imported; usage and configuration
errors exit 2 with a one-line message, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from aoslint import __version__
from aoslint.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _split_codes(values: Sequence[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    from aoslint.reporters import FORMATS

    parser = argparse.ArgumentParser(
        prog="aoslint",
        description="Lint incident plans and postmortems of AOS agent repositories.",
    )
    parser.add_argument("--version", action="version", version=f"aoslint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check incident documents (default paths: "
                                              "the configured include patterns)")
    check.add_argument("paths", nargs="*", type=Path, help="files or directories to check")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument("--select", action="append", metavar="CODES",
                       help="report only these codes, prefixes or names (comma-separated)")
    check.add_argument("--ignore", action="append", metavar="CODES", default=[],
                       help="never report these codes, prefixes or names (comma-separated)")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="use this .aoslint.toml or pyproject.toml instead of the nearest")
    check.add_argument("--output-file", "-o", type=Path, metavar="FILE",
                       help="write the report to FILE instead of standard output")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when errors are found")
    check.add_argument("--statistics", action="store_true",
                       help="print how many findings of each code instead of the findings "
                            "(text and json formats)")
    check.add_argument("--no-inline-config", action="store_true",
                       help="ignore <!-- aoslint-disable ... --> comments in documents")
    check.add_argument("--skip-unknown", action="store_true",
                       help="skip named files that are not incident documents, as a directory "
                            "scan does (for pre-commit, which passes every changed file)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour text output (auto: only on a terminal, never with NO_COLOR)")
    check.add_argument("--verbose", "-v", action="store_true",
                       help="say which config applies and how each document's type was found")

    model = commands.add_parser("model", help="print a document's model as JSON")
    model.add_argument("file", type=Path)
    model.add_argument("--config", type=Path, metavar="FILE")

    commands.add_parser("rules", help="list every check")
    explain = commands.add_parser("rule", help="explain one check")
    explain.add_argument("code", metavar="CODE-or-name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "model":
            return _model(args)
        if args.command == "rules":
            return _rules()
        if args.command == "rule":
            return _rule(args.code)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"aoslint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so in one line, never a traceback
        if os.environ.get("AOSLINT_DEBUG"):
            raise
        print(f"aoslint: internal error: {exc.__class__.__name__}: {exc} "
              "(set AOSLINT_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_USAGE


def _use_color(choice: str, stream: object) -> bool:
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if choice == "always":
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _check(args: argparse.Namespace) -> int:
    from aoslint.registry import all_rules
    from aoslint.reporters import RenderContext, get_renderer
    from aoslint.runner import run_check

    if args.statistics:
        from aoslint.reporters.statistics import STATISTICS_FORMATS
        if args.format not in STATISTICS_FORMATS:
            raise UsageError(f"--statistics works with --format "
                             f"{' or '.join(STATISTICS_FORMATS)}, not {args.format}")
    result = run_check(args.paths, select=_split_codes(args.select),
                       ignore=_split_codes(args.ignore) or [], config_file=args.config,
                       inline_config=not args.no_inline_config,
                       skip_unknown=args.skip_unknown)
    if args.verbose:
        for note in result.notes:
            print(f"aoslint: {note}", file=sys.stderr)
    to_file = args.output_file is not None
    context = RenderContext(
        rules={r.code: r for r in all_rules()},
        checked_files=len(result.checked),
        checked_paths=tuple(result.checked),
        color=not to_file and args.format == "text" and _use_color(args.color, sys.stdout),
        tool_version=__version__,
    )
    if args.statistics:
        from aoslint.reporters import statistics
        report = statistics.render(result.diagnostics, context, args.format)
    else:
        report = get_renderer(args.format)(result.diagnostics, context)
    if to_file:
        try:
            args.output_file.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{args.output_file}: cannot write report: {exc.strerror}") from None
    else:
        sys.stdout.write(report)
    if result.has_errors and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _model(args: argparse.Namespace) -> int:
    from aoslint.diagnostics import Diagnostic
    from aoslint.discover import Candidate
    from aoslint.reporters import RenderContext, get_renderer
    from aoslint.runner import load_document, load_project

    project = load_project([args.file], args.config)
    problems: list[Diagnostic] = []
    candidate = Candidate(args.file, project.layout.relative(args.file), explicit=True)
    loaded = load_document(project, candidate, problems)
    if loaded is None:
        renderer = get_renderer("text")
        sys.stderr.write(renderer(problems, RenderContext(rules={}, checked_files=0)))
        return EXIT_FINDINGS
    sys.stdout.write(json.dumps(loaded.document.to_json(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _rules() -> int:
    from aoslint.registry import all_rules

    for item in all_rules():
        print(f"{item.code}  {item.name:<28} {item.summary}")
    return EXIT_OK


def _rule(code: str) -> int:
    from aoslint.registry import find_rule

    found = find_rule(code)
    if found is None:
        raise UsageError(f"no rule '{code}' (see 'aoslint rules')")
    print(render_rule_doc(found))
    return EXIT_OK


def render_rule_doc(item: object) -> str:
    """The text of ``aoslint rule``: what, why (with the policy), example, fix."""
    from aoslint.registry import Rule

    assert isinstance(item, Rule)
    parts = [f"{item.code} {item.name} ({item.group}, default severity {item.severity})",
             "", item.summary, "", item.explanation]
    if item.policy:
        parts += ["", "Policy:", *(f"  > {line}" for line in item.policy.splitlines())]
    parts += ["", "Example:", *(f"    {line}" for line in item.example.splitlines()),
              "", f"Fix: {item.fix}"]
    return "\n".join(parts)
