"""msgspec, imported without typing_extensions: 15 ms of every start-up.

msgspec imports typing_extensions when it is installed (jsonschema's own
dependencies install it), only to resolve type annotations for typed
decoding, which aoslint does not use; on Python 3.11 it falls back to
``typing`` for the same functions. typing_extensions imports inspect and
ast, which took about 15 ms of a one-file pre-commit run. So while msgspec
loads, importing typing_extensions fails; afterwards it imports normally
(jsonschema still gets it).
"""

from __future__ import annotations

import importlib
import sys


def import_without(name: str, unwanted: str) -> None:
    """Import module ``name`` while importing ``unwanted`` fails, unless ``name`` needs it."""
    if name in sys.modules or unwanted in sys.modules:
        return
    sys.modules[unwanted] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        importlib.import_module(name)
        return
    except ImportError:  # it needs the module after all: import both the usual way
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]
    finally:
        del sys.modules[unwanted]
    importlib.import_module(name)


def import_msgspec() -> None:
    import_without("msgspec", "typing_extensions")
