"""The nothing-lost comparison: input registry JSON vs JSON rebuilt from the graph.

Both sides are reduced by the README's documented normalisations and nothing else:
empty values and personal-data fields dropped, unordered lists (aliases, sectors, type)
sorted, a URL field's surrounding white space trimmed, countries compared as ISO 3166
alpha-3 sets, and personal data removed from text.
"""

from __future__ import annotations

from typing import Any

from dpgkg.registry.fields import PERSONAL_FIELDS
from dpgkg.registry.normalise import is_blank, resolve_country
from dpgkg.registry.privacy import Scrubber

UNORDERED = {"aliases", "sectors", "type"}
URL_FIELDS = {"website", "licenseURL", "url", "evidenceURL", "copyrightURL",
              "policyGuidelinesDocumentationLink"}
COUNTRY_LISTS = {"developmentCountries", "deploymentCountries"}


def reduce(value: Any, scrub: Scrubber, key: str = "") -> Any:
    """Apply the documented normalisations; None means 'dropped'."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in PERSONAL_FIELDS:
                continue
            r = reduce(v, scrub, k)
            if r is not None:
                out[k] = r
        return out or None
    if isinstance(value, list):
        if key in COUNTRY_LISTS:
            codes = set()
            for name in value:
                if is_blank(name):
                    continue
                c = resolve_country(name)
                codes.add(c.alpha3 if c else f"text:{name}")
            return sorted(codes) or None
        items = [reduce(v, scrub) for v in value]
        items = [i for i in items if i is not None]
        if key in UNORDERED:
            items = sorted(items)
        return items or None
    if isinstance(value, str):
        if is_blank(value):
            return None
        return scrub(value.strip() if key in URL_FIELDS else value)
    return value


def compare(original: dict[str, Any], exported: dict[str, Any], nominee: dict[str, Any] | None
            ) -> list[str]:
    """Differences between ORIGINAL and EXPORTED after reduction, as readable lines."""
    scrub = Scrubber(nominee)
    a, b = reduce(original, scrub), reduce(exported, scrub)
    return list(_diff(a, b, ""))


def _diff(a: Any, b: Any, path: str):  # type: ignore[no-untyped-def]
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from _diff(a.get(k), b.get(k), f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}/{i}")
    elif a != b:
        yield f"{path}: input {a!r} != exported {b!r}"
