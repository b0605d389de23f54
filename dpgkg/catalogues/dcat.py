"""The ``dcat`` source kind: DCAT 2/3 and DCAT-AP 2/3 as RDF/XML, Turtle, JSON-LD (and the
N-Triples / N-Quads / TriG they are sometimes served as), paged with Hydra.

Every source triple is kept (DCAT-AP is DCAT, so nothing needs mapping), blank nodes are
skolemised under the catalogue graph, and the misspelt ``dcat:Catalogue`` (used by the
DCAT-AP HVD examples) is flagged and also typed ``dcat:Catalog``. Hydra paging triples
(``hydra:PagedCollection`` / ``PartialCollectionView`` nodes and every ``hydra:`` property)
are dropped: they describe the response pages, which change with the page size, not the
catalogue. JSON-LD remote contexts are resolved from local copies only (``CONTEXTS``);
a page whose context cannot be resolved is reported, never fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from dpgkg.catalogues.kinds import CatalogueOut, Page, PageProblem
from dpgkg.config import Settings, shared_data_dir
from dpgkg.namespaces import DCAT, HYDRA, RDF

_TYPE = str(RDF.type)
_DATASET, _CATALOG, _CATALOGUE = str(DCAT.Dataset), str(DCAT.Catalog), str(DCAT) + "Catalogue"
_DATASET_LINK, _CATALOG_LINK = str(DCAT.dataset), str(DCAT.catalog)
_HYDRA = str(HYDRA)
_NEXT = (str(HYDRA.next), str(HYDRA.nextPage))  # hydra:next wins over the older nextPage

BY_MEDIA_TYPE = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}
BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}

#: Remote JSON-LD contexts dpgkg knows, and where a local copy lives under the shared data
#: folder's ``catalogues/`` (see its PROVENANCE.md). A copy may also be dropped into
#: ``<cache>/jsonld-contexts/<file name>``.
CONTEXTS: dict[str, str] = {
    **{u: "schemaorg-dataset/context/schemaorgcontext.jsonld"
       for u in ("https://schema.org/", "https://schema.org", "http://schema.org/",
                 "http://schema.org", "https://schema.org/docs/jsonldcontext.jsonld")},
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/"
    "context.jsonld": "dcat-ap/3.0.1/examples/context.jsonld",
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld":
        "dcat-ap/3.0.1/context/dcat-ap.jsonld",
    "https://semiceu.github.io/DCAT-AP/releases/3.0.0-hvd/context/hvd.jsonld":
        "dcat-ap/3.0.0-hvd/context/hvd.jsonld",
    "https://semiceu.github.io/DCAT-AP/releases/2.1.1/dcat-ap_2.1.1.jsonld":
        "dcat-ap/2.1.1/dcat-ap_2.1.1.jsonld",
}


class ContextResolver:
    """Replaces remote ``@context`` references by local copies (never fetches)."""

    def __init__(self, settings: Settings | None = None,
                 extra: dict[str, Path] | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.extra = dict(extra or {})
        self._loaded: dict[str, Any] = {}

    def path(self, url: str) -> Path | None:
        if url in self.extra:
            return self.extra[url]
        rel = CONTEXTS.get(url)
        candidates = [self.settings.cache / "jsonld-contexts" / Path(rel or url).name]
        shared = shared_data_dir(self.settings)
        if rel and shared is not None:
            candidates.insert(0, shared / "catalogues" / rel)
        return next((p for p in candidates if p.is_file()), None)

    def context(self, url: str) -> Any:
        """The ``@context`` value of the local copy of URL; ValueError when there is none."""
        if url not in self._loaded:
            path = self.path(url)
            if path is None:
                raise ValueError(f"JSON-LD context {url} is not available locally "
                                 "(dpgkg resolves contexts offline only)")
            try:
                doc = json.loads(path.read_bytes())
            except (OSError, ValueError) as exc:
                raise ValueError(f"local copy of JSON-LD context {url} ({path}) is "
                                 f"unusable: {exc}") from exc
            self._loaded[url] = doc.get("@context", {}) if isinstance(doc, dict) else {}
        return self._loaded[url]

    def inline(self, doc: Any, base: str, depth: int = 0) -> Any:
        """DOC with every remote context reference replaced by its local copy's content."""
        if depth > 8:
            raise ValueError("JSON-LD contexts nest too deeply")
        if isinstance(doc, list):
            return [self.inline(item, base, depth) for item in doc]
        if not isinstance(doc, dict):
            return doc
        out = {}
        for key, value in doc.items():
            if key == "@context":
                out[key] = self._context_value(value, base, depth)
            else:
                out[key] = self.inline(value, base, depth)
        return out

    def _context_value(self, value: Any, base: str, depth: int) -> Any:
        if isinstance(value, str):
            inlined = self.context(urljoin(base, value))
            return self._context_value(inlined, base, depth + 1)
        if isinstance(value, list):
            flat: list[Any] = []
            for item in value:
                resolved = self._context_value(item, base, depth)
                flat.extend(resolved if isinstance(resolved, list) else [resolved])
            return flat
        if isinstance(value, dict):  # scoped contexts may reference remote ones too
            return {k: (self._context_value(v, base, depth + 1) if k == "@context" else
                        self.inline(v, base, depth + 1) if isinstance(v, dict) else v)
                    for k, v in value.items()}
        return value


