"""The linking rules: plain Python over plain data, so they are testable without a store.

dpgkg/catalogues/linking.py reads datasets, the registry and the SDG vocabulary from the store
into the structures here (``Dataset``, ``RegistryIndex``, ``SdgIndex``) and turns each
``Candidate`` into a ``dpg:Link`` resource. Every rule records the field it matched and the
text that matched, never more: a dataset's description may name people, so no surrounding
context is copied (privacy).

Confidences (``dpg:confidence``, 0-1) are fixed per kind of evidence; a link under
``ACCEPT_THRESHOLD`` waits for review (``dpgkg links --review``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dpgkg.catalogues.rules_text import (
    acronym_of,
    doi_of,
    is_generic_host,
    norm_name,
    norm_url,
    site_of,
    url_host,
)
from dpgkg.namespaces import DPG, OWL, SDG

if TYPE_CHECKING:  # rules_inputs imports this module
    from dpgkg.catalogues.rules_inputs import PortalsRegistry

ACCEPT_THRESHOLD = 0.5
HIGH, MEDIUM, LOW = 0.9, 0.6, 0.4

# Rule names (the value of dpg:rule).
SDG_MENTION = "sdg-mention"
EU_THEME = "eu-theme-crosswalk"
EUROVOC = "eurovoc-sdg-mapping"
PUBLISHER = "publisher-organisation"
PORTAL = "portal-software"
SAME_AS = "same-as-data-dpg"
#: Rules where one subject may have only one object group: candidates in different groups
#: contradict each other and all wait for review. SDG rules are not exclusive (a dataset may
#: serve several goals).
EXCLUSIVE_RULES = frozenset({PUBLISHER, PORTAL, SAME_AS})

DATASET_SDG = str(DPG.datasetRelevantToSDG)
PUBLISHED_WITH = str(DPG.publishedWith)
RUNS_SOFTWARE = str(DPG.runsSoftware)
PUBLISHED_BY_ORG_OF = str(DPG.publishedByOrganizationOf)
SAME_AS_P = str(OWL.sameAs)


@dataclass
class Dataset:
    """What the rules read of one dcat:Dataset (every list may be empty)."""

    iri: str
    graph: str  # the catalogue graph it was read from
    titles: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    resource_names: list[str] = field(default_factory=list)  # dcat:distribution/dcterms:title
    themes: list[str] = field(default_factory=list)  # dcat:theme and dcterms:subject IRIs
    publisher_names: list[str] = field(default_factory=list)
    publisher_homepages: list[str] = field(default_factory=list)
    landing_pages: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)  # dcterms:identifier, owl:sameAs


@dataclass(frozen=True)
class Candidate:
    """One link a rule proposes; linking.py decides its review status."""

    rule: str
    subject: str
    predicate: str
    object: str
    field: str  # the matched field, e.g. "dcterms:title"
    text: str  # the matched text
    confidence: float
    source: str  # the catalogue graph the evidence came from
    group: str = ""  # exclusivity key (EXCLUSIVE_RULES): the organisation, software or DPG


# -- explicit SDG mentions ----------------------------------------------------------------------
_NUM = r"\d{1,2}(?:\.(?:\d{1,2}|[a-z]))?"
_LIST = rf"{_NUM}(?:\s*(?:,|and|&|/|\+)\s*{_NUM})*"
#: "SDG 4", "SDG4", "sdg-04", "SDGs 3 and 5", "SDG target 4.1", "Sustainable Development
#: Goal 4", "Sustainable Development Goals 3, 4": explicit, HIGH.
_EXPLICIT = re.compile(
    rf"\b(?:SDGs?|Sustainable\s+Development\s+Goals?)\s*(?:[-#_:]|no\.?|number)?\s*"
    rf"(?:targets?\s*)?(?P<n>{_LIST})(?![\d.]*\d)", re.IGNORECASE)
#: "Goal 4", "Target 4.1": explicit only beside an SDG context word elsewhere in the text.
_BARE = re.compile(rf"\b(?P<kind>Goals?|Targets?)\s+(?P<n>{_LIST})(?![\d.]*\d)", re.IGNORECASE)
_CONTEXT = re.compile(r"\bSDGs?\b|sustainable\s+development", re.IGNORECASE)
_SPLIT = re.compile(_NUM, re.IGNORECASE)
_HINTS = ("sdg", "goal", "target", "sustainable")
BARE_IN_CONTEXT, BARE_ALONE = 0.75, LOW


@dataclass(frozen=True)
class SdgIndex:
    """The goal and target IRIs the store's SDG vocabulary holds, and EuroVoc mappings."""

    concepts: frozenset[str]  # goal and target IRIs
    eurovoc: dict[str, frozenset[str]] = field(default_factory=dict)  # EuroVoc IRI -> goals


