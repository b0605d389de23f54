"""Per-record subgraphs: what a record's shapes need to see, and nothing else.

Validating each record against its own subgraph keeps validation linear in the number of
records (whole-graph SHACL engines slow down as the graph grows). A record's subgraph is
every triple whose subject is the record or one of its own nodes (IRIs below the record's,
e.g. ``…/id/dpg/x/screening``), plus the types and licence approvals of the shared things
those triples point to (licences, countries, organisations).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from dpgkg.namespaces import DPG, RDF

TYPE = str(RDF.type)
PRODUCT = str(DPG.DigitalProduct)
#: Properties of shared (non-record) nodes that shapes look at.
SHARED_PROPERTIES = frozenset({TYPE, str(DPG.approvedFor)})


@dataclass(frozen=True)
class RecordGraph:
    """One record's subgraph as N-Triples text."""

    record: str  # the record IRI
    ntriples: str


def _owner(subject: str, records: set[str]) -> str | None:
    """The record a node belongs to: itself, or the nearest record IRI above it."""
    node = subject
    for _ in range(4):  # record/screening/typesOfDataCollected is the deepest
        if node in records:
            return node
        if "/" not in node:
            return None
        node = node.rsplit("/", 1)[0]
    return None


# The object IRI of an N-Triples or N-Quads line: subject and predicate never contain
# spaces, so the third token starts the object (a graph name may follow it).
_OBJECT_IRI = re.compile(r"^\S+ \S+ <([^>]*)>", re.MULTILINE)


def record_graphs_from_ntriples(ntriples: str) -> Iterator[RecordGraph]:
    """Split N-Triples or N-Quads text into per-record subgraphs, in record IRI order.

    Graph names are kept: the engine validates the union of a batch's graphs.

    Working on the serialised lines (Oxigraph writes them in Rust) with C-level string
    methods is several times faster than building term objects for every quad in Python.
    """
    type_iri = f"<{TYPE}>"
    product = f"<{PRODUCT}> "
    shared_props = tuple(f"<{p}>" for p in SHARED_PROPERTIES)
    by_subject: dict[str, list[str]] = defaultdict(list)
    records: set[str] = set()
    for line in ntriples.splitlines(keepends=True):
        subject, predicate, rest = line.split(" ", 2)
        key = subject[1:-1] if subject[0] == "<" else subject
        by_subject[key].append(line)
        if predicate == type_iri and rest.startswith(product):
            records.add(key)
    owned: dict[str, list[str]] = defaultdict(list)
    shared: dict[str, str] = {}
    for key, lines in by_subject.items():
        owner = _owner(key, records)
        if owner is not None:
            owned[owner].append(key)
        else:  # a shared thing: only its types and licence approvals matter to the shapes
            shared[key] = "".join(ln for ln in lines if ln.split(" ", 2)[1] in shared_props)
    for record in sorted(records):
        text = "".join(line for key in owned[record] for line in by_subject[key])
        extra = {iri for iri in _OBJECT_IRI.findall(text) if iri in shared}
        yield RecordGraph(record, text + "".join(shared[iri] for iri in sorted(extra)))


def dataset_ntriples(store: ox.Store) -> str:
    """Every graph of STORE as one N-Quads text (one dump, written by Oxigraph)."""
    return store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8")


def record_graphs(quads: Iterable[ox.Quad]) -> Iterator[RecordGraph]:
    """Per-record subgraphs of arbitrary quads (graph names are ignored)."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    yield from record_graphs_from_ntriples(dataset_ntriples(store))
