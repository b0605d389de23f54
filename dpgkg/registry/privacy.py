"""Keeps personal data out of the graph.

Contact names and e-mail addresses are dropped at the field level; the same names and any
e-mail address are also removed from free text, because prose fields sometimes repeat them.
A contact "name" equal to its organisation's name is the organisation itself, not a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dpgkg.registry.fields import PERSONAL_FIELDS

EMAIL = re.compile(r"(?:mailto:)?[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EMAIL_MARK = "[e-mail removed]"
NAME_MARK = "[contact name removed]"


class Scrubber:
    """Removes one record's contact names and every e-mail address from text."""

    __slots__ = ("_alternatives", "_lowered", "_names")

    def __init__(self, nominee: dict[str, Any] | None) -> None:
        names: list[str] = []
        for org in (nominee or {}).get("organizations") or []:
            if not isinstance(org, dict):
                continue
            contact = org.get("contact_name")
            if isinstance(contact, str) and not _is_the_org(contact, org):
                names.append(contact)
        self._use(names)

    @classmethod
    def for_names(cls, names: Iterable[str]) -> Scrubber:
        """A scrubber of NAMES (blank ones ignored) and every e-mail address."""
        scrubber = cls.__new__(cls)
        scrubber._use(names)
        return scrubber

    def _use(self, contacts: Iterable[str]) -> None:
        names = {n.strip() for n in contacts if n.strip()}
        # Longest first so "Ana Maria Lopez" goes before "Ana Maria".
        self._alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        # Compiled on first use: most records' text never names a contact, and compiling
        # a new pattern per record (names are unique, so re's cache misses) costs more
        # than mapping the record's text.
        self._names: re.Pattern[str] | None = None
        # A plain substring test first: most text names no contact, and the regex
        # substitution costs ten times more than lower() and "in".
        self._lowered = tuple(n.lower() for n in names)

    def __call__(self, text: str) -> str:
        if "@" in text:
            text = EMAIL.sub(EMAIL_MARK, text)
        if self._lowered:
            lowered = text.lower()
            for name in self._lowered:
                if name in lowered:
                    return self._pattern().sub(NAME_MARK, text)
        return text

    def _pattern(self) -> re.Pattern[str]:
        if self._names is None:
            # Whole words only: a contact called "ISF" must not cut "satISFaction" apart.
            self._names = re.compile(rf"(?<!\w)(?:{self._alternatives})(?!\w)", re.IGNORECASE)
        return self._names

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
