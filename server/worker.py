"""Query worker processes: where SPARQL runs, so a runaway query can be killed.

pyoxigraph cannot cancel a running query, so the endpoint runs every job in a worker
process (see server/pool.py) that the server kills and replaces when time is up. A worker
opens the store read-only and reopens it when the ``current`` generation changes (after a
rebuild, an update or a Graph Store write). Results are written to bytes here, so the
time limit covers serialisation too.
"""

from __future__ import annotations

import ctypes
import gc
import gzip
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from dpgkg.namespaces import PREFIXES
from dpgkg.store import CURRENT, OxigraphStore, StoreBusy, StoreError
from server.results import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    take,
    write_boolean,
    write_solutions,
    write_triples,
)


@dataclass(frozen=True)
class Job:
    """One unit of work for a worker (picklable)."""

    op: str  # query | update | graph-get | graph-write | stats | dump
    sparql: str = ""
    default_graphs: tuple[str, ...] | None = None  # protocol dataset; None: not given
    named_graphs: tuple[str, ...] | None = None
    union: bool = True
    named_prefixes: bool = False  # named queries may use the project's prefixes undeclared
    result_format: str | None = "json"  # negotiated for SELECT/ASK (None: none acceptable)
    graph_format: str | None = "turtle"  # negotiated for CONSTRUCT/DESCRIBE
    limit: int = 100_000
    base_iri: str | None = None
    graph: str | None = None  # Graph Store target: an IRI, or "" for the default graph
    data: bytes = b""
    parts: tuple[tuple[bytes, str], ...] = ()  # graph-write: (data, format) per document
    mode: str = ""  # graph-write: put | post | delete
    path: str = ""  # dump: the file to write


@dataclass
class Outcome:
    """What a worker sends back."""

    status: str  # ok | syntax | not-acceptable | not-found | created | busy | error | no-store
    body: bytes = b""
    format: str = ""  # key of the written format
    form: str = ""  # select | ask | graph
    message: str = ""
    truncated: bool = False
    count: int = 0
    stats: dict[str, object] = field(default_factory=dict)


