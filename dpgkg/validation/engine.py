"""Runs the shapes over record subgraphs: batched, in a process pool, engine by choice.

The default engine is the ``shacl`` package (Rust): it passed the W3C SHACL core and
SPARQL tests here and validates the whole registry in a fraction of a second. pySHACL
stays available (``engine="pyshacl"``) as the reference oracle the tests compare against.
Each worker compiles the shapes once (pool initializer) and validates batches of records
as one data graph: shapes only look at a record's own nodes, so a batch's results are the
union of its records' results.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from dpgkg.rdfterms import triples_of
from dpgkg.validation.subgraphs import BlockIndex, SubgraphIndex

ENGINES = ("shacl", "pyshacl")
BATCH = 100
PARALLEL_FROM = 10  # batches


@dataclass(frozen=True)
class Finding:
    """One validation result, engine-neutral; IRIs and values as plain strings."""

    focus: str
    path: str
    value: str
    message: str
    severity: str  # "Violation" | "Warning" | "Info"
    shape: str  # the nearest named shape
    component: str


_SHAPES: Any = None
_ENGINE = "shacl"


def _init(engine: str, shapes_turtle: str) -> None:
    global _SHAPES, _ENGINE
    _ENGINE = engine
    if engine == "shacl":
        import shacl

        _SHAPES = shacl.Shapes.from_turtle(shapes_turtle)
    else:
        import rdflib

        _SHAPES = rdflib.Graph().parse(data=shapes_turtle, format="turtle")


def _plain(nt: str | None) -> str:
    if not nt:
        return ""
    return nt[1:-1] if nt.startswith("<") and nt.endswith(">") else nt


def _shacl_findings(report: Any) -> list[Finding]:
    """Read the shacl engine's report into findings."""
    return [Finding(_plain(r.focus_node), _plain(r.path) if r.path else "",
                    r.value_plain or "", r.message or "", r.severity,
                    _plain(r.root_shape or r.source_shape), r.component)
            for r in report.results]


def _run_pyshacl(data: Any, shapes: Any) -> tuple[bool, list[Finding]]:
    """pySHACL over an rdflib graph; (conforms, findings)."""
    import pyshacl
    from rdflib.namespace import SH

    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                           allow_warnings=True)
    return bool(conforms), findings_from_report(report, shapes, SH)


def _validate_shacl(ntriples: str) -> list[Finding]:
    return _shacl_findings(_SHAPES.validate_text(ntriples, "nquads"))  # N-Triples ⊂ N-Quads


def _validate_pyshacl(ntriples: str) -> list[Finding]:
    import rdflib

    # Batches may carry graph names (N-Quads); pySHACL validates one graph: their union.
    data = rdflib.Graph().parse(data=triples_of(ntriples.encode("utf-8")), format="nt")
    return _run_pyshacl(data, _SHAPES)[1]


def findings_from_report(report: Any, shapes: Any, sh: Any) -> list[Finding]:
    """Read a sh:ValidationReport graph (pySHACL's) into findings."""

    out = []
    for result in report.objects(None, sh.result):
        shape = report.value(result, sh.sourceShape)
        shape = _named_shape(shape, shapes, sh)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        message = report.value(result, sh.resultMessage)
        severity = report.value(result, sh.resultSeverity)
        component = report.value(result, sh.sourceConstraintComponent)
        out.append(Finding(
            str(report.value(result, sh.focusNode)),
            render_path(report, path, sh) if path is not None else "",
            str(value) if value is not None else "",
            str(message) if message is not None else "",
            str(severity).rsplit("#", 1)[-1],
            str(shape) if shape is not None else "",
            str(component).rsplit("#", 1)[-1] if component is not None else "",
        ))
    return out


def render_path(graph: Any, node: Any, sh: Any) -> str:
    """A SHACL property path in the SPARQL syntax the shacl engine reports, e.g.
    ``(<a>|<b>)``; a plain predicate stays a bare IRI (as both engines give it)."""
    import rdflib
    from rdflib.collection import Collection

    def inner(n: Any) -> str:
        if isinstance(n, rdflib.URIRef):
            return f"<{n}>"
        alt = graph.value(n, sh.alternativePath)
        if alt is not None:
            return "(" + "|".join(inner(m) for m in Collection(graph, alt)) + ")"
        for prop, mark in ((sh.zeroOrMorePath, "*"), (sh.oneOrMorePath, "+"),
                           (sh.zeroOrOnePath, "?")):
            sub = graph.value(n, prop)
            if sub is not None:
                return f"({inner(sub)}){mark}"
        inverse = graph.value(n, sh.inversePath)
        if inverse is not None:
            return f"^{inner(inverse)}"
        if graph.value(n, rdflib.RDF.first) is not None:
            return "(" + "/".join(inner(m) for m in Collection(graph, n)) + ")"
        return str(n)

    return str(node) if isinstance(node, rdflib.URIRef) else inner(node)


def _named_shape(shape: Any, shapes: Any, sh: Any) -> Any:
    """Walk up from a blank-node shape to the named shape that holds it."""
    import rdflib

    seen = 0
    while isinstance(shape, rdflib.BNode) and seen < 10:
        parent = next(iter(shapes.subjects(None, shape)), None)
        if parent is None:
            break
        shape, seen = parent, seen + 1
    return shape


_INDEX: SubgraphIndex | BlockIndex | None = None


def _run_range(bounds: tuple[int, int]) -> list[Finding]:
    assert _INDEX is not None
    records = _INDEX.records[bounds[0]:bounds[1]]
    data = "".join(_INDEX.text(r) for r in records)
    return _validate_shacl(data) if _ENGINE == "shacl" else _validate_pyshacl(data)


def validate_index(index: SubgraphIndex | BlockIndex, shapes_turtle: str, engine: str = "shacl",
                   workers: int | None = None, batch: int = BATCH) -> list[Finding]:
    """Validate every record of INDEX in batches; forked workers share the index."""
    global _INDEX
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    ranges = [(i, i + batch) for i in range(0, len(index.records), batch)]
    if workers is None:
        # Starting a pool costs ~0.3 s; only worth it when there is real work to share.
        workers = (os.cpu_count() or 1) if len(ranges) >= PARALLEL_FROM else 1
    _INDEX = index
    try:
        if workers <= 1 or "fork" not in mp.get_all_start_methods():
            _init(engine, shapes_turtle)
            return [f for r in ranges for f in _run_range(r)]
        # fork: the workers inherit the index instead of receiving it pickled.
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"),
                                 initializer=_init, initargs=(engine, shapes_turtle)) as pool:
            return [f for found in pool.map(_run_range, ranges, chunksize=4) for f in found]
    finally:
        _INDEX = None


def validate_data(data: str, data_format: str, shapes_turtle: str, engine: str = "shacl"
                  ) -> tuple[bool, list[Finding]]:
    """Validate one data graph (any graph, not just records) in this process.

    DATA_FORMAT is "turtle" or "ntriples". Returns (conforms, findings) as the engine
    reports them (pySHACL runs with allow_warnings, so warnings alone do not fail it).
    """
    if engine == "shacl":
        import shacl

        report = shacl.Shapes.from_turtle(shapes_turtle).validate_text(data, data_format)
        return bool(report.conforms), _shacl_findings(report)
    import rdflib

    shapes = rdflib.Graph().parse(data=shapes_turtle, format="turtle")
    graph = rdflib.Graph().parse(data=data, format="nt" if data_format == "ntriples" else
                                 data_format)
    return _run_pyshacl(graph, shapes)
