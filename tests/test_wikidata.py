"""``dpgkg link wikidata`` against a real local SPARQL server (``oxigraph serve``).

The server holds tests/fixtures/wikidata/items.ttl (Wikidata-shaped items for the fixture
registry's records, plus decoys); a small counting proxy in front of it can answer 429/500
first, to exercise the retries.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from dpgkg import __version__
from dpgkg.catalogues import wikidata_cli
from dpgkg.catalogues.link_group import link_group
from dpgkg.catalogues.wikidata import (
    DEFAULT_ENDPOINT,
    Endpoint,
    EndpointError,
    align,
    label_key,
    url_key,
    url_variants,
)
from dpgkg.config import Settings
from dpgkg.namespaces import IRIs
from dpgkg.store import OxigraphStore
from tests.conftest import free_port

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "wikidata" / "items.ttl"
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
IRIS = IRIs()
WD = "http://www.wikidata.org/entity/"
EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"
CLOSE = "http://www.w3.org/2004/02/skos/core#closeMatch"
OPEN_CLINIC, RAIN_ATLAS = IRIS.record("open-clinic"), IRIS.record("rain-atlas")
FOUNDATION = IRIS.organization("open-clinic-foundation")
FUND = IRIS.organization("health-fund")


# -- the servers -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sparql_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on loopback with the fixture loaded; yields its query URL."""
    if not OXIGRAPH.is_file():
        pytest.skip(f"no oxigraph server binary at {OXIGRAPH}: install the pip package "
                    "'oxigraph' (test extra)")
    location = tmp_path_factory.mktemp("wikidata-server")
    subprocess.run([str(OXIGRAPH), "load", "--location", str(location), "--file", str(FIXTURE)],
                   check=True, capture_output=True, timeout=60)
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph serve did not start: {process.stderr.read()!r}")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


class Proxy:
    """Forwards to the SPARQL server, counting requests; answers FAILURES first."""

    def __init__(self, upstream: str, failures: list[tuple[int, dict[str, str]]]) -> None:
        self.upstream, self.failures = upstream, list(failures)
        self.queries: list[str] = []
        self.agents: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.agents.append(self.headers.get("User-Agent", ""))
                proxy.queries.append(parse_qs(body.decode()).get("query", [""])[0])
                if proxy.failures:
                    status, headers = proxy.failures.pop(0)
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                request = urllib.request.Request(proxy.upstream, data=body, headers={
                    "Content-Type": self.headers["Content-Type"],
                    "Accept": self.headers.get("Accept", "*/*")})
                with urllib.request.urlopen(request, timeout=30) as answer:
                    data = answer.read()
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.headers["Content-Type"])
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/query"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def proxy(sparql_server: str) -> Iterator[Proxy]:
    p = Proxy(sparql_server, [])
    yield p
    p.close()


@pytest.fixture()
def store(tmp_path: Path, fixture_store: Path) -> OxigraphStore:
    """A private copy of the fixture registry's store (the alignment writes to it)."""
    target = tmp_path / "store"
    shutil.copytree(fixture_store, target, symlinks=True)
    return OxigraphStore(target)


def rows(store: OxigraphStore, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(t.value for t in row) for row in store.query(sparql)}  # type: ignore


