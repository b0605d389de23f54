"""``dpgkg build``: registry + SDG vocabulary + ontology into the store, in one swap."""

from __future__ import annotations

import hashlib
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from dpgkg.config import Settings
from dpgkg.namespaces import IRIs
from dpgkg.problems import ProblemLog
from dpgkg.provenance import GraphOrigin, describe, now
from dpgkg.rdfterms import QuadWriter, triples_of
from dpgkg.registry.mapping import MapContext, map_record, map_shared_screenings
from dpgkg.registry.reader import RegistryBatch, RegistryReader
from dpgkg.registry.source import RegistrySource, resolve_registry
from dpgkg.resources import ontology_file
from dpgkg.sdg import resolve_sdg
from dpgkg.store import GraphData, OxigraphStore

T = TypeVar("T")
#: Wraps an iterable to show progress: (items, description, total) -> same items.
Progress = Callable[[Iterable[T], str, int | None], Iterable[T]]

REGISTRY_GRAPH = "registry"
SDG_GRAPH = "sdg"
ONTOLOGY_GRAPH = "ontology"
VALIDATION_GRAPH = "validation"
INFERRED_GRAPH = "inferred"


def no_progress(items: Iterable[T], _label: str, _total: int | None) -> Iterable[T]:
    return items


@dataclass
class BuildReport:
    """What a build did: counts, findings and the graphs it replaced."""

    registry: str
    records: int = 0
    nominees: int = 0
    screenings: int = 0
    files_read: int = 0
    quads: int = 0
    graphs: list[str] = field(default_factory=list)
    problems: ProblemLog = field(default_factory=ProblemLog)
    seconds: float = 0.0
    store: str = ""
    conforming: int | None = None  # records that pass validation (None: not validated)

    def as_dict(self) -> dict[str, object]:
        return {
            "registry": self.registry,
            "store": self.store,
            "records": self.records,
            "nominees": self.nominees,
            "screenings": self.screenings,
            "files_read": self.files_read,
            "quads": self.quads,
            "graphs": self.graphs,
            "seconds": round(self.seconds, 3),
            "conforming_records": self.conforming,
            "errors": len(self.problems.errors),
            "warnings": len(self.problems.warnings),
            "problem_counts": self.problems.counts(),
            "problems": [p.as_dict() for p in self.problems],
        }


def git_commit(folder: Path) -> str | None:
    """The commit of the git checkout FOLDER is in, if any (provenance only)."""
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if len(commit) == 40 else None


def map_registry(batch: RegistryBatch, iris: IRIs, graph: str,
                 progress: Progress = no_progress) -> tuple[QuadWriter, MapContext]:
    """Map a read batch into N-Quads for GRAPH (no store involved: tests and benchmarks)."""
    out = QuadWriter(graph)
    ctx = MapContext(iris, out, batch.problems)
    for rec in progress(batch.records, "mapping records", len(batch.records)):
        map_record(ctx, rec)
    map_shared_screenings(ctx, {r.record_id: r.screening_shared_with for r in batch.records
                                if r.screening_shared_with})
    return out, ctx


#: Quads per chunk handed to the loader: big enough to keep Oxigraph's bulk loader
#: efficient, small enough that reading and loading overlap. Measured at 100k records:
#: 40k 157 s, 100k 145 s, 1M 179 s (with a final flush); without it, 100k 77 s, 300k 77-95 s,
#: 1M 82 s.
CHUNK_QUADS = 100_000


def registry_chunks(source: RegistrySource, settings: Settings, report: BuildReport,
                    progress: Progress = no_progress) -> Iterator[bytes]:
    """Read, check and map the registry, yielding N-Quads chunks as they fill.

    The report is complete once the generator is exhausted; the graph's PROV description
    (with the final counts) is the last chunk.
    """
    iris = IRIs(settings.base_iri)
    graph = iris.graph(REGISTRY_GRAPH)
    started = now()
    reader = RegistryReader(source.folder)
    # N-Triples loaded into the graph: the bulk loader parses ~20% fewer bytes than N-Quads.
    out = QuadWriter(None)
    ctx = MapContext(iris, out, reader.problems)
    report.problems = reader.problems
    hasher = hashlib.sha256()
    for rec in progress(reader, "building records", len(reader)):
        map_record(ctx, rec)
        for half in (rec.nominee, rec.screening):
            if half is not None:
                hasher.update(f"{half.rel_path}\0{half.sha256}\n".encode())
        if len(out) >= CHUNK_QUADS:
            report.quads += len(out)
            yield out.take()
    map_shared_screenings(ctx, reader.shared_screenings())
    report.records, report.files_read = ctx.stats["records"], reader.files_read
    report.nominees, report.screenings = ctx.stats["nominee"], ctx.stats["screening"]
    sha = source.archive_sha256 or hasher.hexdigest()
    origin = GraphOrigin(
        graph, "DPG registry snapshot",
        source.url or iris.source_file(f"registry/{sha}"), sha, started,
        location=source.url or str(reader.root),
        commit=None if source.url else git_commit(reader.root),
        counts={"record": report.records, "nominee": report.nominees,
                "screening": report.screenings},
    )
    describe(out, iris, origin, now())
    report.quads += len(out)
    yield out.take()


def _file_graph(settings: Settings, name: str, title: str, parts: list[GraphData], sha: str,
                location: str) -> list[GraphData]:
    iris = IRIs(settings.base_iri)
    graph = iris.graph(name)
    out = QuadWriter(graph)
    origin = GraphOrigin(graph, title, iris.source_file(f"{name}/{sha}"), sha, now(),
                         location=location)
    describe(out, iris, origin, now())
    return [*parts, GraphData(graph, ox.RdfFormat.N_QUADS, data=out.data())]