class StoreView:
    """The current generation, opened read-only, reopened when the generation changes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._generation: str | None = None
        self._store: ox.Store | None = None

    def get(self) -> ox.Store:
        link = self.directory / CURRENT
        try:
            generation = os.readlink(link)
        except OSError:
            raise StoreError(f"no store at {self.directory}: run 'dpgkg build' first") from None
        if generation != self._generation or self._store is None:
            self._store = None
            gc.collect()
            self._store = ox.Store.read_only(str(self.directory / generation))
            self._generation = generation
        return self._store


def _graph_term(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if iri == "" else ox.NamedNode(iri)


def run_query(store: ox.Store, job: Job) -> Outcome:
    kwargs: dict[str, object] = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        if job.named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    else:
        kwargs["use_default_graph_as_union"] = job.union
    if job.named_prefixes:
        kwargs["prefixes"] = PREFIXES
    try:
        result = store.query(job.sparql, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        return Outcome("syntax", message=str(exc))
    if isinstance(result, ox.QueryBoolean):
        if job.result_format not in SOLUTION_FORMATS:
            return Outcome("not-acceptable", form="ask")
        fmt = job.result_format
        return Outcome("ok", write_boolean(fmt, bool(result)), fmt, "ask", count=1)
    if isinstance(result, ox.QuerySolutions):
        if job.result_format not in SOLUTION_FORMATS:
            return Outcome("not-acceptable", form="select")
        variables = [v.value for v in result.variables]
        rows, truncated = take(result, job.limit)
        body = write_solutions(job.result_format, variables, rows)  # type: ignore[arg-type]
        return Outcome("ok", body, job.result_format, "select", truncated=truncated,
                       count=len(rows))
    if job.graph_format not in GRAPH_FORMATS:
        return Outcome("not-acceptable", form="graph")
    triples, truncated = take(result, job.limit)
    body = write_triples(job.graph_format, triples)  # type: ignore[arg-type]
    return Outcome("ok", body, job.graph_format, "graph", truncated=truncated,
                   count=len(triples))


def run_update(directory: Path, job: Job) -> Outcome:
    def change(store: ox.Store) -> None:
        store.update(job.sparql, base_iri=job.base_iri)

    OxigraphStore(directory).modify(change)  # a SyntaxError becomes execute()'s 400
    return Outcome("ok", message="update applied")


def graph_get(store: ox.Store, job: Job) -> Outcome:
    target = _graph_term(job.graph or "")
    if isinstance(target, ox.NamedNode) and not store.contains_named_graph(target):
        return Outcome("not-found", message=f"no graph <{job.graph}> in the store")
    fmt = job.graph_format or "turtle"
    rdf_format = GRAPH_FORMATS[fmt]
    if fmt in ("nquads", "trig"):
        quads = store.quads_for_pattern(None, None, None, target)
        body = ox.serialize(quads, format=rdf_format) or b""
    else:
        prefixes = PREFIXES if rdf_format is ox.RdfFormat.TURTLE else None
        body = store.dump(format=rdf_format, from_graph=target, prefixes=prefixes) or b""
    return Outcome("ok", body, fmt, "graph")


def graph_write(directory: Path, job: Job) -> Outcome:
    """PUT (replace), POST (merge) or DELETE one graph, as one new generation."""
    target = _graph_term(job.graph or "")
    documents = job.parts or ((job.data, job.graph_format or "turtle"),)

    def change(store: ox.Store) -> bool:
        existed = (not isinstance(target, ox.NamedNode)) or store.contains_named_graph(target)
        if job.mode == "delete":
            if not existed:
                return False
            if isinstance(target, ox.NamedNode):
                store.remove_graph(target)
            else:
                store.clear_graph(target)
            return True
        if job.mode == "put" and existed:
            store.clear_graph(target)
        if isinstance(target, ox.NamedNode) and not existed:
            store.add_graph(target)
        for data, fmt in documents:
            if data:
                store.load(data, GRAPH_FORMATS[fmt], base_iri=job.base_iri, to_graph=target)
        return existed

    try:
        existed = OxigraphStore(directory).modify(change)
    except SyntaxError as exc:
        return Outcome("syntax", message=f"the request body is not valid RDF: {exc}")
    if job.mode == "delete" and not existed:
        return Outcome("not-found", message=f"no graph <{job.graph}> in the store")
    return Outcome("ok" if existed else "created")


def stats(store: ox.Store) -> Outcome:
    """Triples per named graph and per class: for VoID, the service description, health."""
    graphs = {str(row["g"].value): int(row["n"].value) for row in store.query(  # type: ignore
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    classes = {str(row["c"].value): int(row["n"].value) for row in store.query(  # type: ignore
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c",
    ) if isinstance(row["c"], ox.NamedNode)}
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return Outcome("ok", stats={"graphs": graphs, "classes": classes,
                                "default_graph_triples": default})


def dump(store: ox.Store, job: Job) -> Outcome:
    """Write a dump file (N-Quads gzip of everything, or one graph as Turtle) atomically."""
    path = Path(job.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    if job.graph is None:
        with gzip.open(tmp, "wb", compresslevel=6) as fh:
            store.dump(fh, ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]
    else:
        with open(tmp, "wb") as fh:
            store.dump(fh, ox.RdfFormat.TURTLE, from_graph=_graph_term(job.graph),
                       prefixes=PREFIXES)
    os.replace(tmp, path)
    return Outcome("ok", message=str(path))


def execute(view: StoreView, job: Job) -> Outcome:
    """Run one job; errors become outcomes (a worker never dies on a user's mistake)."""
    try:
        if job.op == "update":
            return run_update(view.directory, job)
        if job.op == "graph-write":
            return graph_write(view.directory, job)
        store = view.get()
        if job.op == "query":
            return run_query(store, job)
        if job.op == "graph-get":
            return graph_get(store, job)
        if job.op == "stats":
            return stats(store)
        if job.op == "dump":
            return dump(store, job)
        return Outcome("error", message=f"unknown job {job.op!r}")
    except StoreBusy as exc:
        return Outcome("busy", message=str(exc))
    except StoreError as exc:
        return Outcome("no-store", message=str(exc))
    except (SyntaxError, ValueError) as exc:
        return Outcome("syntax", message=str(exc))
    except OSError as exc:
        return Outcome("error", message=f"{type(exc).__name__}: {exc}")


def _release_memory() -> Callable[[], None]:
    """glibc's malloc_trim: hand freed heap back to the OS after a big result, so a worker's
    RSS returns to its baseline instead of staying at its largest result."""
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        trim = None

    def release() -> None:
        gc.collect()
        if trim is not None:
            trim(0)

    return release


def worker_main(conn: Connection, directory: str) -> None:
    """The worker loop: one job in, one outcome out, until the pipe closes."""
    view = StoreView(Path(directory))
    release = _release_memory()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outcome = execute(view, job)
        conn.send(outcome)
        if len(outcome.body) > 256 * 1024 or job.op != "query":
            release()
