"""``dpgkg export``: RDF dumps of the store, and registry JSON rebuilt from its triples."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from dpgkg.build import REGISTRY_GRAPH
from dpgkg.config import Settings
from dpgkg.namespaces import PREFIXES, IRIs
from dpgkg.registry.checks import NOMINEE, SCREENING, bundled_schema
from dpgkg.registry.export import index_quads, write_registry
from dpgkg.store import OxigraphStore

QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.JSON_LD}


def graph_iri(settings: Settings, graph: str) -> str:
    """A graph given by short name ('registry') or full IRI."""
    return graph if ":" in graph else IRIs(settings.base_iri).graph(graph)


def export_rdf(settings: Settings, fmt: ox.RdfFormat, out: Path | None,
               graph: str | None = None) -> None:
    """Dump the store (or one graph). Triple formats get the union of all graphs."""
    store = OxigraphStore(settings.store)
    target = graph_iri(settings, graph) if graph else None
    if target and target not in store.named_graphs():
        raise ValueError(f"no graph {target} in the store")
    sink = out.open("wb") if out else sys.stdout.buffer
    try:
        if target or fmt in QUAD_FORMATS:
            store.dump(sink, fmt, target)
        else:
            with store.reading() as st:
                triples = st.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
                assert isinstance(triples, ox.QueryTriples)
                prefixes = PREFIXES if fmt is ox.RdfFormat.TURTLE else None
                ox.serialize(triples, sink, fmt, prefixes=prefixes)
    finally:
        if out:
            sink.close()


def export_registry_json(settings: Settings, out_dir: Path) -> dict[str, int]:
    """Rebuild DIR/nominees and DIR/digitalpublicgoods from the registry graph."""
    store = OxigraphStore(settings.store)
    idx = index_quads(store.quads(IRIs(settings.base_iri).graph(REGISTRY_GRAPH)))
    schemas = {"nominee": bundled_schema(NOMINEE), "screening": bundled_schema(SCREENING)}
    return write_registry(idx, out_dir, schemas)