def sdg_graph_data(settings: Settings) -> list[GraphData]:
    graph = IRIs(settings.base_iri).graph(SDG_GRAPH)
    src = resolve_sdg(settings.sdg, graph)
    return _file_graph(settings, SDG_GRAPH, src.label, src.parts, src.sha256,
                       settings.sdg or "dpgkg fallback")


def ontology_graph_data(settings: Settings) -> list[GraphData]:
    graph = IRIs(settings.base_iri).graph(ONTOLOGY_GRAPH)
    path = ontology_file()
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    parts = [GraphData(graph, ox.RdfFormat.TURTLE, path=path)]
    return _file_graph(settings, ONTOLOGY_GRAPH, "dpgkg ontology", parts, sha, path.name)


class _Tee:
    """The registry's N-Quads as they pass to the store, kept for validation and reasoning
    (cheaper than reading the store back), joined once for both."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def passing(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.chunks.append(chunk)
            yield chunk

    @cached_property
    def data(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def validation_chunks(tee: _Tee, settings: Settings, report: BuildReport
                      ) -> Iterator[bytes]:
    """Validate the registry just mapped and yield the sh:ValidationReport as N-Quads."""
    from dpgkg.validation.run import validate_text
    from dpgkg.validation.shapes import ShapesGraph

    iris = IRIs(settings.base_iri)
    graph = iris.graph(VALIDATION_GRAPH)
    started = now()
    shapes = ShapesGraph.load()
    result = validate_text(tee.data.decode("utf-8"), shapes, [], iris)
    out = result.quads(graph, f"{graph}/report")
    report.conforming = sum(r.conforms for r in result.records)
    sha = hashlib.sha256(shapes.turtle.encode()).hexdigest()
    origin = GraphOrigin(graph, "DPG Standard validation of the registry graph",
                         iris.source_file(f"shapes/{sha}"), sha, started,
                         location=", ".join(f.name for f in shapes.files),
                         counts={"record": len(result.records),
                                 "conformingRecord": report.conforming})
    describe(out, iris, origin, now())
    report.quads += len(out)
    yield out.take()


def inference_chunks(tee: _Tee, settings: Settings, report: BuildReport
                     ) -> Iterator[bytes]:
    """OWL-RL inferences over the registry just mapped, as N-Triples for the inferred graph."""
    from dpgkg.reasoning import infer

    iris = IRIs(settings.base_iri)
    graph = iris.graph(INFERRED_GRAPH)
    started = now()
    inferred = infer(triples_of(tee.data).decode("utf-8"), ontology_file())
    out = QuadWriter(None)  # triples: the loader puts them into the inferred graph
    data = inferred.serialize(format="nt", encoding="utf-8")
    out.lines.extend(line for line in data.decode("utf-8").splitlines(keepends=True)
                     if line.strip())
    sha = hashlib.sha256(ontology_file().read_bytes()).hexdigest()
    describe(out, iris, GraphOrigin(graph, "OWL-RL inferences (owlrl) over the registry",
                                    iris.source_file(f"{ONTOLOGY_GRAPH}/{sha}"), sha,
                                    started, location=ontology_file().name,
                                    counts={"inferredTriple": len(inferred)}), now())
    report.quads += len(out)
    yield out.take()


def build(settings: Settings, progress: Progress = no_progress,
          registry_sha256: str | None = None, validate: bool = True,
          reason: bool = False, optimize: bool = False) -> BuildReport:
    """Build every graph and swap them into the store at once.

    Raises RegistrySourceError / SdgSourceError / StoreError for unusable input; record
    problems are returned in the report, never raised.
    """
    if not settings.registry:
        raise ValueError("no registry given: use --registry PATH|URL or set DPGKG_REGISTRY")
    start = time.perf_counter()
    source = resolve_registry(settings.registry, settings.cache, registry_sha256)
    report = BuildReport(registry=settings.registry, store=str(settings.store))
    iris = IRIs(settings.base_iri)
    chunks: Iterable[bytes] = registry_chunks(source, settings, report, progress)
    tee = _Tee() if validate or reason else None
    if tee is not None:
        chunks = tee.passing(chunks)
    # Graphs load in this order, so the validation graph is made after the registry's.
    graphs = {
        iris.graph(REGISTRY_GRAPH): [
            GraphData(iris.graph(REGISTRY_GRAPH), ox.RdfFormat.N_TRIPLES, chunks=chunks,
                      trusted=True)],
        iris.graph(SDG_GRAPH): sdg_graph_data(settings),
        iris.graph(ONTOLOGY_GRAPH): ontology_graph_data(settings),
    }
    if reason and tee is not None:
        graphs[iris.graph(INFERRED_GRAPH)] = [GraphData(
            iris.graph(INFERRED_GRAPH), ox.RdfFormat.N_TRIPLES,
            chunks=inference_chunks(tee, settings, report))]
    if validate and tee is not None:
        graphs[iris.graph(VALIDATION_GRAPH)] = [GraphData(
            iris.graph(VALIDATION_GRAPH), ox.RdfFormat.N_QUADS,
            chunks=validation_chunks(tee, settings, report))]
    OxigraphStore(settings.store).replace_graphs(graphs, optimize=optimize)
    report.graphs = sorted(graphs)
    report.seconds = time.perf_counter() - start
    return report
