"""schema.org ``Dataset`` JSON-LD as DCAT (the shapes Google Dataset Search and the ESIP
science-on-schema.org guidelines use).

A page is JSON-LD (one node, a list, an ``@graph``, or a ``DataCatalog`` with ``dataset``) or
an HTML page whose ``<script type="application/ld+json">`` blocks hold it.

**Expansion.** A ``"@context"`` naming schema.org (``http``/``https``, with or without the
trailing slash or ``docs/jsonldcontext.json``) is replaced by the LOCAL copy of the schema.org
context (``SchemaOrgKind(context=PATH)``, else found like the dcat kind's contexts: default
``<shared data>/catalogues/schemaorg-dataset/context``), never fetched, and the document is
expanded to RDF with rdflib, so prefixes, ``@vocab``, ``@graph`` and ``@list`` mean what
JSON-LD says. Without a context copy, or when a document names any other remote context (which
rdflib would fetch), the terms are read straight from the JSON instead: keys that are
schema.org terms (bare, ``schema:``-prefixed or full IRIs), others ignored. ``expansion`` says
which mode is in force. The reading itself lives in ``jsonld_nodes``.

Only DCAT is written, no ``schema:`` triples: the contract graph is DCAT 3, and copying
schema.org nodes would copy ``Person`` nodes, which are personal data. Persons (creator,
author, contributor, contactPoint, …) are never mapped; their names and any e-mail address
are scrubbed from the text that is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dpgkg.catalogues.dcat import ContextResolver
from dpgkg.catalogues.jsonld_nodes import DATASET_TYPES, Node, read_nodes
from dpgkg.catalogues.jsonmap import Emit, digest, head_text, load_json, scrubber, slug
from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.catalogues.values import clean, doi_of, media_type_iri, url_or_none
from dpgkg.namespaces import DCAT, DCTERMS

_SCRIPT = re.compile(r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)"
                     r"</script>", re.IGNORECASE | re.DOTALL)
#: The schema.org context's URL in ``dcat.CONTEXTS`` (the local copy ``context=PATH`` names).
SCHEMA_ORG_CONTEXT = "https://schema.org/"
_PERSON_PROPS = ("creator", "author", "contributor", "publisher", "provider", "maintainer",
                 "accountablePerson", "contactPoint", "editor", "producer", "copyrightHolder")


class SchemaOrgKind:
    """The schema.org Dataset source kind."""

    name = "schemaorg"
    accepts: tuple[str, ...] = ("application/ld+json", "application/json", "text/html",
                                "text/plain")

    def __init__(self, context: str | Path | None = None) -> None:
        self._context_path = Path(context) if context else None
        self._resolver: ContextResolver | None = None
        self._context: dict[str, Any] | None = None
        self._loaded = False

    @property
    def resolver(self) -> ContextResolver:
        """Finds the context as the dcat kind does; ``context=PATH`` (a file, or a folder
        holding schemaorgcontext.jsonld) overrides where the schema.org one comes from."""
        if self._resolver is None:  # built lazily: reading settings costs nothing until used
            path = self._context_path
            if path is not None and path.is_dir():
                path = path / "schemaorgcontext.jsonld"
            self._resolver = ContextResolver(
                extra={SCHEMA_ORG_CONTEXT: path} if path is not None else None)
        return self._resolver

    def context(self) -> dict[str, Any] | None:
        """The local schema.org context (the value of its "@context"), None if absent."""
        if not self._loaded:
            self._loaded = True
            path = self.resolver.path(SCHEMA_ORG_CONTEXT)
            if path is not None and path.is_file():
                context = self.resolver.context(SCHEMA_ORG_CONTEXT)
                self._context = context if isinstance(context, dict) else None
        return self._context

    @property
    def expansion(self) -> str:
        """"json-ld" (expanded against the local context) or "direct" (no context copy)."""
        return "json-ld" if self.context() is not None else "direct"

    def sniff(self, url: str, content_type: str, head: bytes) -> bool:
        text = head_text(head)
        if "schema.org" not in text:
            return False
        if text.startswith("<") and "application/ld+json" not in text:
            return False
        return any(t in text for t in ('"Dataset"', '"DataCatalog"', "schema.org/Dataset",
                                       "schema.org/DataCatalog", '"DataFeed"'))

    def first_url(self, source: str, page_size: int) -> str:
        if urlsplit(source).scheme in ("http", "https", "file"):
            return source
        return Path(source).resolve().as_uri()

    def next_url(self, page: Page, datasets_on_page: int, page_size: int) -> str | None:
        return None  # a schema.org page describes what it describes: no paging

    def map_page(self, page: Page, out: CatalogueOut) -> int:
        emit = Emit(out, page)
        found: list[tuple[str, Node]] = []
        catalogues: list[Node] = []
        for where, doc in self._documents(page, emit):
            self._collect(read_nodes(doc, self.context()), where, found, catalogues)
        if not found and not catalogues:
            raise ValueError("no schema.org Dataset or DataCatalog in the page")
        title = next((c.text("name") for c in catalogues if c.text("name")), None)
        cat = emit.catalogue(title, next((c.text("url") for c in catalogues), None),
                             catalogues[0].id if len(catalogues) == 1 else None)
        for catalogue in catalogues:
            emit.text(cat, DCTERMS.description, catalogue.text("description"))
        minted: set[str] = set()
        return emit.records(found, lambda where, node: _Dataset(emit, node, where, minted).map())

    @staticmethod
    def _documents(page: Page, emit: Emit) -> list[tuple[str, Any]]:
        text = page.body.decode("utf-8-sig", "replace").lstrip()
        if not text.startswith("<"):
            return [("", load_json(page))]
        docs: list[tuple[str, Any]] = []
        for n, block in enumerate(_SCRIPT.findall(text)):
            try:
                docs.append((f"script[{n}]", json.loads(block)))
            except json.JSONDecodeError as exc:
                emit.problem(f"script[{n}]", f"not JSON: {exc.msg} at line {exc.lineno}")
        if not docs:
            raise ValueError("an HTML page without a usable application/ld+json script")
        return docs

    @staticmethod
    def _collect(nodes: list[tuple[str, Node]], where: str, found: list[tuple[str, Node]],
                 catalogues: list[Node]) -> None:
        for at, node in nodes:
            if "DataCatalog" in node.types:
                catalogues.append(node)
                found += [(f"{where}{at}/dataset/{i}", d) for i, d in
                          enumerate(node.nodes("dataset"))]
            elif node.types & DATASET_TYPES:
                found.append((where + at, node))
        keys: set[str] = set()
        unique = []
        for at, node in found:  # a Dataset both typed and listed by its catalogue: once
            if node.key not in keys:
                unique.append((at, node))
                keys.add(node.key)
        found[:] = unique


KIND = SchemaOrgKind()


class _Dataset:
    """One schema.org Dataset node mapped to a dcat:Dataset."""

    def __init__(self, emit: Emit, node: Node, where: str, minted: set[str]) -> None:
        self.e, self.n, self.where, self.minted = emit, node, where, minted

    def iri(self) -> str:
        own = url_or_none(self.n.id)
        if own:
            return own
        ident = next((t for t in (self._identifier_text(v) for v in self.n.all("identifier"))
                      if t), None)
        key = (f"{self.e.out.graph}/dataset/{slug(ident)}" if ident else
               f"{self.e.out.graph}/dataset/" + digest(self.n.text("url") or self.n.text("name")
                                                       or self.n.text("description") or ""))
        iri, n = key, 1
        while iri in self.minted:  # two unnamed datasets alike: numbered in page order
            n += 1
            iri = f"{key}-{n}"
        self.minted.add(iri)
        return iri

    def map(self) -> bool:
        e, n = self.e, self.n
        ds = self.iri()
        people, orgs = [], []
        for prop in _PERSON_PROPS:
            for value in n.all(prop):
                if isinstance(value, Node) and not _is_org(value):
                    people += [value.text("name"), value.text("givenName"),
                               value.text("familyName"), value.text("email")]
                elif isinstance(value, Node):
                    orgs.append(value.text("name"))
                else:
                    people.append(value)  # a bare string creator may well be a person
        e.scrub = scrubber(people, orgs)
        e.dataset(ds)
        e.text(ds, DCTERMS.title, n.text("name"))
        e.text(ds, DCTERMS.description, n.text("description"))
        self._keywords(ds)
        e.link(ds, DCAT.landingPage, n.text("url"))
        for value in n.all("sameAs"):
            if isinstance(value, str):
                doi = doi_of(value)
                if doi:
                    e.doi(ds, doi)
                else:
                    e.link(ds, DCAT.landingPage, value)
        for value in n.all("identifier"):
            self._identifier(ds, value)
        self._agents(ds)
        for value in n.all("license"):
            e.licence(ds, value.id or value.text("url") if isinstance(value, Node) else value)
        e.date(ds, DCTERMS.issued, n.text("datePublished"))
        e.date(ds, DCTERMS.modified, n.text("dateModified"))
        e.text(ds, DCAT.version, n.text("version"))
        for lang in n.all("inLanguage"):
            e.language(ds, lang if isinstance(lang, str) else lang.text("alternateName"))
        self._coverage(ds)
        for i, dist in enumerate(n.nodes("distribution")):
            self._distribution(ds, i, dist)
        for cat in n.all("includedInDataCatalog"):
            node = cat if isinstance(cat, Node) else Node(cat, set())
            iri = url_or_none(node.id) or url_or_none(node.text("url"))
            if iri and iri != e.out.catalogue:
                e.a(iri, DCAT.Catalog)
                e.w.rel(iri, str(DCAT.dataset), ds)
                e.text(iri, DCTERMS.title, node.text("name"))
        return True

    def _keywords(self, ds: str) -> None:
        values = self.n.all("keywords")
        for value in values:
            if isinstance(value, Node):  # a DefinedTerm: its name, and its IRI as a theme
                self.e.text(ds, DCAT.keyword, value.text("name"))
                self.e.link(ds, DCAT.theme, value.id or value.text("url"))
            elif len(values) == 1 and "," in value:  # "a, b, c": schema.org's text form
                for word in value.split(","):
                    self.e.text(ds, DCAT.keyword, word)
            else:
                self.e.text(ds, DCAT.keyword, value)

    @staticmethod
    def _identifier_text(value: str | Node) -> str | None:
        if isinstance(value, str):
            return clean(value)
        return value.text("value") or value.text("url") or url_or_none(value.id)

    def _identifier(self, ds: str, value: str | Node) -> None:
        text = self._identifier_text(value)
        if not text:
            return
        self.e.identifier(ds, text)
        if isinstance(value, Node) and doi_of(text) is None:
            # {propertyID: DOI, value: "10…"} and forms whose DOI sits only in "url"
            for candidate in (value.text("url"), value.text("value")):
                doi = doi_of(candidate)
                if doi:
                    self.e.doi(ds, doi)
                    break

    def _agents(self, ds: str) -> None:
        e, n = self.e, self.n
        publishers = [v for v in n.nodes("publisher") if _is_org(v)]
        if not publishers:
            publishers = [v for v in n.nodes("provider") if _is_org(v)]
        for prop, agents in ((DCTERMS.publisher, publishers),
                             (DCTERMS.creator, [v for v in n.nodes("creator") if _is_org(v)])):
            for agent in agents:
                name = agent.text("name") or agent.text("legalName")
                if name:
                    e.agent(ds, str(prop), e.agent_iri(name, agent.id), name, agent.text("url"))

    def _coverage(self, ds: str) -> None:
        e, n = self.e, self.n
        for i, place in enumerate(n.all("spatialCoverage")):
            if isinstance(place, str):
                if not e.link(ds, DCTERMS.spatial, place):
                    e.location(ds, str(i), place)
                continue
            e.link(ds, DCTERMS.spatial, place.id)
            geo = next(iter(place.nodes("geo")), None)
            box = _box(geo.text("box")) if geo else None
            point = _point(geo) if geo else None
            e.location(ds, str(i), place.text("name"), None, box, point)
        for i, value in enumerate(n.all("temporalCoverage")):
            if isinstance(value, str) and "/" in value:
                start, end = value.split("/", 1)
                e.period(ds, str(i), start, end)

    def _distribution(self, ds: str, i: int, node: Node) -> None:
        e = self.e
        dist = f"{ds}/distribution/{i}"
        e.distribution(ds, dist)
        e.text(dist, DCTERMS.title, node.text("name"))
        e.text(dist, DCTERMS.description, node.text("description"))
        where = f"{self.where}/distribution/{i}"
        content = node.text("contentUrl")
        e.url(dist, DCAT.downloadURL, content, where + "/contentUrl")
        e.link(dist, DCAT.accessURL, node.text("url") or content)
        for fmt in node.all("encodingFormat"):
            if isinstance(fmt, str) and not (media_type_iri(fmt) and e.media_type(dist, fmt)):
                e.text(dist, DCTERMS["format"], fmt)
        for value in node.all("license"):
            e.licence(dist, value.id or value.text("url") if isinstance(value, Node) else value)
        e.date(dist, DCTERMS.issued, node.text("datePublished"))
        e.date(dist, DCTERMS.modified, node.text("dateModified"))


def _is_org(node: Node) -> bool:
    """Organisation-typed (Organization and its subtypes, ResearchProject, …): mapped.
    Persons and untyped agents are not: an agent is a person until it says otherwise."""
    return any(t.endswith(("Organization", "Organisation", "Project", "Corporation", "NGO",
                           "Consortium", "GovernmentOrganization", "FundingAgency"))
               for t in node.types) and "Person" not in node.types


def _box(text: str | None) -> dict[str, Any] | None:
    """schema.org GeoShape box "south west north east" as a GeoJSON polygon."""
    try:
        s, w, n, e = (float(x) for x in (text or "").replace(",", " ").split())
    except ValueError:
        return None
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def _point(geo: Node) -> dict[str, Any] | None:
    try:
        lat, lon = float(geo.text("latitude") or ""), float(geo.text("longitude") or "")
    except ValueError:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}
