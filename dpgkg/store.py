"""The graph store: an embedded, persistent Oxigraph store behind a small interface.

Atomic rebuilds. Oxigraph has no cheap atomic "replace this graph" (a MOVE or DELETE of a
large graph runs for minutes in one transaction), so the store directory holds
*generations*: a rebuild writes a new generation (bulk-loading the new graph and copying
the untouched ones), then swaps the ``current`` symlink with one atomic rename. A crash
before the swap leaves the previous generation, and so every previous graph, intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import queue
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, TypeVar

import pyoxigraph as ox

from dpgkg.namespaces import PREFIXES

T = TypeVar("T")
CURRENT = "current"
GEN_PREFIX = "gen-"
KEEP_GENERATIONS = 2  # the current one and the one a running server may still read


class StoreError(RuntimeError):
    """The store cannot be used (missing, locked, corrupt)."""


class StoreBusy(StoreError):
    """Another build or update holds the store's write lock."""


@dataclass(frozen=True)
class GraphData:
    """RDF to load into one named graph: bytes, a file, or a stream of byte chunks.

    ``chunks`` are loaded while the producer makes the next one (see ``_load_chunks``).
    """

    graph: str
    format: ox.RdfFormat
    data: bytes | None = None
    path: Path | None = None
    base_iri: str | None = None
    chunks: Iterable[bytes] | None = None
    # Written by dpgkg's own writer from checked values: the loader may skip re-validating
    # every IRI (pyoxigraph's lenient mode, ~7% less load CPU on a large build).
    trusted: bool = False


class GraphStore(Protocol):
    """What dpgkg needs from a store; a remote SPARQL 1.1 store can implement it too."""

    def replace_graphs(self, graphs: dict[str, list[GraphData]],
                       optimize: bool = False) -> None: ...

    def query(self, sparql: str, *, union_default_graph: bool = True) -> object: ...

    def named_graphs(self) -> list[str]: ...

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]: ...

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None: ...


class OxigraphStore:
    """A persistent Oxigraph store in a directory of generations (see module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    # -- reading -------------------------------------------------------------------
    @property
    def current_path(self) -> Path | None:
        link = self.directory / CURRENT
        return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None

    def exists(self) -> bool:
        return self.current_path is not None

    def generation(self) -> str:
        """The current generation's name: changes on every rebuild (cache keys, ETags)."""
        path = self.current_path
        return path.name if path else ""

    def _reader(self) -> ox.Store:
        path = self.current_path
        if path is None:
            raise StoreError(f"no store at {self.directory}: run 'dpgkg build' first")
        try:
            return ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @contextlib.contextmanager
    def reading(self) -> Iterator[ox.Store]:
        store = self._reader()
        try:
            yield store
        finally:
            del store
            gc.collect()

    def query(self, sparql: str, *, union_default_graph: bool = True) -> object:
        """Run a SPARQL query; results are materialised so the store can be closed."""
        with self.reading() as store:
            result = store.query(sparql, prefixes=PREFIXES,
                                 use_default_graph_as_union=union_default_graph)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                return MaterialisedSolutions(
                    [v.value for v in result.variables], [tuple(row) for row in result])
            return list(result)

    def named_graphs(self) -> list[str]:
        with self.reading() as store:
            return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        with self.reading() as store:
            g = ox.NamedNode(graph) if graph else None
            yield from store.quads_for_pattern(None, None, None, g)

    def count(self, graph: str | None = None) -> int:
        with self.reading() as store:
            if graph is None:
                return len(store)
            return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def dump(self, output: IO[bytes], fmt: ox.RdfFormat, graph: str | None = None) -> None:
        with self.reading() as store:
            from_graph = ox.NamedNode(graph) if graph else None
            store.dump(output, fmt, from_graph=from_graph, prefixes=_prefixes_for(fmt))

    # -- writing -------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreBusy(f"{self.directory} is locked by another build or update"
                                ) from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def replace_graphs(self, graphs: dict[str, list[GraphData]],
                       optimize: bool = False) -> None:
        """Replace each named graph in GRAPHS with its data, all in one atomic swap."""
        self._new_generation(lambda new_dir: self._write_generation(new_dir, graphs, optimize))

    def modify(self, change: Callable[[ox.Store], T]) -> T:
        """Apply CHANGE to a copy of the current generation, then swap the copy in.

        Used for SPARQL Update and Graph Store writes. The copy is an Oxigraph backup:
        its immutable files are hard links, so it costs milliseconds, and readers keep
        the previous generation until the swap (a failed or killed change leaves it as it
        was). Raises StoreError when a build or another change holds the store.
        """
        def write(new_dir: Path) -> T:
            old = self._open_current()
            if old is not None:
                old.backup(str(new_dir))
                del old
            store = ox.Store(str(new_dir))
            try:
                result = change(store)
                store.flush()  # update and load write through the log: make them durable
            finally:
                del store
                gc.collect()
            return result

        return self._new_generation(write)

    def _new_generation(self, write: Callable[[Path], T]) -> T:
        """Under the write lock: WRITE a new generation directory, then swap it in; on any
        failure (or a kill) the half-written directory is never current."""
        with self._lock():
            self._remove_stale()
            new_dir = self._new_generation_dir()
            try:
                result = write(new_dir)
                final = new_dir.with_suffix("")
                new_dir.rename(final)
                self._switch(final)
            except BaseException:
                shutil.rmtree(new_dir, ignore_errors=True)
                raise
            self._prune()
            return result

    def _open_current(self) -> ox.Store | None:
        """The current generation, read-only (None before the first build)."""
        path = self.current_path
        return None if path is None else ox.Store.read_only(str(path))

    def _new_generation_dir(self) -> Path:
        return self.directory / f"{GEN_PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex[:6]}.tmp"

    def _write_generation(self, new_dir: Path, graphs: dict[str, list[GraphData]],
                          optimize: bool = False) -> None:
        old = self._open_current()
        reuse = old is not None and _cheaper_to_reuse(old, set(graphs))
        if reuse and old is not None:
            # Most of the store stays: start from a hard-linked backup of it and drop the
            # replaced graphs, instead of re-loading everything else.
            old.backup(str(new_dir))
        store = ox.Store(str(new_dir))
        try:
            if reuse:
                for graph in graphs:
                    if store.contains_named_graph(ox.NamedNode(graph)):
                        store.remove_graph(ox.NamedNode(graph))
            elif old is not None:
                self._copy_untouched(old, store, set(graphs))
            for graph, parts in graphs.items():
                target = ox.NamedNode(graph)
                for part in parts:
                    _load(store, part, target)
            # No flush(): everything above is bulk-loaded (files ingested and recorded durably
            # as they are written), and flush() waits for RocksDB to merge them: 43 s of the
            # 133 s a 100k-record build took. Queries on the unmerged files are somewhat
            # slower on large stores (measured: 0.85 s against 0.6 s for a 9M-quad scan), so
            # optimize=True (`dpgkg build --optimize`) merges them before the swap instead.
            if optimize:
                store.optimize()
        finally:
            del store
            gc.collect()

    @staticmethod
    def _copy_untouched(old: ox.Store, new: ox.Store, replaced: set[str]) -> None:
        for g in list(old.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value in replaced:
                continue
            data = old.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            new.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=g)
        default = old.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        if default:
            new.bulk_load(default, ox.RdfFormat.N_TRIPLES)
        del old

    def _switch(self, target: Path) -> None:
        link = self.directory / CURRENT
        tmp = self.directory / f".{CURRENT}.{uuid.uuid4().hex[:6]}"
        os.symlink(target.name, tmp)
        os.replace(tmp, link)  # rename(2) is atomic: readers see old or new, never neither

    def _generations(self) -> list[Path]:
        return sorted(p for p in self.directory.glob(f"{GEN_PREFIX}*") if p.is_dir())

    def _remove_stale(self) -> None:
        """Remove half-written generations left by a crashed build."""
        for p in self._generations():
            if p.suffix == ".tmp":
                shutil.rmtree(p, ignore_errors=True)

    def _prune(self) -> None:
        current = self.current_path
        done = [p for p in self._generations() if p.suffix != ".tmp"]
        for p in done[:-KEEP_GENERATIONS]:
            if p != current:
                shutil.rmtree(p, ignore_errors=True)


