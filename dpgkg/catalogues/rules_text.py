"""Normalising names, URLs, hosts and DOIs so the linking rules compare like with like."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

#: Legal forms and filler words dropped from the end or start of organisation names, so that
#: "Open Clinic Foundation Inc." and "The Open Clinic Foundation" compare equal.
_LEGAL = {"inc", "incorporated", "ltd", "limited", "llc", "gmbh", "ev", "e v", "sa", "ag",
          "bv", "nv", "plc", "co", "corp", "corporation", "ngo", "asbl", "gcic", "cic"}
_NON_WORD = re.compile(r"[^\w]+")
_PAREN = re.compile(r"\(([^)]*)\)")
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&.-]{1,15}$")

#: Hosts many unrelated organisations share: equal sites there say nothing about identity.
GENERIC_SITES = frozenset({
    "github.com", "gitlab.com", "bitbucket.org", "google.com", "facebook.com", "twitter.com",
    "x.com", "linkedin.com", "medium.com", "youtube.com", "wikipedia.org", "wordpress.com",
    "blogspot.com", "zenodo.org", "doi.org", "figshare.com", "arcgis.com", "example.com",
})
#: Suffixes under which every sub-domain belongs to someone else (one more label is kept).
_MULTI_TENANT = ("github.io", "gitlab.io", "readthedocs.io", "netlify.app", "herokuapp.com",
                 "wordpress.com", "blogspot.com", "pages.dev", "vercel.app")
#: Second-level labels under country codes that are not registrable on their own (co.uk).
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "or", "go", "ne", "mil", "nic"}


@lru_cache(maxsize=65536)
def norm_name(name: str) -> str:
    """NAME folded to compare organisation names: accents, case, punctuation, legal forms."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    words = _NON_WORD.sub(" ", text).split()
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in _LEGAL:
        words = words[:-1]
    return " ".join(words)


def name_keys(name: str) -> tuple[set[str], set[str]]:
    """(full-name keys, acronym keys) of an organisation name.

    "Health Information Systems Programme (HISP), University of Oslo" gives the full name, the
    name without the parenthesis, and the acronym "hisp".
    """
    names = {norm_name(name), norm_name(_PAREN.sub(" ", name))} - {""}
    acronyms = {norm_name(a) for a in _PAREN.findall(name) if _ACRONYM.match(a.strip())}
    return names, acronyms - {""}


def acronym_of(name: str) -> str | None:
    """The normalised acronym when NAME itself looks like one ("UNICEF", "HISP")."""
    stripped = name.strip()
    return norm_name(stripped) if _ACRONYM.match(stripped) and stripped.isupper() else None


@lru_cache(maxsize=65536)
def url_host(url: str) -> str | None:
    """The lower-case host of URL without "www.", or None when URL is not http(s)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=65536)
def site_of(url: str) -> str | None:
    """An approximation of URL's (or a host's) registrable domain: data.unicef.org ->
    unicef.org; three labels under "co.uk"-style second levels (ons.gov.uk stays whole) and
    under multi-tenant hosts (tico-19.github.io). A public-suffix list would be exact, but
    these two cases cover the portals and organisations the rules compare."""
    host = url_host(url) if "://" in url else url.lower()
    if not host:
        return None
    labels = host.split(".")
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        keep = 3
    if any(host.endswith("." + suffix) for suffix in _MULTI_TENANT):
        keep = 3
    return ".".join(labels[-keep:])


def is_generic_host(site: str) -> bool:
    return site in GENERIC_SITES


@lru_cache(maxsize=65536)
def norm_url(url: str) -> str:
    """URL compared for identity: no scheme, no "www.", no fragment, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


_DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)


def doi_of(value: str) -> str | None:
    """The DOI in VALUE ("10.x/y", "doi:10.x/y", "https://doi.org/10.x/y"), lower-cased."""
    if "10." not in value:
        return None
    m = _DOI.search(value)
    return m.group(1).rstrip(".,;)").lower() if m else None
