"""Endpoint benchmark: dpgkg serve against `oxigraph serve-read-only` and rdflib-endpoint.

One invocation builds the real registry into a store, starts the three servers on loopback
over the same data (dpgkg and Oxigraph on the same store files, rdflib-endpoint on an
N-Quads dump of it), checks they answer the named-query mix alike, then drives each with
wrk (a second process) and prints throughput, p50/p99 latency and the ratios:

  * repeated mix: the named queries (full SPARQL text, PREFIX lines included) in turn;
  * unique mix: the same queries made unique by a numbered comment (no cache can help).

Targets (issue 4): dpgkg >= 1.0x Oxigraph on the repeated mix, >= 0.7x on unique queries,
>= 10x rdflib-endpoint; the dpgkg server (all its processes) serving the full registry in
<= 200 MB RSS.

    python benchmarks/bench_serve.py [--registry DIR] [--sdg DIR] [--seconds 10]
                                     [--connections 8] [--json FILE]

Needs wrk (Debian: apt-get install wrk) and the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

from dpgkg.build import build
from dpgkg.config import Settings
from dpgkg.namespaces import PREFIXES
from dpgkg.query import named_queries, substitute, typed_params

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PARAMS = {"dpgs-deployed-in-country": {"country": "KEN"},
          "dpgs-failing-indicator": {"indicator": "9"}}


def mix() -> list[str]:
    """The named queries as standalone SPARQL (declared prefixes, parameters filled in)."""
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    out = []
    for name, q in named_queries().items():
        text = substitute(q.text, typed_params(q, PARAMS.get(name, {})))
        out.append(header + text)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {url}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def tree_memory(pid: int) -> tuple[float, float]:
    """RSS and PSS (MB) of PID and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() \
                else []
            todo.extend(int(c) for c in children)
    rss = pss = 0.0
    for p in pids:
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) / 1024  # type: ignore
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024  # type: ignore
    return rss, pss


