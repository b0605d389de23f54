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
from collections.abc import Container, Iterable, Iterator
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


def owner_of(subject: str, records: Container[str]) -> str | None:
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


class SubgraphIndex:
    """N-Triples or N-Quads text indexed by record, ready to cut per-record subgraphs.

    Built once in the parent process; forked workers inherit it (copy-on-write), so each
    worker cuts and validates its own batches without the text being pickled across.
    Graph names are kept in the lines: the engine validates the union of a batch's graphs.
    """

    def __init__(self, text: str) -> None:
        type_iri, product = f"<{TYPE}>", f"<{PRODUCT}> "
        self._shared_props = tuple(f"<{p}>" for p in SHARED_PROPERTIES)
        self.by_subject: dict[str, list[str]] = defaultdict(list)
        records: set[str] = set()
        for line in text.splitlines(keepends=True):
            subject, predicate, rest = line.split(" ", 2)
            key = subject[1:-1] if subject[0] == "<" else subject
            self.by_subject[key].append(line)
            if predicate == type_iri and rest.startswith(product):
                records.add(key)
        self.records = sorted(records)
        self.owned: dict[str, list[str]] = defaultdict(list)
        self._not_owned: set[str] = set()
        for key in self.by_subject:
            owner = owner_of(key, records)
            if owner is not None:
                self.owned[owner].append(key)
            else:
                self._not_owned.add(key)
        self._shared: dict[str, str] = {}

    def _shared_lines(self, iri: str) -> str:
        """A shared thing's types and licence approvals (all the shapes look at)."""
        found = self._shared.get(iri)
        if found is None:
            found = "".join(ln for ln in self.by_subject[iri]
                            if ln.split(" ", 2)[1] in self._shared_props)
            self._shared[iri] = found
        return found

    def text(self, record: str) -> str:
        own = "".join(line for key in self.owned[record] for line in self.by_subject[key])
        extra = {iri for iri in _OBJECT_IRI.findall(own) if iri in self._not_owned}
        return own + "".join(self._shared_lines(iri) for iri in sorted(extra))

    def with_property(self, predicate: str, object_contains: str = "") -> set[str]:
        """Records whose own node (the record itself) has PREDICATE (with such an object)."""
        p = f"<{predicate}>"
        out = set()
        for record in self.records:
            for line in self.by_subject.get(record, ()):
                _, pred, rest = line.split(" ", 2)
                if pred == p and object_contains in rest:
                    out.add(record)
                    break
        return out

    def graphs(self) -> Iterator[RecordGraph]:
        for record in self.records:
            yield RecordGraph(record, self.text(record))


def record_graphs_from_ntriples(ntriples: str) -> Iterator[RecordGraph]:
    """Split N-Triples or N-Quads text into per-record subgraphs, in record IRI order."""
    yield from SubgraphIndex(ntriples).graphs()


def dataset_ntriples(store: ox.Store) -> str:
    """Every graph of STORE as one N-Quads text (one dump, written by Oxigraph)."""
    return (store.dump(format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")


def record_graphs(quads: Iterable[ox.Quad]) -> Iterator[RecordGraph]:
    """Per-record subgraphs of arbitrary quads (graph names are ignored)."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    yield from record_graphs_from_ntriples(dataset_ntriples(store))


class BlockIndex:
    """Per-record subgraphs straight from the mapper's output, which writes each record's
    lines as one block: no parsing at all, only a prefix test per line to set aside the
    shared things (licences, countries, …) a block describes the first time it meets them.
    Same interface as SubgraphIndex (records, text, with_property)."""

    def __init__(self, blocks: Iterable[tuple[str, list[str]]]) -> None:
        self._own: dict[str, str] = {}
        shared_props = tuple(f" <{p}> " for p in SHARED_PROPERTIES)
        shared: dict[str, list[str]] = defaultdict(list)
        for record, lines in blocks:
            mine = (f"<{record}> ", f"<{record}/")
            own = []
            for line in lines:
                if line.startswith(mine):
                    own.append(line)
                elif any(p in line for p in shared_props):
                    shared[line[1:line.index(">")]].append(line)
            self._own[record] = "".join(own)
        self._shared = {iri: "".join(lines) for iri, lines in shared.items()}
        self.records = sorted(self._own)

    def text(self, record: str) -> str:
        own = self._own[record]
        extra = {iri for iri in _OBJECT_IRI.findall(own) if iri in self._shared}
        return own + "".join(self._shared[iri] for iri in sorted(extra))

    def with_property(self, predicate: str, object_contains: str = "") -> set[str]:
        out = set()
        for record, own in self._own.items():
            head = f"<{record}> <{predicate}> "
            at = own.find(head)
            while at != -1:
                end = own.find("\n", at)
                if object_contains in own[at + len(head):end]:
                    out.add(record)
                    break
                at = own.find(head, end)
        return out
