"""Project Open Data ``data.json`` (DCAT-US 1.1) as DCAT.

The whole catalogue is one document, so there is one page. Fields follow the POD v1.1
JSON-LD context: DCAT/Dublin Core terms where they exist; ``accessLevel``, ``bureauCode`` and
``programCode`` keep their DCAT-US terms (``pod:``) as literals rather than posing as
``dcterms:identifier`` (link rules match identifiers, and "005:12" identifies a bureau, not
the dataset); ``accessLevel`` is also ``dcterms:accessRights`` with the EU access-right IRI.
``contactPoint`` is personal data: never mapped, and its name and address are scrubbed from
all text. ``dataQuality``, ``primaryITInvestmentUII``, ``systemOfRecords`` and agency
additions (``additionalField…``) are not mapped. The legacy DCAT-JSON of ckanext-dcat's JSON
harvester (a catalogue or list of datasets with the same field names) is read too.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from dpgkg.catalogues.jsonmap import (
    JSON_MEDIA,
    POD,
    WDRS_DESCRIBEDBY,
    Emit,
    as_list,
    clean,
    head_text,
    page_json,
    pointer,
    scrubber,
    slug,
    url_or_none,
)
from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.namespaces import DCAT, DCTERMS

POD_SCHEMA = "project-open-data.cio.gov"
_ACCESS = {"public": "PUBLIC", "restricted public": "RESTRICTED", "non-public": "NON_PUBLIC"}
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"


class DataJsonKind:
    """The ``data.json`` source kind."""

    name = "datajson"
    accepts: tuple[str, ...] = (*JSON_MEDIA, "application/ld+json")

    def sniff(self, url: str, content_type: str, head: bytes) -> bool:
        text = head_text(head)
        if not text.startswith("{"):
            return False
        if POD_SCHEMA in text:
            return True
        # No conformsTo in the first bytes: a file named data.json holding a dataset array.
        return urlsplit(url).path.endswith("data.json") and '"dataset"' in text

    def first_url(self, source: str, page_size: int) -> str:
        parts = urlsplit(source)
        if parts.scheme in ("http", "https"):
            if parts.path in ("", "/"):  # an agency site: POD puts the catalogue at /data.json
                return urlunsplit((parts.scheme, parts.netloc, "/data.json", "", ""))
            return source
        if parts.scheme == "file":
            return source
        return Path(source).resolve().as_uri()

    def next_url(self, page: Page, datasets_on_page: int, page_size: int) -> str | None:
        return None  # data.json is one document

    def map_page(self, page: Page, out: CatalogueOut) -> int:
        doc = page_json(page)
        emit = Emit(out, page)
        if isinstance(doc, list):
            catalog: dict[str, Any] = {}
            entries = [(pointer(i), d) for i, d in enumerate(doc)]
        elif isinstance(doc, dict) and isinstance(doc.get("dataset"), list):
            catalog = doc
            entries = [(pointer("dataset", i), d) for i, d in enumerate(doc["dataset"])]
        elif isinstance(doc, dict) and "title" in doc and "identifier" in doc:
            catalog, entries = {}, [("", doc)]  # one dataset on its own
        else:
            raise ValueError("not a data.json catalogue: no \"dataset\" array")
        if not any(isinstance(d, dict) for _, d in entries) and entries:
            raise ValueError("not a data.json catalogue: \"dataset\" holds no objects")
        self._catalogue(emit, catalog)
        return emit.records(entries, functools.partial(_dataset, emit), "a dataset")

    @staticmethod
    def _catalogue(emit: Emit, catalog: dict[str, Any]) -> None:
        cat = emit.catalogue(clean(catalog.get("title")), clean(catalog.get("homepage")),
                             clean(catalog.get("@id")))
        emit.text(cat, DCTERMS.description, catalog.get("description"))
        emit.link(cat, DCTERMS.conformsTo, catalog.get("conformsTo"))
        emit.link(cat, WDRS_DESCRIBEDBY, catalog.get("describedBy"))
        emit.date(cat, DCTERMS.issued, catalog.get("issued"))
        emit.date(cat, DCTERMS.modified, catalog.get("modified"))
        emit.licence(cat, catalog.get("license"))
        for lang in as_list(catalog.get("language")):
            emit.language(cat, lang)


KIND = DataJsonKind()


def dataset_iri(out: CatalogueOut, identifier: str) -> str:
    """A data.json identifier that is an http(s) IRI names the dataset; any other (agency
    codes, DOIs) mints one under the graph, the same on every harvest."""
    return url_or_none(identifier) or f"{out.graph}/dataset/{slug(identifier)}"


def _dataset(e: Emit, where: str, d: dict[str, Any]) -> bool:
    identifier = clean(d.get("identifier")) or clean(d.get("@id"))
    if identifier is None:
        # No identifier (DCAT-JSON lists may omit it): the title names it, else give up.
        title = clean(d.get("title"))
        if title is None:
            e.problem(where, "dataset without identifier or title: skipped")
            return False
        e.problem(where + "/identifier", "missing: IRI minted from the title", "warning")
        identifier = title
    ds = dataset_iri(e.out, identifier)
    publisher: dict[str, Any] = d["publisher"] if isinstance(d.get("publisher"), dict) else {}
    contacts = [c for c in as_list(d.get("contactPoint")) if isinstance(c, dict)]
    e.scrub = scrubber([c.get("fn") for c in contacts], _org_names(publisher))
    e.dataset(ds)
    e.text(ds, DCTERMS.title, d.get("title"))
    e.text(ds, DCTERMS.description, d.get("description"))
    for keyword in as_list(d.get("keyword")):
        e.text(ds, DCAT.keyword, keyword)
    e.date(ds, DCTERMS.issued, d.get("issued"))
    e.date(ds, DCTERMS.modified, d.get("modified"))
    e.identifier(ds, identifier)
    for ref in as_list(d.get("references")):
        e.link(ds, DCTERMS.references, ref)
    _publisher(e, ds, publisher)
    level = clean(d.get("accessLevel"))
    if level:
        e.text(ds, POD + "accessLevel", level)
        if level.lower() in _ACCESS:
            e.w.rel(ds, str(DCTERMS.accessRights), EU_ACCESS_RIGHT + _ACCESS[level.lower()])
    for key in ("bureauCode", "programCode"):
        for code in as_list(d.get(key)):
            e.text(ds, POD + key, code)
    if clean(d.get("license")) and not e.licence(ds, d.get("license")):
        e.problem(where + "/license", "not a URL or SPDX id: no dcterms:license")
    e.text(ds, DCTERMS.rights, d.get("rights"))
    spatial = clean(d.get("spatial"))
    if spatial and not e.link(ds, DCTERMS.spatial, spatial):
        e.location(ds, "0", spatial)
    temporal = clean(d.get("temporal"))
    if temporal and "/" in temporal:
        start, end = temporal.split("/", 1)
        e.period(ds, "0", start, end)
    period = clean(d.get("accrualPeriodicity"))
    if period and not e.link(ds, DCTERMS.accrualPeriodicity, period):
        e.text(ds, DCTERMS.accrualPeriodicity, period)
    for lang in as_list(d.get("language")):
        e.language(ds, lang)
    for theme in as_list(d.get("theme")):
        e.theme(ds, theme)
    e.url(ds, DCAT.landingPage, d.get("landingPage"), where + "/landingPage")
    parent = clean(d.get("isPartOf"))
    if parent:  # a collection: the parent's identifier, minted the same way
        e.w.rel(ds, str(DCTERMS.isPartOf), dataset_iri(e.out, parent))
    e.link(ds, DCTERMS.conformsTo, d.get("conformsTo"))
    e.link(ds, WDRS_DESCRIBEDBY, d.get("describedBy"))
    for i, dist in enumerate(as_list(d.get("distribution"))):
        if isinstance(dist, dict):
            _distribution(e, ds, f"{ds}/distribution/{i}", dist, f"{where}/distribution/{i}")
        else:
            e.problem(f"{where}/distribution/{i}", "not a distribution object")
    return True


def _org_names(publisher: dict[str, Any]) -> list[Any]:
    names: list[Any] = []
    node: Any = publisher
    for _ in range(10):
        if not isinstance(node, dict):
            break
        names.append(node.get("name"))
        node = node.get("subOrganizationOf")
    return names


def _publisher(e: Emit, ds: str, publisher: dict[str, Any]) -> None:
    """publisher {name, subOrganizationOf} → foaf:Agent with org:subOrganizationOf chain;
    an e-mail (DCAT-JSON "mbox") is personal data and not mapped."""
    name = clean(publisher.get("name"))
    if not name:
        return
    agent = e.agent_iri(name, publisher.get("@id"))
    e.agent(ds, str(DCTERMS.publisher), agent, name, publisher.get("homepage"))
    node, depth = publisher, 0
    while isinstance(node.get("subOrganizationOf"), dict) and depth < 10:  # stops a cycle
        parent = node["subOrganizationOf"]
        e.suborganisation(agent, parent.get("name"))
        if not clean(parent.get("name")):
            break
        agent, node, depth = e.agent_iri(str(parent["name"]).strip()), parent, depth + 1


def _distribution(e: Emit, ds: str, dist: str, d: dict[str, Any], where: str) -> None:
    e.distribution(ds, dist)
    e.text(dist, DCTERMS.title, d.get("title"))
    e.text(dist, DCTERMS.description, d.get("description"))
    for key, prop in (("downloadURL", DCAT.downloadURL), ("accessURL", DCAT.accessURL)):
        e.url(dist, prop, d.get(key), f"{where}/{key}")
    if clean(d.get("downloadURL")) and not clean(d.get("accessURL")):
        e.link(dist, DCAT.accessURL, d.get("downloadURL"))  # DCAT: accessURL whenever known
    fmt = clean(d.get("format"))
    e.text(dist, DCTERMS["format"], fmt)
    if not e.media_type(dist, d.get("mediaType")) and fmt:
        e.media_type(dist, fmt)  # DCAT-JSON puts the media type in "format"
    e.link(dist, DCTERMS.conformsTo, d.get("conformsTo"))
    e.link(dist, WDRS_DESCRIBEDBY, d.get("describedBy"))
    e.licence(dist, d.get("license"))
    e.date(dist, DCTERMS.issued, d.get("issued"))
    e.date(dist, DCTERMS.modified, d.get("modified"))