def sdg_mentions(text: str, sdg: SdgIndex) -> Iterator[tuple[str, str, float]]:
    """(goal or target IRI, matched text, confidence) for each SDG TEXT mentions explicitly."""
    low = text.lower()
    if not any(h in low for h in _HINTS):  # the fast path: most text mentions no goal
        return
    seen: set[str] = set()
    for m in _EXPLICIT.finditer(text):
        for iri in _concepts(m.group("n"), sdg):
            if iri not in seen:
                seen.add(iri)
                yield iri, m.group(0).strip(), HIGH
    in_context = bool(_CONTEXT.search(text))
    for m in _BARE.finditer(text):
        targets = m.group("kind").lower().startswith("target")
        for iri in _concepts(m.group("n"), sdg, targets_only=targets):
            if iri not in seen:
                seen.add(iri)
                yield iri, m.group(0).strip(), BARE_IN_CONTEXT if in_context else BARE_ALONE


def _concepts(numbers: str, sdg: SdgIndex, targets_only: bool = False) -> Iterator[str]:
    for num in _SPLIT.findall(numbers):
        goal, _, target = num.lower().partition(".")
        code = f"{int(goal)}.{target.lstrip('0') or '0'}" if target else str(int(goal))
        if targets_only and not target:
            continue
        iri = f"{SDG}{code}"
        if iri in sdg.concepts:  # "SDG 18" or "target 4.99" are no goal or target
            yield iri


def sdg_mention_rule(ds: Dataset, sdg: SdgIndex) -> Iterator[Candidate]:
    fields = (("dcterms:title", ds.titles), ("dcterms:description", ds.descriptions),
              ("dcat:keyword", ds.keywords), ("dcat:distribution/dcterms:title",
                                              ds.resource_names))
    for name, values in fields:
        for value in values:
            for iri, text, confidence in sdg_mentions(value, sdg):
                yield Candidate(SDG_MENTION, ds.iri, DATASET_SDG, iri, name, text, confidence,
                                ds.graph)


# -- theme crosswalks ---------------------------------------------------------------------------
#: EU data theme IRI -> [(goal IRI, confidence)], from dpgkg/data/eu-theme-sdg-crosswalk.json.
ThemeCrosswalk = dict[str, list[tuple[str, float]]]


def theme_rule(ds: Dataset, eu_themes: ThemeCrosswalk, sdg: SdgIndex) -> Iterator[Candidate]:
    for theme in ds.themes:
        for goal, confidence in eu_themes.get(theme, ()):
            yield Candidate(EU_THEME, ds.iri, DATASET_SDG, goal, "dcat:theme", theme,
                            confidence, ds.graph)
        goals = sdg.eurovoc.get(theme)
        if goals:
            # A EuroVoc concept the UN maps to one goal is medium evidence; one it maps to
            # several goals says less about each, so those links wait for review.
            confidence = MEDIUM if len(goals) == 1 else LOW
            for goal in sorted(goals):
                yield Candidate(EUROVOC, ds.iri, DATASET_SDG, goal, "dcat:theme", theme,
                                confidence, ds.graph)


# -- publisher = a DPG's owner or maintainer organisation ----------------------------------------
@dataclass
class RegistryIndex:
    """Lookups over the registry graph, built once per linking run."""

    org_by_name: dict[str, set[str]] = field(default_factory=dict)  # normalised name -> orgs
    org_by_acronym: dict[str, set[str]] = field(default_factory=dict)
    org_by_site: dict[str, set[str]] = field(default_factory=dict)
    org_sites: dict[str, set[str]] = field(default_factory=dict)
    org_products: dict[str, set[str]] = field(default_factory=dict)  # owned or maintained
    product_by_name: dict[str, set[str]] = field(default_factory=dict)
    product_by_site: dict[str, set[str]] = field(default_factory=dict)
    data_by_url: dict[str, set[str]] = field(default_factory=dict)  # data-type DPGs
    data_by_doi: dict[str, set[str]] = field(default_factory=dict)


#: (name matched how, domain evidence) -> confidence. "same": a publisher home page on the
#: organisation's web site; "none": nothing to compare; "differs": both known, different.
PUBLISHER_CONFIDENCE = {
    ("name", "same"): 0.95, ("name", "none"): 0.8, ("name", "differs"): 0.45,
    ("acronym", "same"): 0.85, ("acronym", "none"): 0.55, ("acronym", "differs"): 0.3,
    ("site", "same"): MEDIUM,
}


