"""``dpgkg validate``: inputs -> record subgraphs -> engine -> per-indicator report."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dpgkg.namespaces import DPG, PROV, IRIs
from dpgkg.problems import Problem
from dpgkg.store import OxigraphStore, StoreError
from dpgkg.validation.engine import Finding, validate_index
from dpgkg.validation.inputs import collect, pointer_indicator
from dpgkg.validation.report import SCHEMA_SHAPE, ValidationReport, assemble, record_id
from dpgkg.validation.shapes import ShapesGraph
from dpgkg.validation.subgraphs import BlockIndex, SubgraphIndex, dataset_ntriples


def _subjects(store: ox.Store, predicate: str, obj: str | None = None) -> set[str]:
    o = ox.NamedNode(obj) if obj else None
    return {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(predicate), o)
            if isinstance(q.subject, ox.NamedNode)}


def validate_text(text: str, shapes: ShapesGraph, problems: list[Problem], iris: IRIs,
                  engine: str = "shacl", workers: int | None = None) -> ValidationReport:
    """Validate every record in TEXT (N-Triples or N-Quads) and fold in file problems."""
    return validate_index_of(SubgraphIndex(text), shapes, problems, iris, engine, workers)


def validate_index_of(index: SubgraphIndex | BlockIndex, shapes: ShapesGraph,
                      problems: list[Problem], iris: IRIs, engine: str = "shacl",
                      workers: int | None = None) -> ValidationReport:
    """Validate every record of INDEX and fold in the file problems as results."""
    records = set(index.records)
    screened = index.with_property(str(DPG.screening))
    # A record was nominated when its nominee file was read (even if its name was not).
    nominated = index.with_property(str(PROV.wasDerivedFrom), "/id/source/nominees/")
    findings = validate_index(index, shapes.turtle, engine, workers)
    indicator_of = dict(shapes.indicators)
    indicator_of[SCHEMA_SHAPE] = ""
    for p in problems:
        rid = Path(p.file).stem
        iri = iris.record(rid)
        records.add(iri)
        indicator = pointer_indicator(p.file, p.pointer)
        shape = f"{SCHEMA_SHAPE}-{indicator}" if indicator else SCHEMA_SHAPE
        indicator_of[shape] = indicator
        findings.append(Finding(iri, p.pointer, "", f"{p.file}: {p.reason}", "Violation",
                                shape, "RegistrySchema"))
    return assemble(records, findings, indicator_of, screened, nominated)


def validate_dataset(store: ox.Store, shapes: ShapesGraph, problems: list[Problem],
                     iris: IRIs, engine: str = "shacl", workers: int | None = None
                     ) -> ValidationReport:
    """Validate every record in an Oxigraph store (all graphs)."""
    return validate_text(dataset_ntriples(store), shapes, problems, iris, engine, workers)


def validate_paths(paths: list[Path], shapes: ShapesGraph, iris: IRIs, engine: str = "shacl",
                   workers: int | None = None) -> ValidationReport:
    inputs = collect(paths, iris)
    if inputs.blocks and not inputs.texts:  # registry JSON only: the fast path
        return validate_index_of(BlockIndex(inputs.blocks), shapes, inputs.problems, iris,
                                 engine, workers)
    text = "".join(inputs.texts) + "".join(line for _, lines in inputs.blocks
                                           for line in lines)
    return validate_text(text, shapes, inputs.problems, iris, engine, workers)


def validate_store(store: OxigraphStore, shapes: ShapesGraph, iris: IRIs,
                   engine: str = "shacl", workers: int | None = None) -> ValidationReport:
    """Validate the built registry graph (read into memory once; records are independent)."""
    graph = iris.graph("registry")
    if graph not in store.named_graphs():
        raise StoreError(f"no registry graph in {store.directory}: run 'dpgkg build' first")
    with store.reading() as disk:
        data = disk.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    return validate_text((data or b"").decode("utf-8"), shapes, [], iris, engine, workers)


__all__ = ["record_id", "validate_dataset", "validate_paths", "validate_store"]
