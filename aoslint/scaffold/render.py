"""Finding the template for a document and rendering it safely.

A repository's own templates win over aoslint's: Jinja2 files in the AOS
templates directory (``incident-plan.md.j2``, ``postmortem.md.j2``), then the
kit's plain ``incident-plan.md`` / ``postmortem-report.md``, whose header fields
are filled in while the rest is left for the author. Jinja2 runs sandboxed with
``StrictUndefined``; every failure becomes one line naming the template's path
and line. This is the only module that imports Jinja2.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from aoslint.errors import UsageError
from aoslint.layout import Layout, display_path
from aoslint.lazyre import compile_lazily
from aoslint.resources import data_dir

JINJA_NAMES = {"incident-plan": ("incident-plan.md.j2",),
               "postmortem": ("postmortem.md.j2", "postmortem-report.md.j2")}
KIT_NAMES = {"incident-plan": ("incident-plan.md",),
             "postmortem": ("postmortem-report.md", "postmortem.md")}
BUILTIN = "builtin"


class Template(msgspec.Struct, frozen=True):
    """A template file, how it is filled (``jinja`` or ``kit``) and where it came from."""

    path: Path
    kind: str
    origin: str


def builtin_template(doctype: str) -> Template:
    return Template(data_dir("templates") / f"{doctype}.md.j2", "jinja", "built-in")


def find_template(doctype: str, layout: Layout, option: str | None = None) -> Template:
    """``--template``, else the repository's Jinja2, else the kit's plain file, else aoslint's."""
    if option == BUILTIN:
        return builtin_template(doctype)
    if option is not None:
        path = Path(option)
        if not path.is_file():
            raise UsageError(f"--template: {option}: no such file")
        return Template(path, "jinja" if path.name.endswith(".j2") else "kit", "--template")
    folder = layout.templates_dir
    if folder is not None and folder.is_dir():
        for name in JINJA_NAMES[doctype]:
            if (folder / name).is_file():
                return Template(folder / name, "jinja", "repository")
        for name in KIT_NAMES[doctype]:
            if (folder / name).is_file():
                return Template(folder / name, "kit", "repository")
    return builtin_template(doctype)


def render(template: Template, context: Mapping[str, Any]) -> str:
    if template.kind == "jinja":
        return render_jinja(template.path, context)
    return fill_kit(template.path, context)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"{display_path(path)}: cannot read template: {reason}") from None


def _template_line(exc: BaseException, filename: str) -> int | None:
    """The template line an error was raised at, from Jinja2's rewritten traceback."""
    line = getattr(exc, "lineno", None)
    if isinstance(line, int) and getattr(exc, "filename", None) in (filename, None):
        return line
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            found = frame.lineno
    return found


def render_jinja(path: Path, context: Mapping[str, Any]) -> str:
    """Render a Jinja2 file in the sandbox; unknown variables and unsafe access fail cleanly."""
    import jinja2
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    resolved = path.resolve()
    environment = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(resolved.parent)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    shown = display_path(path)
    filename = str(resolved)
    try:
        template = environment.get_template(resolved.name)
        text = template.render(dict(context))
    except jinja2.TemplateSyntaxError as exc:
        where = f"{display_path(Path(exc.filename))}:{exc.lineno}" if exc.filename else \
            f"{shown}:{exc.lineno}"
        raise UsageError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, filename)
        where = f"{shown}:{line}" if line else shown
        security = isinstance(exc.__cause__, SecurityError) or "unsafe" in str(exc.message)
        what = "template reaches for something the sandbox forbids" if security else \
            "template uses an unknown variable"
        raise UsageError(f"{where}: {what}: {exc.message} "
                         f"(known: {', '.join(sorted(context))})") from None
    except SecurityError as exc:
        line = _template_line(exc, filename)
        where = f"{shown}:{line}" if line else shown
        raise UsageError(f"{where}: template reaches for something the sandbox forbids: "
                         f"{exc}") from None
    except jinja2.TemplateNotFound as exc:
        raise UsageError(f"{shown}: template includes '{exc.name}', which is not in "
                         f"{display_path(resolved.parent)}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: cannot read template: not valid UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{shown}: cannot read template: {exc.strerror}") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
            AttributeError, RecursionError, MemoryError) as exc:
        line = _template_line(exc, filename)
        where = f"{shown}:{line}" if line else shown
        raise UsageError(f"{where}: template failed: {exc.__class__.__name__}: {exc}") from None
    return text if text.endswith("\n") else text + "\n"


_KIT_FIELD = compile_lazily(
    r"^(?P<head>\s*(?:[-*]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z0-9 /&._-]{0,47}?)"
    r"(?:\*\*|__)?\s*:(?:\s*(?:\*\*|__))?)(?P<value>.*)$")
_H1 = compile_lazily(r"^#\s+(?P<text>.*?)\s*#*\s*$")
_SECTION = compile_lazily(r"^\s{0,3}#{2,6}(?:\s|$)")


def _field_key(raw: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", raw.strip().lower()).strip("_")


def fill_kit(path: Path, context: Mapping[str, Any]) -> str:
    """The kit's plain template with its title and header fields filled in, nothing else.

    Header fields are the ``Key: value`` lines above the first section; a field
    with no value to give (no severity chosen, no author) keeps the template's text.
    """
    lines = _read(path).split("\n")
    fills = {
        "incident_id": context.get("incident_id"),
        "date": context.get("date"),
        "severity": context.get("severity_given"),
        "author": context.get("author_given"),
        "primary_agent": context.get("author_given"),
        "status": context.get("status"),
        "timestamp": context.get("timestamp"),
    }
    titled = False
    for index, line in enumerate(lines):
        if _SECTION.match(line):
            break
        heading = _H1.match(line)
        if heading and not titled:
            titled = True
            base = re.sub(r"\s*\btemplate\b\s*$", "", heading.group("text"),
                          flags=re.IGNORECASE).rstrip(" :")
            name = context.get("title") or context.get("incident_id")
            lines[index] = f"# {base}: {name}" if base else f"# {name}"
            continue
        match = _KIT_FIELD.match(line)
        if not match:
            continue
        value = fills.get(_field_key(match.group("key")))
        if value:
            lines[index] = f"{match.group('head')} {value}"
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"
