"""Command line: ``aoslint check | report | model | rules | rule | new | init | clean``.

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
from aoslint.arguments import add_run_options
from aoslint.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _split_codes(values: Sequence[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``only``, just that command's sub-parser.

    Building all of them took a few milliseconds of every pre-commit run, for
    commands it does not run.
    """
    parser = argparse.ArgumentParser(
        prog="aoslint",
        description="Lint incident plans and postmortems of AOS agent repositories.",
    )
    parser.add_argument("--version", action="version", version=f"aoslint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in _COMMAND_PARSERS.items():
        if only in (None, name):
            add(commands)
    return parser


Commands = argparse._SubParsersAction  # the sub-parsers of "aoslint COMMAND"


def _add_model(commands: Commands[argparse.ArgumentParser]) -> None:
    model = commands.add_parser("model", help="print a document's model as JSON")
    model.add_argument("file", type=Path)
    model.add_argument("--config", type=Path, metavar="FILE")


def _add_rules(commands: Commands[argparse.ArgumentParser]) -> None:
    commands.add_parser("rules", help="list every check")


def _add_rule(commands: Commands[argparse.ArgumentParser]) -> None:
    explain = commands.add_parser("rule", help="explain one check")
    explain.add_argument("code", metavar="CODE-or-name")


def _add_check(commands: Commands[argparse.ArgumentParser]) -> None:
    from aoslint.reporters import FORMATS

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
    check.add_argument("--quiet", "-q", action="store_true",
                       help="print only errors and the summary line (text format)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour text output (auto: on a terminal, or with FORCE_COLOR; never "
                            "with NO_COLOR; always/never win over both)")
    add_run_options(check, "check")
    check.add_argument("--no-git", dest="git", action="store_false", default=None,
                       help="skip the checks that read git history (hardening, pushed)")
    check.add_argument("--base", metavar="REF",
                       help="also count changes in REF..HEAD and staged changes as proof "
                            "(pull requests, pre-commit)")
    check.add_argument("--verbose", "-v", action="store_true",
                       help="say which config applies and how each document's type was found")
    check.add_argument("--no-cache", dest="cache", action="store_false",
                       help="neither read nor write the result cache (cache-dir in the config, "
                            "default .aoslint_cache/)")


def _add_init(commands: Commands[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init", help="write a starter .aoslint.toml (or [tool.aoslint] in pyproject.toml)",
        description="Write a starter configuration at the repository root: .aoslint.toml, or "
                    "a [tool.aoslint] section appended to pyproject.toml when that exists. "
                    "Never overwrites anything; says what it wrote.")
    init.add_argument("--templates", action="store_true",
                      help="also copy aoslint's Jinja2 templates into the AOS templates "
                           "directory, to customize")


def _add_clean(commands: Commands[argparse.ArgumentParser]) -> None:
    clean = commands.add_parser(
        "clean", help="remove the result cache directory",
        description="Remove aoslint's cache directory (cache-dir in the config, default "
                    ".aoslint_cache/ at the repository root) and say what was removed.")
    clean.add_argument("path", nargs="?", type=Path, default=None,
                       help="a path inside the repository (default: the current directory)")
    clean.add_argument("--config", type=Path, metavar="FILE")


def _add_report(commands: Commands[argparse.ArgumentParser]) -> None:
    from aoslint.report.command import add_arguments

    add_arguments(commands.add_parser(
        "report", help="write a static HTML incident dashboard (or its data as JSON)",
        description="Check the documents as 'aoslint check' does and write index.html, one "
                    "page per incident and incidents.json into a folder; print its index."))


def _add_new(commands: Commands[argparse.ArgumentParser]) -> None:
    new = commands.add_parser(
        "new", help="write a new incident plan or postmortem and print its path",
        description="Write a new document from a template under a fresh, unique incident ID "
                    "and print only its path, so that $EDITOR \"$(aoslint new ...)\" works.")
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, summary in (("incident-plan", "an incident plan (Incident Mode starts)"),
                          ("postmortem", "a postmortem (the incident concludes)")):
        sub = kinds.add_parser(kind, help=summary, description=f"Write {summary}.")
        sub.add_argument("title", nargs="?", metavar="TITLE",
                         help="a short title; written as plain text")
        sub.add_argument("--id", dest="incident_id", metavar="ID",
                         help="use this incident ID instead of minting one")
        sub.add_argument("--severity", help="for example HIGH (configurable: severities)")
        sub.add_argument("--author", metavar="@AGENT",
                         help="the primary agent or author, for example @debugger")
        sub.add_argument("--date", metavar="YYYY-MM-DD",
                         help="the incident's date (default: $AOSLINT_DATE, else today in UTC)")
        if kind == "postmortem":
            sub.add_argument("--from", dest="source", metavar="PLAN-PATH-or-ID",
                             help="pre-fill from the incident plan: ID, title, severity, "
                                  "known timestamps, rule files it names")
        sub.add_argument("--dir", type=Path, metavar="DIR",
                         help="write below DIR (inside the repository) instead of new-dir")
        sub.add_argument("--stdout", action="store_true",
                         help="print the document instead of writing a file")
        sub.add_argument("--template", metavar="FILE",
                         help="render this template (a .j2 file, or a kit template whose "
                              "header fields are filled in); 'builtin' for aoslint's own")
        sub.add_argument("--config", type=Path, metavar="FILE")


_COMMAND_PARSERS = {"check": _add_check, "model": _add_model, "rules": _add_rules,
                    "rule": _add_rule, "new": _add_new, "init": _add_init, "clean": _add_clean,
                    "report": _add_report}
COMMANDS = tuple(_COMMAND_PARSERS)


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "report":
            from aoslint.report.command import run as run_report

            return run_report(args)
        if args.command == "model":
            return _model(args)
        if args.command == "rules":
            return _rules()
        if args.command == "rule":
            return _rule(args.code)
        if args.command == "new":
            return _new(args)
        if args.command == "init":
            return _init(args)
        if args.command == "clean":
            return _clean(args)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"aoslint: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`aoslint rules | head -1`): not an error of ours.
        # Point stdout at /dev/null so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: say so in one line, never a traceback
        if os.environ.get("AOSLINT_DEBUG"):
            raise
        print(f"aoslint: internal error: {exc.__class__.__name__}: {exc} "
              "(set AOSLINT_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_USAGE


def run() -> None:
    """The ``aoslint`` command: ``main``, then a quick exit.

    Freeing every object at interpreter shutdown took 20-35 ms of a one-file
    pre-commit run, more than checking the file. So, as mypy does, aoslint
    flushes its output and leaves with ``os._exit`` once the command is done:
    nothing it started needs shutting down by then (worker pools are shut
    down and files closed when the command ends).
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None: started with the stream closed
                stream.flush()
        except (OSError, ValueError):  # the reader went away, or the stream is closed
            pass
    os._exit(code)


def _use_color(choice: str, stream: object) -> bool:
    """no-color.org and force-color.org: a flag wins over the environment; with
    ``auto``, a non-empty NO_COLOR turns colour off, else a non-empty FORCE_COLOR on,
    else only a terminal gets it."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _check(args: argparse.Namespace) -> int:
    # A check builds many small objects and no garbage cycles worth collecting:
    # the cyclic collector's passes cost half of a cached run over 10,000
    # documents. It is paused for the command (and the workers it forks).
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_check_command(args)
    finally:
        if enabled:
            gc.enable()


def _run_check_command(args: argparse.Namespace) -> int:
    from aoslint.checks import all_rules
    from aoslint.reporters import RenderContext, get_renderer
    from aoslint.runner import run_check

    if args.statistics:
        from aoslint.reporters.statistics import STATISTICS_FORMATS
        if args.format not in STATISTICS_FORMATS:
            raise UsageError(f"--statistics works with --format "
                             f"{' or '.join(STATISTICS_FORMATS)}, not {args.format}")
    result = run_check(args.paths, select=_split_codes(args.select),
                       ignore=_split_codes(args.ignore) or [], config_file=args.config,
                       git=args.git, base=args.base,
                       inline_config=not args.no_inline_config,
                       skip_unknown=args.skip_unknown, cache=args.cache, jobs=args.jobs,
                       tracked_only=args.tracked_only, profile=args.profile)
    for warning in result.warnings:
        print(f"aoslint: warning: {warning}", file=sys.stderr)
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
        quiet=args.quiet,
        root=result.root,
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
    from aoslint.discovery.discover import Candidate
    from aoslint.discovery.layout import display_path
    from aoslint.document.source import not_regular
    from aoslint.project import load_project
    from aoslint.reporters import RenderContext, get_renderer
    from aoslint.runner import load_document

    if args.file.is_dir():
        raise UsageError(f"{args.file}: 'aoslint model' takes one document, not a directory")
    kind = not_regular(args.file)
    if kind is not None:
        raise UsageError(f"{args.file}: 'aoslint model' reads one document: this is {kind}, "
                         "not a regular file")
    project = load_project([args.file], args.config)
    problems: list[Diagnostic] = []
    candidate = Candidate(args.file, display_path(args.file), explicit=True)
    loaded = load_document(project, candidate, problems)
    if loaded is None:
        report = get_renderer("text")(problems, RenderContext(rules={}, checked_files=0))
        sys.stderr.write(report.rsplit("\n", 2)[0] + "\n")  # the findings, no run summary
        return EXIT_FINDINGS
    sys.stdout.write(json.dumps(loaded.document.to_json(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from aoslint.scaffold.new import NewOptions, run_new

    options = NewOptions(
        doctype=args.kind, title=args.title, incident_id=args.incident_id,
        severity=args.severity, author=args.author, date=args.date,
        source=getattr(args, "source", None), directory=args.dir, stdout=args.stdout,
        config=args.config, template=args.template)
    result = run_new(options)
    for note in result.notes:
        print(f"aoslint: note: {note}", file=sys.stderr)
    if result.path is None:
        sys.stdout.write(result.text)
    else:
        from aoslint.discovery.layout import display_path

        print(display_path(result.path))
    return EXIT_OK


def _clean(args: argparse.Namespace) -> int:
    from aoslint.project import load_project
    from aoslint.store.cache import CacheError, remove
    from aoslint.store.result_store import cache_dir

    project = load_project([args.path] if args.path is not None else [], args.config)
    folder = Path(os.path.abspath(cache_dir(project)))
    try:
        removed = remove(folder, Path(os.path.abspath(project.layout.root)))
    except CacheError as exc:
        raise UsageError(f"clean: {exc}") from None
    if not removed.found:
        print(f"nothing to remove: no cache at {folder}")
    elif not removed.kept:
        print(f"removed {folder}")
    else:
        shown = ", ".join(removed.kept[:5]) + (", ..." if len(removed.kept) > 5 else "")
        print(f"removed aoslint's cache files from {folder}; kept the folder: it holds "
              f"{len(removed.kept)} item{'s' if len(removed.kept) != 1 else ''} "
              f"aoslint did not write ({shown})")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from aoslint.scaffold.init import run_init

    for line in run_init(templates=args.templates).lines:
        print(line)
    return EXIT_OK


def _rules() -> int:
    from aoslint.checks import all_rules
    from aoslint.profiles import all_profiles

    for item in all_rules():
        print(f"{item.code}  {item.name:<28} {item.summary}")
    print("\nprofiles (profile = \"NAME\" in the config, or --profile NAME):")
    for index, profile in enumerate(all_profiles()):
        default = " (default)" if index == 0 else ""
        print(f"  {profile.name}{default}: {profile.summary}")
        print(f"    leaves out: {profile.dropped_summary()}")
    return EXIT_OK


def _rule(code: str) -> int:
    from aoslint.checks import find_rule

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