def rdf_format(page: Page) -> ox.RdfFormat:
    """The page's RDF syntax: its media type, else its suffix, else a look at the bytes."""
    if page.content_type in BY_MEDIA_TYPE:
        return BY_MEDIA_TYPE[page.content_type]
    suffix = Path(urlsplit(page.url).path).suffix.lower()
    if suffix in BY_SUFFIX:
        return BY_SUFFIX[suffix]
    head = page.body[:2048].lstrip()
    if head.startswith((b"{", b"[")):
        return ox.RdfFormat.JSON_LD
    if head.startswith(b"<") and not head.startswith(b"<http"):
        return ox.RdfFormat.RDF_XML
    if page.content_type:
        raise ValueError(f"not an RDF media type: {page.content_type}")
    return ox.RdfFormat.TURTLE


class DcatKind:
    """DCAT / DCAT-AP catalogues as RDF, following Hydra paging."""

    name = "dcat"
    accepts: tuple[str, ...] = tuple(BY_MEDIA_TYPE)

    def __init__(self, resolver: ContextResolver | None = None) -> None:
        self._resolver = resolver

    @property
    def resolver(self) -> ContextResolver:
        if self._resolver is None:  # built lazily: reading settings costs nothing until used
            self._resolver = ContextResolver()
        return self._resolver

    def sniff(self, url: str, content_type: str, head: bytes) -> bool:
        """RDF media types and suffixes; JSON only when it names the DCAT namespace or a
        DCAT-AP context (Project Open Data ``data.json`` and schema.org have own kinds)."""
        fmt = BY_MEDIA_TYPE.get(content_type)
        if fmt is None and not content_type:
            fmt = BY_SUFFIX.get(Path(urlsplit(url).path).suffix.lower())
        if fmt is None:
            return False
        if fmt is ox.RdfFormat.JSON_LD:
            text = head.decode("utf-8", "replace")
            return "http://www.w3.org/ns/dcat#" in text or "DCAT-AP" in text
        if fmt is ox.RdfFormat.RDF_XML:
            return b"http://www.w3.org/1999/02/22-rdf-syntax-ns#" in head
        return True

    def first_url(self, source: str, page_size: int) -> str:
        return source  # DCAT endpoints choose their own page size

    def next_url(self, page: Page, datasets_on_page: int, page_size: int) -> str | None:
        if "next" not in page.memo:  # map_page found it, unless the page was not mapped
            page.memo["next"] = _next_link(page.url, self._parse(page))
        next_link: str | None = page.memo["next"]
        return next_link

    def map_page(self, page: Page, out: CatalogueOut) -> int:
        quads = self._parse(page)
        page.memo["next"] = _next_link(page.url, quads)
        return write_page(page, quads, out)

    def _parse(self, page: Page) -> list[ox.Quad]:
        fmt = rdf_format(page)
        body = page.body
        if fmt is ox.RdfFormat.JSON_LD:
            try:
                doc = json.loads(body)
            except ValueError as exc:
                raise ValueError(f"not valid JSON: {exc}") from exc
            if isinstance(doc, dict) and set(doc) == {"@context"}:
                raise ValueError("a JSON-LD context document, not catalogue data")
            body = json.dumps(self.resolver.inline(doc, page.url)).encode()
        try:
            return list(ox.parse(body, fmt, base_iri=page.url))
        except SyntaxError as exc:
            raise ValueError(f"not valid {fmt.name}: {_oneline(exc)}") from exc