def publisher_rule(ds: Dataset, reg: RegistryIndex) -> Iterator[Candidate]:
    sites = {s for s in (site_of(h) for h in ds.publisher_homepages) if s}
    matches: dict[str, tuple[str, str]] = {}  # org -> (how, matched text)
    for name in ds.publisher_names:
        key = norm_name(name)
        for org in reg.org_by_name.get(key, ()):
            matches[org] = ("name", name)
        for org in reg.org_by_acronym.get(acronym_of(name) or key, ()):
            matches.setdefault(org, ("acronym", name))
    for site in sites:
        if not is_generic_host(site):
            for org in reg.org_by_site.get(site, ()):
                matches.setdefault(org, ("site", site))
    if any(how != "site" for how, _ in matches.values()):
        # A name match outranks organisations that only share the web site (a UN agency's
        # many units share un.org): those would only make a false conflict.
        matches = {o: m for o, m in matches.items() if m[0] != "site"}
    for org, (how, text) in sorted(matches.items()):
        org_sites = reg.org_sites.get(org, set())
        domain = ("same" if sites & org_sites else
                  "none" if not sites or not org_sites else "differs")
        if how == "site":
            domain = "same"
        confidence = PUBLISHER_CONFIDENCE[(how, domain)]
        fld = "dcterms:publisher/foaf:homepage" if how == "site" else "dcterms:publisher/foaf:name"
        for product in sorted(reg.org_products.get(org, ())):
            yield Candidate(PUBLISHER, ds.iri, PUBLISHED_BY_ORG_OF, product, fld, text,
                            confidence, ds.graph, group=org)


# -- a dataset that is itself a data-type DPG -----------------------------------------------------
def same_as_rule(ds: Dataset, reg: RegistryIndex) -> Iterator[Candidate]:
    for value in ds.identifiers + ds.landing_pages:
        doi = doi_of(value)
        if doi:
            for product in sorted(reg.data_by_doi.get(doi, ())):
                yield Candidate(SAME_AS, ds.iri, SAME_AS_P, product, "doi", doi, 0.95,
                                ds.graph, group=product)
    for page in ds.landing_pages:
        for product in sorted(reg.data_by_url.get(norm_url(page), ())):
            yield Candidate(SAME_AS, ds.iri, SAME_AS_P, product, "dcat:landingPage", page,
                            HIGH, ds.graph, group=product)


# -- datasets served by a portal that runs DPG software -----------------------------------------
@dataclass(frozen=True)
class Portal:
    """One catalogue of the portals registry (dataportals-registry catalogs_subset.jsonl)."""

    id: str
    name: str
    hosts: frozenset[str]  # hosts of its link and endpoints
    software_id: str
    software_name: str


@dataclass(frozen=True)
class PortalMatch:
    portal: Portal
    product: str  # the DPG record whose software the portal runs
    host: str  # the catalogue host that matched
    confidence: float


def software_products(portals: PortalsRegistry, reg: RegistryIndex) -> dict[str, set[str]]:
    """Portal software id -> the DPG records of that software, by name or id, else web site."""
    out: dict[str, set[str]] = {}
    used = {p.software_id for p in portals.portals}
    for sid in used:
        info = portals.software.get(sid, {})
        products: set[str] = set()
        for name in (info.get("name", ""), sid):
            products |= reg.product_by_name.get(norm_name(name), set()) if name else set()
        site = site_of(info["website"]) if info.get("website") else None
        if not products and site and not is_generic_host(site):
            products = set(reg.product_by_site.get(site, set()))
        if products:
            out[sid] = products
    return out


PORTAL_SAME_SITE = 0.45  # same registrable domain, other host: often another portal


def match_portals(catalogue_urls: Iterable[str], portals_by_host: dict[str, list[Portal]],
                  portals_by_site: dict[str, list[Portal]],
                  software_products: dict[str, set[str]]) -> list[PortalMatch]:
    """The portals (with DPG software) a catalogue is, judged by its homepage/source hosts."""
    found: dict[tuple[str, str], PortalMatch] = {}
    for url in catalogue_urls:
        host = url_host(url)
        if not host:
            continue
        exact = portals_by_host.get(host, [])
        near = [] if exact else portals_by_site.get(site_of(url) or "", [])
        for portals, confidence in ((exact, HIGH), (near, PORTAL_SAME_SITE)):
            for portal in portals:
                for product in software_products.get(portal.software_id, ()):
                    key = (portal.id, product)
                    if key not in found or found[key].confidence < confidence:
                        found[key] = PortalMatch(portal, product, host, confidence)
    return sorted(found.values(), key=lambda m: (m.portal.id, m.product))