def _load(store: ox.Store, part: GraphData, target: ox.NamedNode) -> None:
    # Quads formats name their graphs (dpgkg's writers always name TARGET); triples go there.
    to_graph = None if part.format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) else target
    if part.chunks is not None:
        _load_chunks(store, part, to_graph)
    elif part.path is not None:
        store.bulk_load(path=str(part.path), format=part.format, base_iri=part.base_iri,
                        to_graph=to_graph)
    else:
        store.bulk_load(part.data or b"", part.format, base_iri=part.base_iri,
                        to_graph=to_graph)


#: Measured on the project's machine: removing a quad from a store costs about four times
#: what bulk-loading one does, so a backup plus removals wins only when the replaced
#: graphs hold under a quarter of what would otherwise be copied.
REMOVE_COST = 4


def _cheaper_to_reuse(old: ox.Store, replaced: set[str]) -> bool:
    """Whether backing up OLD and removing the REPLACED graphs beats copying the rest."""
    counts = {str(row["g"].value): int(row["n"].value)
              for row in old.query("SELECT ?g (COUNT(*) AS ?n) "  # type: ignore[union-attr]
                                   "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    removed = sum(n for g, n in counts.items() if g in replaced)
    kept = sum(n for g, n in counts.items() if g not in replaced)
    return kept > 0 and REMOVE_COST * removed < kept


#: Loader threads: pyoxigraph releases the GIL while bulk loading; on two cores three
#: loaders beside the mapping thread measured fastest at 100k records (147 s; 2: 161 s,
#: 4: 146 s), because RocksDB stalls leave a core idle with fewer.
LOADER_THREADS = 3


def _load_chunks(store: ox.Store, part: GraphData, to_graph: ox.NamedNode | None) -> None:
    """Bulk-load chunks in loader threads while this thread produces the next chunks.

    The queue is short so memory stays bounded; a loader's failure stops production and
    is re-raised here.
    """
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=LOADER_THREADS + 1)
    failure: list[BaseException] = []

    def loader() -> None:
        while (chunk := pending.get()) is not None:
            if failure:
                continue  # drain so the producer never blocks after a failure
            try:
                store.bulk_load(chunk, part.format, base_iri=part.base_iri, to_graph=to_graph,
                                lenient=part.trusted)
            except BaseException as exc:  # re-raised in the producing thread
                failure.append(exc)

    threads = [threading.Thread(target=loader, name=f"dpgkg-bulk-load-{i}", daemon=True)
               for i in range(LOADER_THREADS)]
    for thread in threads:
        thread.start()
    try:
        assert part.chunks is not None
        for chunk in part.chunks:
            if failure:
                break
            pending.put(chunk)
    finally:
        for _ in threads:
            pending.put(None)
        for thread in threads:
            thread.join()
    if failure:
        raise failure[0]


def _prefixes_for(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


@dataclass
class MaterialisedSolutions:
    """SELECT results read fully into memory (variables and rows of terms or None)."""

    variables: list[str]
    rows: list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def open_store(directory: Path) -> OxigraphStore:
    return OxigraphStore(directory)
