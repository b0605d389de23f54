"""What the JSON-based catalogue kinds (ckan, datajson, schemaorg) share: reading a page,
minting IRIs, and writing the DCAT terms of the catalogue-graph contract.

Values from catalogues are untrusted text: IRIs are checked (and unsafe characters
percent-encoded) before they reach N-Quads and dates are typed only when they parse (the
checks live in ``values``, re-exported here for the kinds that import them from this module);
every literal goes through the dataset's scrubber so that no e-mail address or contact name is
written (the project's rule: personal contact data never reaches the graph).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from dpgkg.catalogues.kinds import CatalogueOut, Page, PageProblem
from dpgkg.catalogues.values import as_list as as_list  # re-exported for ckan, datajson
from dpgkg.catalogues.values import (
    clean,
    date_literal,
    doi_of,
    language_iri,
    licence_iri,
    media_type_iri,
    url_or_none,
)
from dpgkg.catalogues.values import country_iri as country_iri  # re-exported for ckan
from dpgkg.namespaces import ADMS, DCAT, DCTERMS, FOAF, ORG, OWL, RDF, SKOS
from dpgkg.rdfterms import literal
from dpgkg.registry.privacy import EMAIL_MARK, NAME_MARK, Scrubber

# Namespaces namespaces.py does not hold (it is owned elsewhere), used only here.
LOCN = "http://www.w3.org/ns/locn#"
GSP = "http://www.opengis.net/ont/geosparql#"
#: DCAT-US 1.1 (Project Open Data) terms without a DCAT equivalent, as its JSON-LD context.
POD = "https://project-open-data.cio.gov/v1.1/schema#"
#: POWDER-S ``describedby``: what the POD context maps ``describedBy`` to.
WDRS_DESCRIBEDBY = "http://www.w3.org/2007/05/powder-s#describedby"
DOI_BASE = "https://doi.org/"

TYPE = str(RDF.type)
JSON_MEDIA = ("application/json", "text/json", "text/plain", "application/octet-stream")
_MARKS = {EMAIL_MARK, NAME_MARK}


def load_json(page: Page) -> Any:
    """The page's JSON, or ValueError saying why it is unusable."""
    try:
        return json.loads(page.body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                         ) from exc


def page_json(page: Page) -> Any:
    """``load_json`` of the page, parsed once per page (kept in ``page.memo``)."""
    if "json" not in page.memo:
        page.memo["json"] = load_json(page)
    return page.memo["json"]


def head_text(head: bytes) -> str:
    """The first bytes of a response as text, for sniffing (never parsed as a whole)."""
    return head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def slug(text: str) -> str:
    """TEXT as one IRI path segment, reversibly (percent-encoding), so distinct source
    identifiers never collide and the same identifier mints the same IRI on re-harvest."""
    return quote(text.strip(), safe="-._~")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def scrubber(names: Iterable[Any], organisations: Iterable[Any]) -> Scrubber:
    """A Scrubber for one dataset's personal NAMES, leaving out any "name" that is one of
    its ORGANISATIONS (an org listed as its own contact names no person)."""
    orgs = {o.strip().casefold() for o in organisations if isinstance(o, str) and o.strip()}
    return Scrubber.for_names(n for n in names if isinstance(n, str)
                              and n.strip().casefold() not in orgs)


