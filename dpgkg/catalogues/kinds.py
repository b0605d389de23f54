"""The plug-in interface every catalogue source kind implements (dcat, ckan, datajson,
schemaorg). The harvester (dpgkg/catalogues/harvest.py) fetches pages and asks the kind
where the next page is; the kind maps each page into DCAT triples of the catalogue graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from dpgkg.namespaces import IRIs
from dpgkg.rdfterms import QuadWriter


@dataclass(frozen=True)
class Page:
    """One fetched response (or one local file) of a source."""

    url: str  # the URL (or file: URL) it came from
    number: int  # 1-based position in the paging sequence
    body: bytes
    content_type: str  # media type without parameters ("" for local files: guess by suffix)
    # What a kind worked out from the page (its parsed JSON, its next link) for reuse between
    # map_page and next_url; frozen as the page is, the dict itself stays writable.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass
class PageProblem:
    """A page (or a part of it) that could not be used: reported, never fatal."""

    url: str
    reason: str
    pointer: str = ""  # where in the page (JSON pointer, RDF line), when known
    severity: str = "error"  # "error": (part of) the page was not used; "warning": used


@dataclass
class CatalogueOut:
    """Where a kind writes: the catalogue graph's triples and the problems it met."""

    iris: IRIs
    graph: str  # IRIs.catalogue_graph(name)
    catalogue: str  # the dcat:Catalog IRI (the source's own, else minted under the graph)
    writer: QuadWriter = field(default_factory=lambda: QuadWriter(None))
    problems: list[PageProblem] = field(default_factory=list)
    datasets: int = 0  # dcat:Dataset nodes written so far
    # True while a kind may replace ``catalogue`` (minted by the harvester) with the source's
    # own dcat:Catalog IRI: the harvester sets it for page 1 of a URL or single-file source;
    # a folder of files keeps the minted catalogue, which links each file's with dcat:catalog.
    adopt_catalogue: bool = False

    def skolem(self, label: str) -> str:
        """An IRI for a source blank node, stable within this catalogue graph."""
        return f"{self.graph}/.well-known/genid/{label}"


class SourceKind(Protocol):
    """One kind of catalogue source."""

    name: str  # "dcat" | "ckan" | "datajson" | "schemaorg"
    accepts: tuple[str, ...]  # media types a response may have (anything else is refused)

    def sniff(self, url: str, content_type: str, head: bytes) -> bool:
        """True when a response of this type starting with HEAD looks like this kind."""
        ...

    def first_url(self, source: str, page_size: int) -> str:
        """The URL of page 1 for SOURCE (e.g. CKAN:
        .../api/3/action/package_search?rows=N&start=0)."""
        ...

    def next_url(self, page: Page, datasets_on_page: int, page_size: int) -> str | None:
        """The next page's URL, or None at the end (DCAT: hydra:next / hydra:nextPage; CKAN:
        start += rows while start < count)."""
        ...

    def map_page(self, page: Page, out: CatalogueOut) -> int:
        """Write PAGE's catalogue, datasets, distributions and services into OUT as DCAT;
        return the number of datasets written. Raise ValueError for an unusable page."""
        ...