def _oneline(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]


def _next_link(url: str, quads: Iterable[ox.Quad]) -> str | None:
    """hydra:next (else hydra:nextPage) of the page, preferring the page's own view node;
    the value may be an IRI or (as in ckanext-dcat's examples) a literal URL."""
    found: dict[tuple[int, int], str] = {}
    for q in quads:
        p, o = q.predicate.value, q.object
        if p in _NEXT and isinstance(o, ox.NamedNode | ox.Literal):
            own = 0 if isinstance(q.subject, ox.NamedNode) and q.subject.value == url else 1
            found.setdefault((_NEXT.index(p), own), o.value)
    if not found:
        return None
    return urljoin(url, found[min(found)].strip()) or None


def write_page(page: Page, quads: list[ox.Quad], out: CatalogueOut) -> int:
    """Write QUADS (one page) into OUT: skolemised, hydra dropped, catalogues linked."""
    bnodes: dict[str, str] = {}

    def term(t: Any) -> str | None:
        if isinstance(t, ox.NamedNode | ox.Literal):
            return str(t)
        if isinstance(t, ox.BlankNode):  # numbered by first use: stable across re-harvests
            label = bnodes.get(t.value)
            if label is None:
                label = bnodes[t.value] = f"<{out.skolem(f'p{page.number}b{len(bnodes)}')}>"
            return label
        return None  # RDF-star quoted triples: not DCAT, dropped

    paging = {q.subject for q in quads if q.predicate.value == _TYPE
              and isinstance(q.object, ox.NamedNode) and q.object.value.startswith(_HYDRA)}
    datasets: dict[str, None] = {}
    catalogues: dict[str, None] = {}
    linked: set[str] = set()
    misspelt: set[str] = set()
    w = out.writer
    for q in quads:
        p, o = q.predicate.value, q.object
        if p.startswith(_HYDRA) or q.subject in paging:
            continue
        s, obj = term(q.subject), term(o)
        if s is None or obj is None:
            continue
        w.add(s, p, obj)
        if p == _TYPE and isinstance(o, ox.NamedNode):
            if o.value == _DATASET:
                datasets[s] = None
            elif o.value == _CATALOG:
                catalogues[s] = None
            elif o.value == _CATALOGUE:
                catalogues[s] = None
                misspelt.add(s)
        elif p == _DATASET_LINK:
            linked.add(obj)
    for s in sorted(misspelt):
        w.add(s, _TYPE, f"<{_CATALOG}>")
        out.problems.append(PageProblem(page.url, "typed dcat:Catalogue, which is not a DCAT "
                                        "term: read as dcat:Catalog", s.strip("<>"),
                                        severity="warning"))
    _link_catalogues(list(catalogues), datasets, linked, out)
    out.datasets += len(datasets)
    return len(datasets)


def _link_catalogues(catalogues: list[str], datasets: dict[str, None], linked: set[str],
                     out: CatalogueOut) -> None:
    """Adopt the source's catalogue (page 1 of a URL source), link other catalogues from the
    harvest's catalogue with dcat:catalog, and datasets no catalogue lists with dcat:dataset."""
    w = out.writer
    if out.adopt_catalogue and len(catalogues) == 1:
        out.catalogue = catalogues[0].strip("<>")
        out.adopt_catalogue = False
    home = f"<{out.catalogue}>"
    for cat in catalogues:
        if cat != home:
            w.add(home, _CATALOG_LINK, cat)
    owner = catalogues[0] if len(catalogues) == 1 else home
    for ds in datasets:
        if ds not in linked:
            w.add(owner, _DATASET_LINK, ds)


KIND = DcatKind()