LUA = """
local paths = {%s}
local n = 0
local unique = %s
request = function()
  n = n + 1
  local path = paths[(n %% #paths) + 1]
  if unique then path = path .. "%%0A%%23" .. wrk.thread_id .. "-" .. n end
  return wrk.format("GET", path, {["Accept"] = "application/sparql-results+json"})
end
init = function(args) wrk.thread_id = tostring(math.random(1, 1000000)) end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%f %%f %%f %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def wrk(base: str, path: str, queries: list[str], unique: bool, seconds: int,
        connections: int, work: Path) -> dict[str, float]:
    paths = ", ".join(f'"{path}?query={quote(q, safe="")}"' for q in queries)
    script = work / f"mix-{unique}.lua"
    script.write_text(LUA % (paths, "true" if unique else "false"))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                          "-s", str(script), base], capture_output=True, text=True, check=True)
    m = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out.stdout)
    if not m:
        raise RuntimeError(f"wrk printed no result:\n{out.stdout}\n{out.stderr}")
    reqs, micros, p50, p99, mean, errors = m.groups()
    return {"requests": int(reqs), "rps": int(reqs) / (int(micros) / 1e6),
            "p50_ms": float(p50) / 1000, "p99_ms": float(p99) / 1000,
            "mean_ms": float(mean) / 1000, "errors": int(errors)}


def result_counts(url: str, queries: list[str]) -> list[int | str]:
    """Rows per query (or the HTTP status when a server cannot answer one)."""
    counts: list[int | str] = []
    for q in queries:
        r = requests.post(url, data={"query": q}, timeout=300,
                          headers={"Accept": "application/sparql-results+json"})
        counts.append(len(r.json()["results"]["bindings"]) if r.ok else f"HTTP {r.status_code}")
    return counts


def main() -> None:
    shared = Path(os.environ.get("DPGKG_SHARED_DATA") or ROOT.parent / "shared" / "data")
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", type=Path, default=shared / "dpg-registry")
    parser.add_argument("--sdg", type=Path, default=shared / "sdg")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    queries = mix()
    procs: list[subprocess.Popen[bytes]] = []
    figures: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="dpgkg-bench-serve-") as tmp:
        work = Path(tmp)
        store = work / "store"
        build(Settings(registry=str(args.registry), sdg=str(args.sdg), store=store,
                       cache=work / "cache"))
        generation = (store / "current").resolve()
        dump = work / "all.nq"
        subprocess.run([str(BIN / "dpgkg"), "export", "--store", str(store), "--format", "nq",
                        "--out", str(dump)], check=True)
        servers = {}
        port = free_port()
        procs.append(subprocess.Popen(
            [str(BIN / "dpgkg"), "serve", "--store", str(store), "--port", str(port),
             "--workers", "2"], env={**os.environ, "DPGKG_CACHE": str(work / "c"),
                                     "DPGKG_QUERY_TIMEOUT": "60"}, stderr=subprocess.DEVNULL))
        servers["dpgkg"] = (f"http://127.0.0.1:{port}", "/sparql", procs[-1])
        port = free_port()
        procs.append(subprocess.Popen(
            [str(BIN / "oxigraph"), "serve-read-only", "--location", str(generation), "--bind",
             f"127.0.0.1:{port}", "--union-default-graph"], stderr=subprocess.DEVNULL))
        servers["oxigraph"] = (f"http://127.0.0.1:{port}", "/query", procs[-1])
        port = free_port()
        procs.append(subprocess.Popen(
            [str(BIN / "rdflib-endpoint"), "serve", str(dump), "--host", "127.0.0.1", "--port",
             str(port)], stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL))
        servers["rdflib-endpoint"] = (f"http://127.0.0.1:{port}", "/", procs[-1])
        try:
            for base, path, proc in servers.values():
                wait_ready(base + path, proc, 300)
            expected = result_counts(servers["dpgkg"][0] + "/sparql", queries)
            for name, (base, path, _) in servers.items():
                got = result_counts(base + path, queries)
                print(f"{name:16} result rows per query: {got}"
                      f"{'' if got == expected else '  (DIFFERS from dpgkg)'}")
            for name, (base, path, proc) in servers.items():
                figures[name] = {}
                for unique in (False, True):
                    label = "unique" if unique else "repeated"
                    f = wrk(base, path, queries, unique, args.seconds, args.connections, work)
                    figures[name][label] = f
                    print(f"{name:16} {label:8} {f['rps']:9.1f} req/s  p50 {f['p50_ms']:8.2f} ms"
                          f"  p99 {f['p99_ms']:8.2f} ms  errors {f['errors']}", flush=True)
                rss, pss = tree_memory(proc.pid)
                figures[name]["memory_mb"] = {"rss": rss, "pss": pss}
                print(f"{name:16} memory after the run: RSS {rss:.0f} MB, PSS {pss:.0f} MB "
                      "(server and all its processes)")
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    ours, ox_, rl = figures["dpgkg"], figures["oxigraph"], figures["rdflib-endpoint"]

    def ratio(a: dict[str, object], b: dict[str, object], kind: str) -> float:
        return a[kind]["rps"] / b[kind]["rps"]  # type: ignore[index,no-any-return]

    checks = [
        ("repeated mix vs oxigraph", ratio(ours, ox_, "repeated"), 1.0),
        ("unique mix vs oxigraph", ratio(ours, ox_, "unique"), 0.7),
        ("repeated mix vs rdflib-endpoint", ratio(ours, rl, "repeated"), 10.0),
        ("unique mix vs rdflib-endpoint", ratio(ours, rl, "unique"), 10.0),
    ]
    for label, value, target in checks:
        print(f"{label:34} {value:7.2f}x (target >= {target:g}x: "
              f"{'met' if value >= target else 'MISSED'})")
    rss = ours["memory_mb"]["rss"]  # type: ignore[index]
    print(f"dpgkg RSS serving the full registry: {rss:.0f} MB (target <= 200 MB: "
          f"{'met' if rss <= 200 else 'MISSED'})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
