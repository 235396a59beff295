"""Profiles: which of the policy's checks apply, as data (``rules-schema/profiles.json``).

An AOS repository has what the kit puts there (Incident IDs of one form, rule
files and a quality gate to prove by git, QA and orchestrator sign-offs); any
other team's postmortems have only the policy's four parts and their
timelines. A profile says which rules never apply and which metadata and
template text a document need not have, so the same checks serve both.
"""

from __future__ import annotations

from functools import cache

import msgspec

from aoslint.errors import UsageError
from aoslint.registry import matches
from aoslint.resources import schema

PROFILES_FILE = "profiles.json"


class Profile(msgspec.Struct, frozen=True):
    """One profile: its summary and what it leaves out."""

    name: str
    summary: str
    ignore: tuple[str, ...] = ()
    required_metadata: bool = True
    free_fields: tuple[str, ...] = ()
    ignore_placeholders: frozenset[str] = frozenset()
    # A required section told in prose with no heading is a warning, not an error (AOS101).
    prose_sections: bool = False

    def drops(self, code: str, name: str) -> bool:
        """Whether the profile never reports this rule."""
        return any(matches(selector, code, name) for selector in self.ignore)

    @property
    def proves_hardening(self) -> bool:
        """Whether rule-file hardening and the closure gates are checked at all."""
        return not (self.drops("AOS501", "unknown-rule-file")
                    and self.drops("AOS601", "closure-without-qa"))

    @property
    def gates_closure(self) -> bool:
        """Whether a closed document's open gates are errors (the kit's closure gates apply)."""
        return not self.drops("AOS601", "closure-without-qa")

    def dropped_summary(self) -> str:
        """What the profile leaves out, in a few words (for ``aoslint rules``)."""
        parts = [f"rules {', '.join(self.ignore)}"] if self.ignore else []
        if not self.required_metadata:
            parts.append("required metadata")
        if self.free_fields:
            parts.append(f"the form of {', '.join(self.free_fields)}")
        if self.ignore_placeholders:
            parts.append("placeholders: " + ", ".join(sorted(self.ignore_placeholders)))
        if self.prose_sections:
            parts.append("headings for sections told in prose (warned)")
        return "; ".join(parts) if parts else "nothing"


@cache
def all_profiles() -> tuple[Profile, ...]:
    """The shipped profiles, default first."""
    data = schema(PROFILES_FILE)
    found = [Profile(name=entry["name"], summary=entry["summary"],
                     ignore=tuple(entry.get("ignore", ())),
                     required_metadata=bool(entry.get("required-metadata", True)),
                     free_fields=tuple(entry.get("free-fields", ())),
                     ignore_placeholders=frozenset(entry.get("ignore-placeholders", ())),
                     prose_sections=bool(entry.get("prose-sections", False)))
             for entry in data["profiles"]]
    found.sort(key=lambda p: p.name != data["default"])
    return tuple(found)


def default_profile() -> Profile:
    return all_profiles()[0]


def get_profile(name: str | None, where: str = "--profile") -> Profile:
    """The profile by name (None: the default); an unknown name is a usage error."""
    if name is None:
        return default_profile()
    for profile in all_profiles():
        if profile.name == name:
            return profile
    known = ", ".join(p.name for p in all_profiles())
    raise UsageError(f"{where}: unknown profile '{name}' (known: {known})")
