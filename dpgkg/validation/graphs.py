"""Whole-graph validation: a harvested catalogue checked as one data graph (``dpgkg validate
--shapes dcat-ap``), unlike DPG records, which are validated one subgraph at a time.

The data is RDF files or named graphs of the store; the engines are the record path's
(``engine.validate_data``). Each result is filed under the dataset or catalogue it
concerns (the "record" of the report): the focus node itself when it is a dcat:Dataset,
dcat:DatasetSeries, dcat:DataService or dcat:Catalog, else the nearest one that reaches it
(a distribution under its dataset, a publisher under its catalogue). The JSON, text and
Turtle reports have the shapes of the record reports (report.py), without indicators.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from dpgkg.namespaces import DCAT, RDF, SH, IRIs
from dpgkg.rdfterms import QuadWriter
from dpgkg.store import OxigraphStore, StoreError
from dpgkg.validation.engine import Finding, validate_data
from dpgkg.validation.inputs import RDF_SUFFIXES, InputError, Inputs, read_rdf
from dpgkg.validation.report import Result, report_quads
from dpgkg.validation.shapes import ShapesGraph

#: What a result is filed under, nearest first; a catalogue only when no dataset is nearer.
OWNER_CLASSES = (str(DCAT.Dataset), str(DCAT.DatasetSeries), str(DCAT.DataService))
CATALOG = str(DCAT.Catalog)
_DATASET_KINDS = tuple(c.rsplit("#", 1)[-1] for c in OWNER_CLASSES)
#: Blank nodes become these IRIs while validating, so results can be traced back to their
#: owners whatever labels an engine gives; reports show them as ``_:label`` again.
SKOLEM = "urn:dpgkg:validate:bnode:"
#: Node kinds a skolemised blank node would no longer satisfy (or would wrongly satisfy).
_KIND_SENSITIVE = (SH.IRI, SH.BlankNode, SH.BlankNodeOrLiteral, SH.IRIOrLiteral)


@dataclass
class GraphRecord:
    """One dataset, series, service or catalogue, with the results about it."""

    record: str  # its IRI (or _:label)
    kind: str  # Dataset | DatasetSeries | DataService | Catalog | "" (a node outside any)
    results: list[Result] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def as_dict(self) -> dict[str, object]:
        return {"record": self.record, "type": self.kind, "conforms": self.conforms,
                "results": [r.as_dict() for r in self.results]}


@dataclass
class GraphReport:
    """The report of one whole-graph validation (same interface as ValidationReport)."""

    shapes: str
    records: list[GraphRecord]
    triples: int = 0

    @property
    def conforms(self) -> bool:
        return all(r.conforms for r in self.records)

    def as_dict(self) -> dict[str, object]:
        return {"conforms": self.conforms, "shapes": self.shapes, "triples": self.triples,
                "records": [r.as_dict() for r in self.records]}

    def text(self) -> str:
        lines = []
        for rec in self.records:
            v = sum(r.severity == "Violation" for r in rec.results)
            w = len(rec.results) - v
            state = "ok" if not rec.results else f"{v} violations, {w} other results"
            lines.append(f"{rec.kind or 'node'} {rec.record}: {state}")
        lines.append("")
        for rec in self.records:
            for r in rec.results:
                where = r.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if r.path else ""
                focus = "" if r.focus == rec.record else f" (at {r.focus})"
                lines.append(f"{rec.record}: {r.severity}: {r.message}"
                             + (f" [{where}]" if where else "") + focus)
        failing = sum(not r.conforms for r in self.records)
        lines.append(f"{len(self.records)} datasets/catalogues ({self.shapes}), "
                     f"{len(self.records) - failing} conform, {failing} with violations")
        return "\n".join(lines) + "\n"

    def quads(self, graph: str | None, report_iri: str) -> QuadWriter:
        """The sh:ValidationReport as N-Quads in GRAPH, or N-Triples for None."""
        no_links: list[tuple[str, str]] = []
        items = [(r, r.focus if r.focus.startswith("_:") else f"<{r.focus}>", no_links)
                 for rec in self.records for r in rec.results]
        return report_quads(QuadWriter(graph), report_iri, items)


def _name(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, skolemise: bool
          ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    if skolemise and isinstance(term, ox.BlankNode):
        return ox.NamedNode(SKOLEM + term.value)
    return term


def _shown(node: str) -> str:
    return "_:" + node[len(SKOLEM):] if node.startswith(SKOLEM) else node


def _owners(triples: list[ox.Triple], foci: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(focus -> owner IRI, owner -> kind): the nearest typed dataset, else catalogue."""
    kinds: dict[str, str] = {}
    incoming: dict[str, set[str]] = {}
    for t in triples:
        s = t.subject.value if isinstance(t.subject, ox.NamedNode) else ""
        o = t.object
        if not s:
            continue
        # A node typed both as a catalogue and a dataset kind counts as the dataset kind.
        if t.predicate.value == str(RDF.type) and isinstance(o, ox.NamedNode) and \
                o.value in (*OWNER_CLASSES, CATALOG) and kinds.get(s) not in _DATASET_KINDS:
            kinds[s] = o.value.rsplit("#", 1)[-1]
        if isinstance(o, ox.NamedNode):
            incoming.setdefault(o.value, set()).add(s)
    owners = {}
    for focus in foci:
        seen, queue, catalogue = {focus}, deque([focus]), None
        while queue:
            node = queue.popleft()
            kind = kinds.get(node)
            if kind and kind != "Catalog":
                owners[focus] = node
                break
            if kind == "Catalog" and catalogue is None:
                catalogue = node
            for parent in sorted(incoming.get(node, ())):
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        else:
            owners[focus] = catalogue or focus
    return owners, kinds


