"""Harvest benchmarks: dpgkg harvest against sources served on loopback by a second process.

  1. a generated DCAT catalogue of N datasets (default 10,000) as Turtle, 100 per page,
     Hydra paging (hydra:next), each dataset with ~12 triples and a blank-node distribution
     (target <= 30 s);
  2. a CKAN-Action-API-shaped source of N packages (package_search, rows/start paging)
     (target <= 30 s; needs dpgkg/catalogues/ckan.py, skipped with a message without it).

Printed: seconds, pages, datasets, peak RSS of this process after the step, and a baseline
run in the same invocation: the same pages fetched with requests and parsed into an
in-memory rdflib Graph (CKAN: JSON parsed, 6 triples a package added to an rdflib Graph);
ratio = baseline / dpgkg (> 1: dpgkg faster).

    python benchmarks/bench_harvest.py [--datasets 10000] [--page-size 100] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import rdflib
import requests

from dpgkg.catalogues.harvest import KINDS, harvest
from dpgkg.config import HarvestSettings, Settings

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def dcat_page(n: int, page: int, size: int) -> bytes:
    start, pages = (page - 1) * size, -(-n // size)
    out = [PREFIXES, "<https://bench.example/catalog> a dcat:Catalog ;\n"
           '    dcterms:title "Benchmark catalogue" .\n']
    for i in range(start, min(n, start + size)):
        ds = f"<https://bench.example/dataset/{i}>"
        out.append(
            f"<https://bench.example/catalog> dcat:dataset {ds} .\n"
            f'{ds} a dcat:Dataset ; dcterms:title "Dataset {i}" ;\n'
            f'    dcterms:description "Generated dataset number {i} for the benchmark." ;\n'
            f'    dcat:keyword "health", "k{i % 50}" ;\n'
            f"    dcterms:publisher <https://bench.example/org/{i % 100}> ;\n"
            f'    dcterms:issued "2024-01-01"^^xsd:date ;\n'
            f"    dcat:landingPage <https://bench.example/page/{i}> ;\n"
            f"    dcat:distribution [ a dcat:Distribution ;\n"
            f"        dcat:accessURL <https://bench.example/files/{i}.csv> ;\n"
            f'        dcat:mediaType "text/csv" ] .\n')
    view = f"<dcat?page={page}> a hydra:PartialCollectionView"  # rdflib mis-resolves "?q"
    out.append(view + (f" ; hydra:next <dcat?page={page + 1}> .\n" if page < pages else " .\n"))
    return "".join(out).encode()


def ckan_page(n: int, start: int, rows: int) -> bytes:
    results = [{
        "id": f"id-{i}", "name": f"package-{i}", "title": f"Package {i}",
        "notes": f"Generated package number {i} for the benchmark.",
        "url": f"https://bench.example/p/{i}", "license_id": "cc-by",
        "metadata_created": "2024-01-01T00:00:00", "metadata_modified": "2024-02-01T00:00:00",
        "organization": {"name": f"org-{i % 100}", "title": f"Organisation {i % 100}"},
        "tags": [{"name": "health"}, {"name": f"k{i % 50}"}],
        "resources": [{"id": f"r-{i}", "name": "data", "format": "CSV",
                       "url": f"https://bench.example/files/{i}.csv"}],
    } for i in range(start, min(n, start + rows))]
    return json.dumps({"success": True, "result": {"count": n, "results": results}}).encode()


def serve(port_out: Any, n: int, size: int) -> None:
    """The second process: a threaded loopback server generating pages on request."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/dcat":
                body, ctype = dcat_page(n, int(q.get("page", "1")), size), "text/turtle"
            elif parts.path.endswith("/package_search"):
                body = ckan_page(n, int(q.get("start", "0")), int(q.get("rows", "10")))
                ctype = "application/json"
            else:
                body, ctype = b"not found", "text/plain"
            self.send_response(200 if ctype != "text/plain" else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.put(httpd.server_address[1])
    httpd.serve_forever()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def baseline_dcat(url: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    g, pages, session = rdflib.Graph(), 0, requests.Session()
    next_url: str | None = url
    hydra_next = rdflib.URIRef("http://www.w3.org/ns/hydra/core#next")
    while next_url:
        resp = session.get(next_url, timeout=30)
        pages += 1
        page = rdflib.Graph().parse(data=resp.content, format="turtle", publicID=next_url)
        g += page
        nxt = next(page.objects(None, hydra_next), None)
        next_url = str(nxt) if nxt is not None else None
    n = len(set(g.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/dcat#Dataset"))))
    return time.perf_counter() - t0, pages, n


def baseline_ckan(base: str, rows: int) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    g, pages, start, session = rdflib.Graph(), 0, 0, requests.Session()
    dcat, dct = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.DCTERMS
    while True:
        data = session.get(f"{base}api/3/action/package_search",
                           params={"rows": rows, "start": start}, timeout=30).json()
        pages += 1
        results = data["result"]["results"]
        for p in results:
            ds = rdflib.URIRef(f"{base}dataset/{p['name']}")
            g.add((ds, rdflib.RDF.type, dcat.Dataset))
            g.add((ds, dct.title, rdflib.Literal(p["title"])))
            g.add((ds, dct.description, rdflib.Literal(p["notes"])))
            for t in p["tags"]:
                g.add((ds, dcat.keyword, rdflib.Literal(t["name"])))
            g.add((ds, dcat.landingPage, rdflib.URIRef(p["url"])))
        start += len(results)
        if not results or start >= data["result"]["count"]:
            break
    return time.perf_counter() - t0, pages, len(set(g.subjects(rdflib.RDF.type, dcat.Dataset)))


def run(label: str, source: str, kind: str, settings: Settings, page_size: int,
        baseline: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    report = harvest(source, settings, kind=kind, name=f"bench-{kind}", page_size=page_size,
                     resume=False)
    seconds = time.perf_counter() - t0
    rss = rss_mb()
    base_s, base_pages, base_n = baseline()
    row = {"case": label, "seconds": round(seconds, 2), "pages": report.pages,
           "datasets": report.datasets, "distributions": report.distributions,
           "problems": len(report.problems), "peak_rss_mb": round(rss, 1),
           "baseline_seconds": round(base_s, 2), "baseline_pages": base_pages,
           "baseline_datasets": base_n, "ratio": round(base_s / seconds, 2),
           "target_met": seconds <= 30}
    print(f"{label}: {seconds:.2f} s, {report.pages} pages, {report.datasets} datasets, "
          f"{report.distributions} distributions, {len(report.problems)} problems, "
          f"peak RSS {rss:.0f} MB | baseline (requests + rdflib in memory) {base_s:.2f} s, "
          f"{base_n} datasets | ratio baseline/dpgkg {base_s / seconds:.2f} | "
          f"target <= 30 s: {'met' if seconds <= 30 else 'MISSED'}", flush=True)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=int, default=10_000)
    ap.add_argument("--page-size", type=int, default=100)
    ap.add_argument("--json", type=Path, help="Also write the figures as JSON here.")
    args = ap.parse_args()
    ctx = mp.get_context("spawn")
    ports: Any = ctx.Queue()
    proc = ctx.Process(target=serve, args=(ports, args.datasets, args.page_size), daemon=True)
    proc.start()
    base = f"http://127.0.0.1:{ports.get(timeout=30)}/"
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="dpgkg-bench-harvest-") as tmp:
            settings = Settings(store=Path(tmp) / "store", cache=Path(tmp) / "cache",
                                harvest=HarvestSettings(timeout=30, retries=2))
            rows.append(run(f"DCAT Turtle, hydra paging, {args.datasets} datasets",
                            f"{base}dcat?page=1", "dcat", settings, args.page_size,
                            lambda: baseline_dcat(f"{base}dcat?page=1")))
            if "ckan" in KINDS:
                rows.append(run(f"CKAN package_search, {args.datasets} packages", base,
                                "ckan", settings, args.page_size,
                                lambda: baseline_ckan(base, args.page_size)))
            else:
                print("CKAN: skipped: dpgkg/catalogues/ckan.py (the ckan kind) is not "
                      "installed", flush=True)
    finally:
        proc.terminate()
        proc.join(5)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if all(r["target_met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
