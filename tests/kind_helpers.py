"""Shared by the per-kind mapping tests: map one file with a kind, read the triples back."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dpgkg.catalogues.kinds import CatalogueOut, Page, SourceKind
from dpgkg.namespaces import RDF, IRIs


def map_file(kind: SourceKind, path: Path, graph_name: str, *, url: str | None = None,
             catalogue: str | None = None, adopt: bool = False
             ) -> tuple[int, ox.Store, CatalogueOut]:
    """KIND's mapping of the file at PATH (served as URL), parsed back into a store: the
    output must be valid N-Triples."""
    iris = IRIs()
    graph = iris.catalogue_graph(graph_name)
    out = CatalogueOut(iris, graph, catalogue or f"{graph}/catalog", adopt_catalogue=adopt)
    n = kind.map_page(Page(url or path.resolve().as_uri(), 1, path.read_bytes(), ""), out)
    store = ox.Store()
    store.load(out.writer.data(), ox.RdfFormat.N_TRIPLES)
    return n, store, out


def values(store: ox.Store, s: str | None, p: str) -> set[str]:
    subject = ox.NamedNode(s) if s else None
    return {q.object.value for q in store.quads_for_pattern(subject, ox.NamedNode(str(p)), None)}


def count(store: ox.Store, cls: str) -> int:
    return len(list(store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                            ox.NamedNode(str(cls)))))
