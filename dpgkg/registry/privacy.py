"""Keeps personal data out of the graph.

Contact names and e-mail addresses are dropped at the field level; the same names and any
e-mail address are also removed from free text, because prose fields sometimes repeat them.
A contact "name" equal to its organisation's name is the organisation itself, not a person.
"""

from __future__ import annotations

import re
from typing import Any

from dpgkg.registry.fields import PERSONAL_FIELDS

EMAIL = re.compile(r"(?:mailto:)?[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EMAIL_MARK = "[e-mail removed]"
NAME_MARK = "[contact name removed]"


class Scrubber:
    """Removes one record's contact names and every e-mail address from text."""

    __slots__ = ("_lowered", "_names")

    def __init__(self, nominee: dict[str, Any] | None) -> None:
        names: set[str] = set()
        for org in (nominee or {}).get("organizations") or []:
            if not isinstance(org, dict):
                continue
            contact = org.get("contact_name")
            if isinstance(contact, str) and contact.strip() and not _is_the_org(contact, org):
                names.add(contact.strip())
        # Longest first so "Ana Maria Lopez" goes before "Ana Maria".
        # Whole words only: a contact called "ISF" must not cut "satISFaction" apart.
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        self._names = (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
                       if names else None)
        # A plain substring test first: most text names no contact, and the regex
        # substitution costs ten times more than lower() and "in".
        self._lowered = tuple(n.lower() for n in names)

    def __call__(self, text: str) -> str:
        if "@" in text:
            text = EMAIL.sub(EMAIL_MARK, text)
        if self._names is not None:
            lowered = text.lower()
            if any(n in lowered for n in self._lowered):
                text = self._names.sub(NAME_MARK, text)
        return text

    def changed(self, text: str) -> bool:
        return self(text) != text


def personal_values(nominee: dict[str, Any]) -> set[str]:
    """The contact values of a nominee record (for tests that prove they never leak)."""
    out: set[str] = set()
    for org in nominee.get("organizations") or []:
        if isinstance(org, dict):
            for key in PERSONAL_FIELDS:
                value = org.get(key)
                person = not (key == "contact_name" and _is_the_org(str(value), org))
                if isinstance(value, str) and value.strip() and person:
                    out.add(value.strip())
    return out


def _is_the_org(contact: str, org: dict[str, Any]) -> bool:
    """A contact "name" that is exactly its organisation's name names no person."""
    return contact.strip().casefold() == str(org.get("name") or "").strip().casefold()
