"""W3C SPARQL 1.1 query evaluation tests: reading them and running them, embedded and
over HTTP (helper, not collected).

The tests are the ``mf:QueryEvaluationTest`` entries of EVAL_DIRS (``entailment/`` and
``service/`` are left out). Each test's dataset is loaded through the Graph Store Protocol
(``qt:data`` into the default graph, each ``qt:graphData`` into a named graph named by the
file's IRI), its query is sent to ``/sparql`` and the answer is compared with the expected
results (``w3c_results``). The same tests also run on an embedded in-memory pyoxigraph
store, the baseline the endpoint must not fall below. ``Endpoint`` is the client of the
server under test; the protocol runners (``w3c_protocol``) use it too.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib.namespace import RDF

from server.sparql_text import scan
from tests.w3c_manifest import MF, QT, Result, entries, file_path, ntriples, read_triples
from tests.w3c_results import (
    ACCEPT,
    RESULT_FORMATS,
    Answer,
    Solutions,
    compare,
    from_results,
    has_order_by,
    parse_response,
    read_result_set_graph,
)

EVAL_DIRS = ("aggregates", "bind", "bindings", "cast", "construct", "csv-tsv-res", "exists",
             "functions", "grouping", "json-res", "negation", "project-expression",
             "property-path", "subquery")


@dataclass(frozen=True)
class EvalTest:
    id: str
    name: str
    query: Path
    data: Path | None
    graph_data: tuple[Path, ...]
    result: Path

    @property
    def text(self) -> str:
        return self.query.read_text(encoding="utf-8")

    @property
    def form(self) -> str:
        return scan(self.text).form or "SELECT"

    @property
    def dataset(self) -> dict[str, Path]:
        """Graph ('' for the default graph) to the file that fills it."""
        out = {g.as_uri(): g for g in self.graph_data}
        if self.data is not None:
            out[""] = self.data
        return out

    def expected(self) -> Answer:
        suffix = self.result.suffix
        if suffix in RESULT_FORMATS:
            parsed = from_results(ox.parse_query_results(path=str(self.result),
                                                         format=RESULT_FORMATS[suffix]))
            if isinstance(parsed, Solutions):
                parsed.ordered = True
            return parsed
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return read_triples(self.result)
        return read_result_set_graph(self.result)

    def check(self, run: Callable[[EvalTest], Answer]) -> Result:
        try:
            actual = run(self)
            reason = compare(self.expected(), actual, has_order_by(self.text))
        except Exception as exc:  # a test failing must not stop the suite
            reason = f"{type(exc).__name__}: {str(exc)[:300]}"
        return Result(self.id, self.name, not reason, reason)


def eval_tests(root: Path) -> list[EvalTest]:
    """The query evaluation tests of EVAL_DIRS, in manifest order."""
    out = []
    for folder in EVAL_DIRS:
        for graph, entry in entries(root / folder / "manifest.ttl"):
            if (entry, RDF.type, MF.QueryEvaluationTest) not in graph:
                continue
            action = graph.value(entry, MF.action)
            data = graph.value(action, QT.data)
            out.append(EvalTest(
                str(entry), str(graph.value(entry, MF.name)),
                file_path(str(graph.value(action, QT.query))),
                file_path(str(data)) if data is not None else None,
                tuple(sorted(file_path(str(g)) for g in graph.objects(action, QT.graphData))),
                file_path(str(graph.value(entry, MF.result)))))
    return out


def embedded_answer(store: ox.Store) -> Callable[[EvalTest], Answer]:
    """Run a test on an in-memory pyoxigraph store (the engine without the endpoint)."""

    def run(test: EvalTest) -> Answer:
        store.clear()
        for graph, path in test.dataset.items():
            target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
            store.extend(ox.Quad(t.subject, t.predicate, t.object, target)
                         for t in read_triples(path))
        return from_results(store.query(test.text, base_iri=test.query.as_uri()))

    return run


def run_embedded(tests: Iterable[EvalTest]) -> list[Result]:
    run = embedded_answer(ox.Store())
    return [test.check(run) for test in tests]


class Endpoint:
    """A server under test: base URL and update token, with Graph Store helpers."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.session = requests.Session()
        self.loaded: dict[str, Path] = {}  # what this client put in the store

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def graph_url(self, graph: str) -> str:
        if not graph:
            return f"{self.url}/graph-store?default"
        return f"{self.url}/graph-store?graph={urllib.parse.quote(graph, safe='')}"

    def put(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        response = self.session.put(self.graph_url(graph), data=data,
                                    headers={**self.auth, "Content-Type": media_type})
        _expect(response, (200, 201, 204), f"PUT {graph or 'default graph'}")

    def delete(self, graph: str) -> None:
        response = self.session.delete(self.graph_url(graph), headers=self.auth)
        _expect(response, (200, 204, 404), f"DELETE {graph or 'default graph'}")

    def update(self, text: str) -> None:
        response = self.session.post(f"{self.url}/sparql", data=text.encode(), headers={
            **self.auth, "Content-Type": "application/sparql-update"})
        _expect(response, (200, 204), "update")
        self.loaded = {}

    def load(self, dataset: dict[str, Path]) -> None:
        """Make the store hold exactly DATASET, writing only the graphs that change."""
        for graph in [g for g in self.loaded if g not in dataset]:
            self.delete(graph)
            del self.loaded[graph]
        for graph, path in dataset.items():
            if self.loaded.get(graph) != path:
                self.put(graph, ntriples(path))
                self.loaded[graph] = path

    def answer(self, test: EvalTest) -> Answer:
        """Load TEST's dataset through the Graph Store Protocol and ask its query."""
        self.load(test.dataset)
        suffix = test.result.suffix
        if test.form in ("CONSTRUCT", "DESCRIBE"):
            accept = "text/turtle"
        else:
            accept = ACCEPT.get(suffix, "application/sparql-results+json")
        # The protocol has no base IRI parameter: a BASE declaration before the query's own
        # prologue resolves its relative IRIs against the query file, as the suite expects.
        body = f"BASE <{test.query.as_uri()}>\n{test.text}".encode()
        response = self.session.post(f"{self.url}/sparql", data=body, headers={
            "Content-Type": "application/sparql-query", "Accept": accept})
        _expect(response, (200,), "query")
        return parse_response(response)


def _expect(response: requests.Response, statuses: tuple[int, ...], what: str) -> None:
    if response.status_code not in statuses:
        raise AssertionError(f"{what}: HTTP {response.status_code}: {response.text[:300]}")


def run_http(endpoint: Endpoint, tests: Sequence[EvalTest]) -> list[Result]:
    """Run TESTS through the endpoint, grouped by dataset so each is loaded once."""
    order = sorted(range(len(tests)), key=lambda i: sorted(
        (g, str(p)) for g, p in tests[i].dataset.items()))
    results: dict[int, Result] = {}
    endpoint.update("DROP ALL")  # start from an empty store, whatever ran before
    for i in order:
        results[i] = tests[i].check(endpoint.answer)
    return [results[i] for i in range(len(tests))]