def _message(f: Finding, shapes: ShapesGraph) -> str:
    """The engine's message, else one from the shape's sh:name (DCAT-AP has no sh:message)."""
    if f.message:
        return f.message
    name = shapes.graph.value(rdflib.URIRef(f.shape), SH.name) if f.shape else None
    what = str(name) if name is not None else (f.path.rsplit("/", 1)[-1] or "node")
    component = f.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    value = _shown(f.value)
    return f"{what}: {component} constraint not met" + (f" by {value}" if value else "")


def validate_graph(triples: Iterable[ox.Triple], shapes: ShapesGraph, engine: str = "shacl",
                   name: str = "") -> GraphReport:
    """Validate TRIPLES as one data graph with SHAPES; results filed under their owners."""
    skolemise = not any((None, SH.nodeKind, kind) in shapes.graph for kind in _KIND_SENSITIVE)
    data = [ox.Triple(_name(t.subject, skolemise), t.predicate,  # type: ignore[arg-type]
                      _name(t.object, skolemise)) for t in triples]
    text = (ox.serialize(data, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    _, findings = validate_data(text, "ntriples", shapes.turtle, engine)
    owners, kinds = _owners(data, {f.focus for f in findings})
    records = {node: GraphRecord(_shown(node), kind) for node, kind in kinds.items()}
    for f in findings:
        owner = owners.get(f.focus, f.focus)
        rec = records.setdefault(owner, GraphRecord(_shown(owner), kinds.get(owner, "")))
        rec.results.append(Result("", f.severity, _shown(f.focus), f.path, _shown(f.value),
                                  _message(f, shapes), f.shape))
    for rec in records.values():
        unique = {(r.severity, r.focus, r.path, r.value, r.message, r.shape): r
                  for r in rec.results}
        rec.results = sorted(unique.values(), key=lambda r: (r.severity, r.focus, r.path,
                                                             r.message))
    return GraphReport(name or ", ".join(f.name for f in shapes.files),
                       [records[k] for k in sorted(records)], len(data))


def validate_graph_paths(paths: list[Path], shapes: ShapesGraph, engine: str = "shacl",
                         name: str = "") -> GraphReport:
    """Validate the union of RDF files as one data graph; a file that does not parse, or
    that is not RDF, makes the input unusable (InputError)."""
    inputs = Inputs()
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file (whole-graph validation reads RDF files)")
        if path.suffix.lower() not in RDF_SUFFIXES:
            raise InputError(f"{path}: not RDF ({', '.join(RDF_SUFFIXES)}); registry JSON is "
                             "validated with the DPG Standard shapes")
        read_rdf(path, inputs)
    if inputs.problems:
        raise InputError("; ".join(f"{p.file}: {p.reason}" for p in inputs.problems))
    quads = ox.parse("".join(inputs.texts).encode("utf-8"), ox.RdfFormat.N_QUADS)
    return validate_graph((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                          shapes, engine, name)


def validate_store_graphs(store: OxigraphStore, graphs: list[str] | None, shapes: ShapesGraph,
                          engine: str = "shacl", name: str = "", iris: IRIs | None = None
                          ) -> GraphReport:
    """Validate named GRAPHS of the store (their union) as one data graph; None: every
    harvested catalogue graph. The store is opened once for all of them."""
    from dpgkg.catalogues.rules_store import catalogue_graphs

    with store.reading() as st:
        if graphs is None:
            graphs = catalogue_graphs(st, iris or IRIs())
        present = {g.value for g in st.named_graphs() if isinstance(g, ox.NamedNode)}
        missing = [g for g in graphs if g not in present]
        if missing or not graphs:
            raise StoreError(f"no graph {missing[0]} in {store.directory}" if missing else
                             f"no catalogue graph in {store.directory}: run 'dpgkg harvest' "
                             "first")
        triples = [ox.Triple(q.subject, q.predicate, q.object) for g in graphs
                   for q in st.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    return validate_graph(triples, shapes, engine, name)