# -- normalisation -----------------------------------------------------------------------
@pytest.mark.parametrize(("a", "b"), [
    ("https://www.Example.org/", "http://example.org"),
    ("https://github.com/Owner/Repo.git", "git@github.com:owner/repo"),
    ("https://github.com/owner/repo/tree/main/src", "github.com/owner/repo/"),
    ("https://gitlab.com/group/sub/project/-/tree/main", "https://gitlab.com/group/sub/project"),
    ("https://example.org/a//b/?x=1#top", "https://example.org/a/b"),
])
def test_url_keys_equal(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_url_keys_differ() -> None:
    assert url_key("https://example.org.evil.example/") != url_key("https://example.org/")
    assert url_key("https://example.org/a") != url_key("https://example.org/b")
    assert url_key("not a url at all") is None or " " in (url_key("not a url at all") or "")


def test_variants_and_labels() -> None:
    variants = url_variants("https://github.com/Owner/Repo", repository=True)
    assert {"https://github.com/Owner/Repo", "https://github.com/owner/repo.git",
            "http://www.github.com/owner/repo/"} <= variants
    assert url_variants("https://a.example/x/y", root=True) >= {"https://a.example/"}
    assert label_key("Open-Clinic  FOUNDATION") == label_key("open clinic foundation")
    assert label_key("Clínica") == "clinica"
    assert wikidata_cli.DEFAULT_ENDPOINT == DEFAULT_ENDPOINT


# -- alignment against the real server -----------------------------------------------
def test_alignment(store: OxigraphStore, proxy: Proxy) -> None:
    report = align(store, IRIS, Endpoint(proxy.url, retries=0), batch_size=2)
    graph = IRIS.graph("wikidata")
    plain = rows(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o "
                        f"FILTER(?p IN (<{EXACT}>, <{CLOSE}>)) }} }}")
    assert plain == {(OPEN_CLINIC, EXACT, WD + "Q900001"), (FOUNDATION, EXACT, WD + "Q900002"),
                     (RAIN_ATLAS, CLOSE, WD + "Q900004")}
    links = rows(store, f"""SELECT ?s ?p ?o ?rule ?field ?text ?conf ?status WHERE {{
        GRAPH <{graph}> {{ ?l a dpg:Link ; dpg:linkSubject ?s ; dpg:linkPredicate ?p ;
        dpg:linkObject ?o ; dpg:rule ?rule ; dpg:matchedField ?field ; dpg:matchedText ?text ;
        dpg:confidence ?conf ; dpg:reviewStatus ?status ; prov:generatedAtTime [] }} }}""")
    assert links == {
        (OPEN_CLINIC, EXACT, WD + "Q900001", "wikidata-repository", "repositoryURL",
         "https://git.example.org/open-clinic/core", "0.95", "accepted"),
        (FOUNDATION, EXACT, WD + "Q900002", "wikidata-website", "website",
         "https://open-clinic.example.org/foundation", "0.9", "accepted"),
        (RAIN_ATLAS, CLOSE, WD + "Q900004", "wikidata-label", "name", "Rain Atlas", "0.7",
         "accepted"),
        # Same website, another name: weaker evidence, left for review (no plain triple).
        (FUND, CLOSE, WD + "Q900003", "wikidata-website", "website", "https://fund.example.org",
         "0.6", "pending"),
    }
    # Decoys (namesakes elsewhere, look-alike host, repository on another host) and the
    # wrong kind (the software for its organisation and the reverse) are not linked.
    linked = {o for _, _, o, *_ in links}
    assert not linked & {WD + q for q in ("Q900005", "Q900006", "Q900007")}
    # Batches: 4 subjects by 2 = 2 candidate queries; 6 candidates by 2 = 3 detail queries.
    assert report.subjects == 4 and report.candidates == 6
    assert report.requests == len(proxy.queries) == 5
    assert all("VALUES" in q for q in proxy.queries)
    assert set(proxy.agents) == {f"dpgkg/{__version__} (+https://w3id.org/dpgkg)"}
    # PROV: the endpoint, the time, the counts.
    prov = rows(store, f"""SELECT ?src ?n WHERE {{ GRAPH <{graph}> {{ <{graph}>
        prov:wasDerivedFrom ?src ; prov:generatedAtTime [] ; dpg:recordCount ?n .
        ?src dpg:sourceLocation ?loc }} }}""")
    assert prov == {(proxy.url, "2")}
    counts = rows(store, f"""SELECT ?pred ?n WHERE {{ GRAPH <{graph}> {{
        [] a void:Linkset ; void:linkPredicate ?pred ; void:triples ?n }} }}""")
    assert counts == {(EXACT, "2"), (CLOSE, "1")}


def test_one_batch_and_realignment_replaces(store: OxigraphStore, proxy: Proxy) -> None:
    align(store, IRIS, Endpoint(proxy.url), batch_size=100)
    first = store.count(IRIS.graph("wikidata"))
    report = align(store, IRIS, Endpoint(proxy.url), batch_size=100)
    assert report.requests == 2  # one candidate query, one detail query
    assert store.count(IRIS.graph("wikidata")) == first  # replaced, not added to


def test_retries_429_and_500(store: OxigraphStore, sparql_server: str) -> None:
    flaky = Proxy(sparql_server, [(429, {"Retry-After": "3"}), (500, {}), (503, {})])
    waits: list[float] = []
    try:
        report = align(store, IRIS, Endpoint(flaky.url, backoff=0.5, sleep=waits.append), 100)
    finally:
        flaky.close()
    assert waits == [3.0, 1.0, 2.0]  # Retry-After honoured, then exponential backoff
    assert report.requests == len(flaky.queries) == 5
    assert report.count("exactMatch") == 2


def test_gives_up_after_retries(store: OxigraphStore, sparql_server: str) -> None:
    broken = Proxy(sparql_server, [(503, {})] * 3)
    before = store.generation()
    try:
        with pytest.raises(EndpointError, match="after 3 attempts"):
            align(store, IRIS, Endpoint(broken.url, retries=2, sleep=lambda _s: None), 100)
    finally:
        broken.close()
    assert store.generation() == before


def test_bad_query_is_not_retried(sparql_server: str) -> None:
    endpoint = Endpoint(sparql_server, sleep=lambda _s: pytest.fail("retried"))
    with pytest.raises(EndpointError):
        endpoint.select("SELECT nonsense")
    assert endpoint.requests == 1


# -- the command -------------------------------------------------------------------------
def test_cli(store: OxigraphStore, proxy: Proxy) -> None:
    result = CliRunner().invoke(link_group, ["wikidata", "--endpoint", proxy.url, "--store",
                                             str(store.directory), "--batch-size", "3"],
                                obj=Settings())
    assert result.exit_code == 0, result.output
    assert "2 exactMatch, 2 closeMatch (1 pending review)" in result.output
    assert len(proxy.queries) == 2 + 2  # ceil(4/3) candidate + ceil(6/3) detail queries


def test_cli_unreachable_endpoint(store: OxigraphStore) -> None:
    before = store.generation()
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    result = CliRunner().invoke(link_group, ["wikidata", "--endpoint", url, "--store",
                                             str(store.directory)], obj=Settings())
    assert result.exit_code == 2, result.output
    assert "cannot query the endpoint" in result.output and url in result.output
    assert store.generation() == before
    assert IRIS.graph("wikidata") not in store.named_graphs()


def test_cli_no_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(link_group, ["wikidata", "--store", str(tmp_path / "none")],
                                obj=Settings())
    assert result.exit_code == 2 and "no store" in result.output
