"""Validation benchmarks: dpgkg's per-record engine against whole-graph pySHACL.

Figures printed (wall seconds):
  1. the full real registry, end to end from its JSON folder (target <= 2 s);
  2. synthetic registries (benchmarks/synthetic.py): records already read and mapped (as
     ``dpgkg validate`` has them after reading JSON), then per-record subgraphs validated
     in batches in a process pool
     (target: 100,000 records <= 60 s), and end to end from JSON for comparison;
  3. one whole-graph pySHACL run on the largest N it finishes within --pyshacl-budget
     seconds, and the ratio against dpgkg on the same N;
  4. peak memory of this process and of the worker processes.

    python benchmarks/bench_validate.py [--registry DIR] [--sizes 1000 10000 100000]
                                        [--pyshacl-sizes 1000 2000 5000] [--pyshacl-budget 300]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate

from dpgkg.namespaces import IRIs
from dpgkg.validation.inputs import Inputs, collect
from dpgkg.validation.run import validate_index_of, validate_paths
from dpgkg.validation.shapes import ShapesGraph
from dpgkg.validation.subgraphs import BlockIndex

ROOT = Path(__file__).resolve().parent.parent


def dataset(registry: Path) -> tuple[ox.Store, Inputs]:
    """The registry read and mapped as ``dpgkg validate`` does (per-record blocks), and
    the same triples in a store for pySHACL."""
    inputs = collect([registry], IRIs())
    text = "".join(line for _, lines in inputs.blocks for line in lines)
    store = ox.Store()
    store.bulk_load(text.encode(), ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(IRIs().graph("registry")))
    return store, inputs


def timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def pyshacl_whole_graph(store: ox.Store, shapes: ShapesGraph) -> float:
    import pyshacl
    import rdflib

    nt = store.dump(format=ox.RdfFormat.N_TRIPLES,
                    from_graph=ox.NamedNode(IRIs().graph("registry")))
    graph = rdflib.Graph().parse(data=nt.decode(), format="nt")
    seconds, _ = timed(lambda: pyshacl.validate(graph, shacl_graph=shapes.graph,
                                                inference="none", allow_warnings=True))
    return seconds


def mb(kb: int) -> float:
    return kb / 1024


def main() -> None:
    shared = ROOT.parent / "shared" / "data"
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=Path, default=shared / "dpg-registry")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--pyshacl-sizes", type=int, nargs="*", default=[1_000, 2_000, 5_000])
    parser.add_argument("--pyshacl-budget", type=float, default=300.0)
    args = parser.parse_args()
    shapes = ShapesGraph.load()
    if args.registry.is_dir():
        seconds, report = timed(lambda: validate_paths([args.registry], shapes, IRIs()))
        print(f"real registry, from JSON: {seconds:6.2f} s for {len(report.records)} records "
              f"(target <= 2 s: {'met' if seconds <= 2 else 'MISSED'})", flush=True)
    engine_times: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="dpgkg-bench-") as tmp:
        for n in sorted(set(args.sizes) | set(args.pyshacl_sizes)):
            data_dir = generate(Path(tmp) / f"synthetic-{n}", n)
            store, inputs = dataset(data_dir)
            seconds, report = timed(lambda i=inputs: validate_index_of(
                BlockIndex(i.blocks), shapes, i.problems, IRIs()))
            engine_times[n] = seconds
            line = (f"synthetic {n:>7,}: dpgkg {seconds:7.2f} s "
                    f"({n / seconds:,.0f} records/s, {len(report.records):,} records)")
            if n in args.pyshacl_sizes:
                ref = pyshacl_whole_graph(store, shapes)
                line += f"; whole-graph pySHACL {ref:7.2f} s, ratio {ref / seconds:6.1f}x"
                if ref > args.pyshacl_budget:
                    args.pyshacl_sizes = [m for m in args.pyshacl_sizes if m <= n]
            if n in args.sizes and n >= 10_000:
                e2e, _ = timed(lambda d=data_dir: validate_paths([d], shapes, IRIs()))
                line += f"; end to end from JSON {e2e:7.2f} s"
            print(line, flush=True)
            if n == 100_000:
                print(f"  100k target <= 60 s: {'met' if seconds <= 60 else 'MISSED'}")
            del store
            shutil.rmtree(data_dir, ignore_errors=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS: this process {mb(own):.0f} MB, largest worker {mb(kids):.0f} MB")


if __name__ == "__main__":
    main()
