"""Checking and normalising untrusted values from JSON catalogues (ckan, datajson,
schemaorg): empty markers, URLs, DOIs, dates, countries, languages, licences, media types.

Every check returns None (or the text as a plain literal, for dates) rather than raising:
catalogues are full of odd values, and one odd value must cost only itself. IRIs are
percent-encoded where N-Triples forbids a character, so they can go straight to N-Quads.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import pycountry

from dpgkg.licences import spdx_by_folded_id
from dpgkg.namespaces import EU_COUNTRY, SPDX_LICENSE, XSD

IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"

_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|info:doi/)?(10\.\d{4,9}/\S+)$",
                  re.IGNORECASE)
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?"
                       r"(Z|[+-]\d{2}:?\d{2})?$")
# Characters N-Triples forbids in an IRI (plus whitespace): percent-encoded, not rejected,
# because real catalogues publish "…/Copy of logs.xls" and the link still works encoded.
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|\\^`]')
# Strings CKAN and its YAML/JSON conversions use for "no value".
_EMPTY = {"", "none", "null", "nan", "n/a"}


def clean(value: Any) -> str | None:
    """A usable scalar as stripped text; None for empty values and containers."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        return None if text.lower() in _EMPTY else text
    return None


def as_list(value: Any) -> list[Any]:
    """VALUE as a list: None is [], a JSON-encoded list (CKAN extras) is decoded."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return [value]
        return decoded if isinstance(decoded, list) else [value]
    return [value]


def url_or_none(value: Any) -> str | None:
    """VALUE as an absolute http(s)/ftp IRI safe for N-Triples, else None."""
    text = clean(value)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "ftp") or not parts.netloc:
        return None
    if "@" in parts.netloc:
        return None  # user-info in a URL is either a credential or an e-mail address
    return _IRI_UNSAFE.sub(lambda m: quote(m.group(0)), text)


def doi_of(value: Any) -> str | None:
    """The DOI name ("10.1234/x") in "doi:10…", "https://doi.org/10…" or a bare "10…"."""
    text = clean(value)
    match = _DOI.match(text) if text else None
    return match.group(1) if match else None


def date_literal(value: Any) -> tuple[str, str | None] | None:
    """(lexical form, XSD datatype) for a date or date-time; a plain literal when the text
    is not one (kept rather than lost); None when empty."""
    text = clean(value)
    if text is None:
        return None
    try:
        if _DATE.match(text):
            date.fromisoformat(text)
            return text, str(XSD.date)
        match = _DATETIME.match(text)
        if match:
            day, hm, seconds, zone = match.groups()
            zone = zone or ""
            if zone and zone != "Z" and ":" not in zone:
                zone = f"{zone[:3]}:{zone[3:]}"
            lexical = f"{day}T{hm}{seconds or ':00'}{zone}"
            datetime.fromisoformat(lexical.replace("Z", "+00:00"))
            return lexical, str(XSD.dateTime)
        if re.fullmatch(r"\d{4}", text):
            return text, str(XSD.gYear)
        if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
            return text, str(XSD.gYearMonth)
    except ValueError:
        pass
    return text, None


def country_iri(code: Any, label: Any = None) -> str | None:
    """The EU country authority IRI of an ISO 3166-1 alpha-3 code, when it resolves and (if
    LABEL is given) the label names the same country, so a CKAN group "ind" titled
    "Industry" is not taken for India."""
    text = clean(code)
    if not text or len(text) != 3 or not text.isalpha():
        return None
    country = pycountry.countries.get(alpha_3=text.upper())
    if country is None:
        return None
    title = clean(label)
    if title and title.casefold() != text.casefold():
        names = " ".join(str(getattr(country, a, "")) for a in
                         ("name", "common_name", "official_name")).casefold()
        words = {w for w in re.findall(r"\w{3,}", title.casefold())}
        if not any(w in names for w in words):
            return None
    return str(EU_COUNTRY) + country.alpha_3


def language_iri(code: Any) -> str | None:
    """The EU language authority IRI of an ISO 639 code ("en", "en-US", "eng")."""
    text = clean(code)
    if not text:
        return None
    primary = text.replace("_", "-").split("-")[0].lower()
    lang = None
    if len(primary) == 2:
        lang = pycountry.languages.get(alpha_2=primary)
    elif len(primary) == 3:
        lang = pycountry.languages.get(alpha_3=primary)
    return EU_LANGUAGE + lang.alpha_3.upper() if lang is not None else None


def licence_iri(value: Any) -> str | None:
    """A licence as an IRI: a URL as given, an SPDX id (any case) as its SPDX IRI."""
    url = url_or_none(value)
    if url:
        return url
    text = clean(value)
    if not text:
        return None
    found = spdx_by_folded_id().get(text.casefold())
    return str(SPDX_LICENSE) + found if found else None


def media_type_iri(value: Any) -> str | None:
    """An IANA media-type IRI for "text/csv" (DCAT 3: dcat:mediaType ranges over them)."""
    text = clean(value)
    if not text:
        return None
    text = text.split(";")[0].strip().lower()
    return IANA_MEDIA + text if _MEDIA_TYPE.match(text) else None