class Emit:
    """Writes DCAT triples of one page into a CatalogueOut, scrubbing every literal."""

    def __init__(self, out: CatalogueOut, page: Page) -> None:
        self.out = out
        self.page = page
        self.w = out.writer
        self.scrub = Scrubber(None)  # e-mail addresses only; kinds set one per dataset

    def problem(self, where: str, reason: str, severity: str = "error") -> None:
        """ "error": part of the page was not used; "warning": used, with a caveat."""
        self.out.problems.append(PageProblem(self.page.url, reason, where, severity=severity))

    def guarded(self, where: str, record: Callable[[], bool]) -> bool:
        """Map one record; a record the mapping cannot read is reported and its partial
        triples are taken back, so one bad dataset never costs the rest of the page."""
        mark = len(self.w.lines)
        try:
            return record()
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            del self.w.lines[mark:]
            self.problem(where, f"unusable record ({type(exc).__name__}: {exc})")
            return False

    def records(self, records: Iterable[tuple[str, Any]], map_one: Callable[[str, Any], bool],
                what: str = "") -> int:
        """Map each (WHERE, record) with MAP_ONE, ``guarded``; count the datasets written in
        ``out.datasets`` and return them. With WHAT, a record that is not a JSON object is
        reported as not WHAT and skipped."""
        written = 0
        for where, record in records:
            if what and not isinstance(record, dict):
                self.problem(where, f"not {what} (a JSON object was expected)")
                continue
            written += self.guarded(where, functools.partial(map_one, where, record))
        self.out.datasets += written
        return written

    def text(self, s: str, p: str, value: Any, datatype: str | None = None) -> bool:
        text = clean(value)
        if text is None:
            return False
        text = self.scrub(text)
        if text in _MARKS:
            return False  # the whole value was a contact name or address: nothing left
        self.w.text(s, str(p), text, datatype)
        return True

    def link(self, s: str, p: str, value: Any) -> bool:
        url = url_or_none(value)
        if url:
            self.w.rel(s, str(p), url)
        return url is not None

    def url(self, s: str, p: str, value: Any, where: str, reason: str = "not a URL") -> bool:
        """S P VALUE when VALUE is a URL; a VALUE that is not (and not empty) is reported."""
        if self.link(s, p, value):
            return True
        if clean(value):
            self.problem(where, reason)
        return False

    def date(self, s: str, p: str, value: Any) -> None:
        found = date_literal(value)
        if found:
            self.w.text(s, str(p), self.scrub(found[0]), found[1])

    def a(self, s: str, cls: str) -> None:
        self.w.rel(s, TYPE, str(cls))

    def catalogue(self, title: str | None = None, homepage: str | None = None,
                  own: str | None = None) -> str:
        """The dcat:Catalog; the source's OWN IRI replaces the minted one while the
        harvester allows it (page 1 of a URL or single-file source)."""
        own = url_or_none(own)
        if own and self.out.adopt_catalogue:
            self.out.catalogue = own
            self.out.adopt_catalogue = False
        cat = self.out.catalogue
        self.a(cat, DCAT.Catalog)
        if title:
            self.text(cat, DCTERMS.title, title)
        if homepage and homepage != cat:
            self.link(cat, FOAF.homepage, homepage)
        return cat

    def dataset(self, ds: str) -> None:
        self.a(ds, DCAT.Dataset)
        self.w.rel(self.out.catalogue, str(DCAT.dataset), ds)

    def distribution(self, ds: str, dist: str) -> None:
        self.a(dist, DCAT.Distribution)
        self.w.rel(ds, str(DCAT.distribution), dist)

    def agent(self, s: str, p: str, iri: str, name: Any, homepage: Any = None) -> None:
        """S P IRI, IRI a foaf:Agent and foaf:Organization with name and homepage."""
        self.w.rel(s, str(p), iri)
        self.a(iri, FOAF.Agent)
        self.a(iri, FOAF.Organization)
        self.text(iri, FOAF.name, name)
        self.link(iri, FOAF.homepage, homepage)

    def agent_iri(self, name: str, given: Any = None) -> str:
        """An agent's own IRI when it has one, else one minted from its name in the graph."""
        return url_or_none(given) or f"{self.out.graph}/agent/{slug(name)}"

    def suborganisation(self, agent: str, parent_name: Any) -> None:
        """AGENT org:subOrganizationOf the organisation PARENT_NAME (callers bound the chain)."""
        name = clean(parent_name)
        if name:
            parent = self.agent_iri(name)
            self.w.rel(agent, str(ORG.subOrganizationOf), parent)
            self.a(parent, FOAF.Agent)
            self.a(parent, FOAF.Organization)
            self.text(parent, FOAF.name, name)

    def identifier(self, ds: str, value: Any) -> None:
        """dcterms:identifier; a DOI also as adms:identifier and owl:sameAs (the contract)."""
        if self.text(ds, DCTERMS.identifier, value):
            doi = doi_of(value)
            if doi:
                self.doi(ds, doi)

    def doi(self, ds: str, doi: str) -> None:
        doi_iri = url_or_none(DOI_BASE + doi)
        if not doi_iri:
            return
        # A separate adms:Identifier node: typing the doi.org IRI itself as an identifier
        # would, through owl:sameAs, make the dataset an adms:Identifier.
        node = self.out.skolem(f"doi/{slug(doi)}")
        self.w.rel(ds, str(ADMS.identifier), node)
        self.a(node, ADMS.Identifier)
        self.w.text(node, str(SKOS.notation), doi)
        self.w.text(node, str(ADMS.schemaAgency), "DOI")
        self.w.rel(ds, str(OWL.sameAs), doi_iri)

    def theme(self, ds: str, value: Any) -> None:
        """dcat:theme: an IRI as given; a label as a skos:Concept minted in the graph."""
        if self.link(ds, DCAT.theme, value):
            return
        label = clean(value)
        if label:
            concept = f"{self.out.graph}/theme/{slug(label.casefold())}"
            self.w.rel(ds, str(DCAT.theme), concept)
            self.a(concept, SKOS.Concept)
            self.text(concept, SKOS.prefLabel, label)

    def language(self, s: str, value: Any) -> None:
        found = url_or_none(value) or language_iri(value)
        if found:
            self.w.rel(s, str(DCTERMS.language), found)
        else:
            self.text(s, DCTERMS.language, value)

    def licence(self, s: str, value: Any) -> bool:
        found = licence_iri(value)
        if found:
            self.w.rel(s, str(DCTERMS.license), found)
        return found is not None

    def media_type(self, dist: str, value: Any) -> bool:
        found = media_type_iri(value)
        if found:
            self.w.rel(dist, str(DCAT.mediaType), found)
        return found is not None

    def period(self, ds: str, key: str, start: Any, end: Any) -> None:
        """dcterms:temporal, a dcterms:PeriodOfTime with dcat:startDate / dcat:endDate."""
        begin, finish = date_literal(start), date_literal(end)
        if not (begin and begin[1]) and not (finish and finish[1]):
            return  # neither end is a date: nothing a query could use
        node = f"{ds}/temporal/{key}"
        self.w.rel(ds, str(DCTERMS.temporal), node)
        self.a(node, DCTERMS.PeriodOfTime)
        for prop, found in ((DCAT.startDate, begin), (DCAT.endDate, finish)):
            if found and found[1]:
                self.w.text(node, str(prop), found[0], found[1])

    def location(self, ds: str, key: str, label: Any = None, geometry: Any = None,
                 bbox: Any = None, centroid: Any = None) -> None:
        """dcterms:spatial, a dcterms:Location (GeoJSON geometries as GeoSPARQL literals,
        like ckanext-dcat)."""
        if clean(label) is None and not any((geometry, bbox, centroid)):
            return
        node = f"{ds}/spatial/{key}"
        self.w.rel(ds, str(DCTERMS.spatial), node)
        self.a(node, DCTERMS.Location)
        self.text(node, SKOS.prefLabel, label)
        for prop, value in ((LOCN + "geometry", geometry), (str(DCAT.bbox), bbox),
                            (str(DCAT.centroid), centroid)):
            geo = _geojson(value)
            if geo:
                self.w.add(f"<{node}>", prop, literal(geo, GSP + "geoJSONLiteral"))


def _geojson(value: Any) -> str | None:
    """GeoJSON (a dict or its JSON text) as compact JSON text, else None."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return None
