"""The embedded store: persistent, graphs replaced atomically, crash-safe rebuilds."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from dpgkg.store import GraphData, OxigraphStore, StoreError

G1, G2 = "https://example.org/g/one", "https://example.org/g/two"


def _nq(graph: str, n: int, tag: str) -> GraphData:
    lines = "".join(f'<https://example.org/s{i}> <https://example.org/p> "{tag}{i}" <{graph}> .\n'
                    for i in range(n))
    return GraphData(graph, ox.RdfFormat.N_QUADS, data=lines.encode())


def test_persistent_and_replaces_only_named_graphs(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G1: [_nq(G1, 3, "a")], G2: [_nq(G2, 2, "b")]})
    reopened = OxigraphStore(tmp_path / "s")
    assert reopened.named_graphs() == [G1, G2]
    reopened.replace_graphs({G1: [_nq(G1, 5, "c")]})
    assert store.count(G1) == 5 and store.count(G2) == 2
    values = {q.object.value for q in store.quads(G1)}
    assert values == {f"c{i}" for i in range(5)}  # the old content is gone, not merged


@pytest.mark.parametrize(("big", "small", "reused"), [(400, 5, True), (5, 400, False)])
def test_small_replacement_reuses_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            big: int, small: int, reused: bool) -> None:
    """Replacing a small graph beside a big one starts from a backup (nothing re-loaded);
    replacing a big one copies the rest. Both give the same graphs."""
    import dpgkg.store as module

    copies: list[int] = []
    real_copy = OxigraphStore._copy_untouched
    monkeypatch.setattr(OxigraphStore, "_copy_untouched", staticmethod(
        lambda old, new, replaced: (copies.append(1), real_copy(old, new, replaced))))
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G1: [_nq(G1, big, "keep")], G2: [_nq(G2, small, "old")]})
    copies.clear()
    store.replace_graphs({G2: [_nq(G2, 3, "new")]})
    assert (not copies) is reused
    assert store.count(G1) == big and store.count(G2) == 3
    assert {q.object.value for q in store.quads(G2)} == {"new0", "new1", "new2"}
    assert module.REMOVE_COST > 1


def test_turtle_parts_go_into_their_graph(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    ttl = GraphData(G1, ox.RdfFormat.TURTLE, data=b"<https://e.org/a> <https://e.org/b> 1 .")
    store.replace_graphs({G1: [ttl]})
    assert store.count(G1) == 1


def test_failure_mid_build_keeps_the_previous_graph(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G1: [_nq(G1, 3, "old")]})
    generation = store.generation()
    broken = GraphData(G1, ox.RdfFormat.N_QUADS, data=b"<not an iri> <p> <o> .\n")
    with pytest.raises(SyntaxError):
        store.replace_graphs({G1: [_nq(G1, 10, "new"), broken]})
    assert store.generation() == generation
    assert {q.object.value for q in store.quads(G1)} == {"old0", "old1", "old2"}
    assert not list((tmp_path / "s").glob("*.tmp"))  # the half-written generation is gone


def _slow_build(directory: str) -> None:
    store = OxigraphStore(Path(directory))
    big = _nq(G1, 400_000, "new")
    store.replace_graphs({G1: [big]})


def test_killed_build_leaves_previous_store_intact(tmp_path: Path) -> None:
    """A build process killed with SIGKILL mid-load: the old generation still serves."""
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G1: [_nq(G1, 3, "old")]})
    proc = multiprocessing.get_context("spawn").Process(target=_slow_build,
                                                         args=(str(tmp_path / "s"),))
    proc.start()
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "s").glob("*.tmp")):
        time.sleep(0.01)
    time.sleep(0.3)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    assert store.count(G1) == 3
    # The next build cleans the debris and works.
    store.replace_graphs({G2: [_nq(G2, 1, "x")]})
    assert store.count(G1) == 3 and store.count(G2) == 1
    assert not list((tmp_path / "s").glob("*.tmp"))


def test_concurrent_build_is_refused(tmp_path: Path) -> None:
    import fcntl

    store = OxigraphStore(tmp_path / "s")
    (tmp_path / "s").mkdir()
    with open(tmp_path / "s" / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="locked"):
            store.replace_graphs({G1: [_nq(G1, 1, "a")]})


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="dpgkg build"):
        OxigraphStore(tmp_path / "nothing").query("ASK {}")


def test_old_generations_are_pruned(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    for i in range(4):
        store.replace_graphs({G1: [_nq(G1, 1, str(i))]})
    gens = [p for p in (tmp_path / "s").iterdir() if p.name.startswith("gen-")]
    assert len(gens) == 2


def test_query_results(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "s")
    store.replace_graphs({G1: [_nq(G1, 2, "a")]})
    assert store.query("ASK { ?s ?p 'a1' }") is True
    rows = store.query("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")
    assert [r[0].value for r in rows] == ["a0", "a1"]  # type: ignore[attr-defined]


def test_optimized_generation_holds_the_same_graphs(tmp_path: Path) -> None:
    plain, merged = OxigraphStore(tmp_path / "a"), OxigraphStore(tmp_path / "b")
    plain.replace_graphs({G1: [_nq(G1, 50, "x")], G2: [_nq(G2, 7, "y")]})
    merged.replace_graphs({G1: [_nq(G1, 50, "x")], G2: [_nq(G2, 7, "y")]}, optimize=True)
    assert sorted(map(str, plain.quads())) == sorted(map(str, merged.quads()))
