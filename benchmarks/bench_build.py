"""Build benchmarks: dpgkg (Oxigraph on disk) against an rdflib in-memory baseline.

Figures printed (wall seconds; ratio = baseline / dpgkg, so > 1 means dpgkg is faster).
Builds run with --no-validate (the build these targets were set for); the real registry is
also built with its validation graph:
  1. the full real registry + SDG vocabulary into the store (target <= 3 s);
  2. synthetic registries (benchmarks/synthetic.py) of 10,000 and 100,000 records
     (target: 100k <= 120 s, and 100k time / 10k time <= 11).
The baseline runs in the same invocation: the same read and mapping, then the N-Quads
parsed into an in-memory rdflib Dataset instead of bulk-loaded into Oxigraph.

    python benchmarks/bench_build.py [--registry DIR] [--sdg DIR] [--sizes 10000 100000]
                                     [--baseline-max 100000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate

from dpgkg.build import build, map_registry
from dpgkg.config import Settings
from dpgkg.namespaces import IRIs
from dpgkg.registry.reader import read_registry
from dpgkg.sdg import resolve_sdg

ROOT = Path(__file__).resolve().parent.parent


def dpgkg_build(registry: Path, sdg: Path | None, work: Path, validate: bool = False
                ) -> dict[str, float]:
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    t = time.perf_counter()
    report = build(Settings(registry=str(registry), sdg=str(sdg) if sdg else None, store=store,
                            cache=work / "cache"), validate=validate)
    wall = time.perf_counter() - t
    return {"seconds": wall, "records": report.records, "quads": report.quads,
            "errors": len(report.problems.errors)}


def rdflib_build(registry: Path, sdg: Path | None) -> dict[str, float]:
    """The same read + mapping, parsed into an in-memory rdflib Dataset."""
    t = time.perf_counter()
    batch = read_registry(registry)
    out, _ = map_registry(batch, IRIs(), IRIs().graph("registry"))
    ds = rdflib.Dataset()
    ds.parse(data=out.data(), format="nquads")
    graph = ds.graph(rdflib.URIRef(IRIs().graph("sdg")))
    for part in resolve_sdg(str(sdg) if sdg else None, IRIs().graph("sdg")).parts:
        if part.path is not None:
            graph.parse(part.path, format="turtle" if part.path.suffix == ".ttl" else None)
        else:
            graph.parse(data=part.data, format="turtle")
    return {"seconds": time.perf_counter() - t, "quads": len(ds)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row(label: str, ours: dict[str, float], base: dict[str, float] | None) -> dict[str, object]:
    ratio = (base["seconds"] / ours["seconds"]) if base else None
    base_s = f"{base['seconds']:8.2f} s" if base else "   (skipped)"
    ratio_s = f"{ratio:6.1f}x" if ratio else "   n/a"
    print(f"{label:38} dpgkg {ours['seconds']:8.2f} s   rdflib {base_s}   ratio {ratio_s}"
          f"   quads {int(ours['quads']):>10,}", flush=True)
    return {"label": label, "dpgkg": ours, "rdflib": base, "ratio": ratio}


def main() -> None:
    shared = ROOT.parent / "shared" / "data"
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=Path, default=shared / "dpg-registry")
    parser.add_argument("--sdg", type=Path, default=shared / "sdg")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--baseline-max", type=int, default=10_000,
                        help="largest synthetic size also built with rdflib (it is slow)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="dpgkg-bench-") as tmp:
        work = Path(tmp)
        if args.registry.is_dir():
            sdg = args.sdg if args.sdg.is_dir() else None
            ours = dpgkg_build(args.registry, sdg, work)
            base = rdflib_build(args.registry, sdg)
            results.append(row("real registry + SDG vocabulary", ours, base))
            print(f"  target <= 3 s: {'met' if ours['seconds'] <= 3 else 'MISSED'}")
            checked = dpgkg_build(args.registry, sdg, work, validate=True)
            results.append(row("  the same, with validation graph", checked, base))
        else:
            print(f"real registry not found at {args.registry}: skipped")
        times: dict[int, float] = {}
        for n in args.sizes:
            data = generate(work / f"synthetic-{n}", n)
            ours = dpgkg_build(data, None, work)
            base = rdflib_build(data, None) if n <= args.baseline_max else None
            results.append(row(f"synthetic {n:,} records", ours, base))
            times[n] = ours["seconds"]
            shutil.rmtree(data, ignore_errors=True)
        if 10_000 in times and 100_000 in times:
            growth = times[100_000] / times[10_000]
            print(f"100k / 10k time: {growth:.2f} (target <= 11: "
                  f"{'met' if growth <= 11 else 'MISSED'}); 100k target <= 120 s: "
                  f"{'met' if times[100_000] <= 120 else 'MISSED'}")
        print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
