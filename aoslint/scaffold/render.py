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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from aoslint.discovery.layout import Layout, display_path
from aoslint.document.source import NotRegularFile, not_regular, read_regular
from aoslint.errors import UsageError
from aoslint.lazyre import compile_lazily
from aoslint.resources import data_dir

if TYPE_CHECKING:
    import jinja2
    import jinja2.runtime
    from jinja2.sandbox import ImmutableSandboxedEnvironment

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
        kind = not_regular(path)
        if kind is not None:
            raise UsageError(f"--template: {option}: {kind}, not a regular file")
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
        return read_regular(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(f"{display_path(path)}: cannot read template: {reason}") from None


def _bounded_output(pieces: Iterator[str], shown: str) -> str:
    """The rendered text, stopped with a usage error once it passes ``MAX_TEXT``.

    A loop that prints a little each time can still render gigabytes; the
    pieces are counted as they come, not after the whole text is built.
    """
    kept: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_TEXT:
            raise UsageError(f"{shown}: template renders more than {MAX_TEXT:,} characters; "
                             "a document template makes one document")
        kept.append(piece)
    return "".join(kept)


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


def _loader(folder: Path) -> jinja2.BaseLoader:
    """A loader of the template's folder that reads only regular files.

    Jinja2's own loader opens an included FIFO and waits on it for ever; this
    one reads with :func:`read_regular` and names the file it refuses.
    """
    import jinja2
    from jinja2.loaders import split_template_path

    class RegularFileLoader(jinja2.BaseLoader):
        def get_source(self, environment: jinja2.Environment, template: str
                       ) -> tuple[str, str, Callable[[], bool]]:
            path = folder.joinpath(*split_template_path(template))
            try:
                text = read_regular(path).decode("utf-8")
            except FileNotFoundError:
                raise jinja2.TemplateNotFound(template) from None
            except NotRegularFile as exc:
                raise UsageError(f"{display_path(path)}: cannot read template: "
                                 f"{exc.strerror}") from None
            return text, str(path), lambda: False

    return RegularFileLoader()


MAX_TEXT = 1_000_000  # characters a template may render, or build in one value
MEMORY_CAP = 512 * 1024 * 1024  # bytes of address space a render may add


@contextmanager
def _memory_cap() -> Iterator[None]:
    """Bound the address space while a template renders, where the system allows it.

    The operator bounds cannot see every way a template grows a value (``~``
    doubling a namespace variable, ``center(10**9)``); under this cap the
    allocation fails as a MemoryError, reported as a template failure, instead
    of taking the machine's memory. Linux reads the current size from /proc;
    elsewhere, or when the limit cannot be set, the render runs uncapped.
    """
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
        cap = current + MEMORY_CAP
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft <= cap:
            yield
            return
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _bounded_sandbox() -> type[ImmutableSandboxedEnvironment]:
    """The sandbox with ``*``, ``+`` and ``**`` bounded, so no value outgrows ``MAX_TEXT``.

    ``'x' * 10**9`` or ``10 ** 10**9`` would otherwise take gigabytes before
    Python's MemoryError; ranges are bounded by Jinja2 itself (``MAX_RANGE``)
    and the output by :func:`render_jinja`.
    """
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    sized = (str, bytes, list, tuple)

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "+", "**"})

        def call_binop(self, context: jinja2.runtime.Context, operator: str,
                       left: Any, right: Any) -> Any:
            if operator == "*":
                sequence, count = (left, right) if isinstance(left, sized) else (right, left)
                if isinstance(sequence, sized) and isinstance(count, int) \
                        and len(sequence) * count > MAX_TEXT:
                    raise SecurityError(f"'*' would build a value of {len(sequence) * count:,} "
                                        f"items (at most {MAX_TEXT:,})")
            elif operator == "+" and isinstance(left, sized) and isinstance(right, sized) \
                    and len(left) + len(right) > MAX_TEXT:
                raise SecurityError(f"'+' would build a value of more than {MAX_TEXT:,} items")
            elif operator == "**" and isinstance(left, int) and isinstance(right, int) \
                    and abs(left) > 1 and right * abs(left).bit_length() > 8 * MAX_TEXT:
                raise SecurityError(f"'**' would build a number of more than "
                                    f"{8 * MAX_TEXT:,} bits")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox


def render_jinja(path: Path, context: Mapping[str, Any]) -> str:
    """Render a Jinja2 file in the sandbox; unknown variables and unsafe access fail cleanly."""
    import jinja2
    from jinja2.exceptions import SecurityError

    resolved = path.resolve()
    environment = _bounded_sandbox()(
        loader=_loader(resolved.parent),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    shown = display_path(path)
    filename = str(resolved)
    try:
        with _memory_cap():  # compiling folds constants: "x"|center(10**9) runs here too
            template = environment.get_template(resolved.name)
            text = _bounded_output(template.generate(dict(context)), shown)
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
    except MemoryError as exc:
        line = _template_line(exc, filename)
        where = f"{shown}:{line}" if line else shown
        raise UsageError(f"{where}: template needs more than {MEMORY_CAP // 2**20} MiB of "
                         "memory; a document template makes one document") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError,
            AttributeError, RecursionError) as exc:
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
