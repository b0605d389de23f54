"""Runners for the W3C SPARQL 1.1 test suite against the endpoint (helper, not collected).

* Protocol (``protocol/``), Graph Store Protocol (``graph-store-protocol/``) and service
  description (``service-description/``) tests replay their HTTP exchanges against a real
  server with ``requests``: manifest paths ``/sparql/`` become the server's ``/sparql`` and
  ``/gsp`` its ``/graph-store``.
* Query evaluation tests (``mf:QueryEvaluationTest`` outside ``entailment/`` and
  ``service/``): each test's dataset is loaded through the Graph Store Protocol (``qt:data``
  into the default graph, each ``qt:graphData`` into a named graph named by the file's IRI),
  its query is sent to ``/sparql`` and the answer is compared with the expected results
  (blank nodes up to isomorphism, order only when the query has a top-level ORDER BY,
  numeric literals of one datatype by value). The same tests also run on an embedded
  in-memory pyoxigraph store, the baseline the endpoint must not fall below.

File IRIs (``file:///...``) name the suite's files, as rdflib resolves the manifests.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
import requests
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from server.sparql_text import scan, tokens

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
SD = "http://www.w3.org/ns/sparql-service-description#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
XSD = "http://www.w3.org/2001/XMLSchema#"

SUITE = "w3c-sparql11"
EVAL_DIRS = ("aggregates", "bind", "bindings", "cast", "construct", "csv-tsv-res", "exists",
             "functions", "grouping", "json-res", "negation", "project-expression",
             "property-path", "subquery")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]


def _value(term: Term) -> str:
    return "" if isinstance(term, ox.Triple) else term.value


@dataclass
class Result:
    """One test's outcome."""

    id: str
    name: str
    passed: bool
    reason: str = ""

    @property
    def key(self) -> str:
        """``folder/name`` (from the test IRI), stable across checkouts."""
        folder = self.id.split("/data-sparql11/", 1)[-1].split("/", 1)[0]
        return f"{folder}/{self.id.rsplit('#', 1)[-1]}"


def summary(results: Sequence[Result]) -> tuple[int, list[str]]:
    """Passed count and ``key: reason`` lines of the failures."""
    return (sum(r.passed for r in results),
            [f"{r.key}: {r.reason}" for r in results if not r.passed])


# -- manifests ---------------------------------------------------------------------------
@cache
def manifest(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return graph


def _list(graph: rdflib.Graph, node: object) -> list[rdflib.term.Node]:
    if node is None:
        return []
    return list(Collection(graph, node))  # type: ignore[arg-type]


def _entries(path: Path) -> Iterator[tuple[rdflib.Graph, rdflib.term.Node]]:
    """The entries of a manifest and of the manifests it includes, in manifest order."""
    graph = manifest(path)
    for top in graph.subjects(RDF.type, MF.Manifest):
        for included in _list(graph, graph.value(top, MF.include)):
            yield from _entries(file_path(str(included)))
        for entry in _list(graph, graph.value(top, MF.entries)):
            yield graph, entry


def file_path(iri: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(iri).path))


def rdf_format(path: Path) -> ox.RdfFormat:
    return {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
            ".rdf": ox.RdfFormat.RDF_XML}[path.suffix]


def read_triples(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=rdf_format(path),
                                       base_iri=path.as_uri())]


def ntriples(path: Path) -> bytes:
    """A data file as N-Triples: relative IRIs resolved against the file, nothing else."""
    return ox.serialize(read_triples(path), format=ox.RdfFormat.N_TRIPLES) or b""


# -- comparing results -------------------------------------------------------------------
_INTEGERS = {f"{XSD}{t}" for t in (
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger")}
_NUMERIC = {f"{XSD}decimal", f"{XSD}float", f"{XSD}double"}

Key = tuple[object, ...]


def term_key(term: Term) -> Key:
    """A comparable key for a term.

    Numeric and boolean literals compare by value within their primitive datatype (every
    xsd:integer-derived type counts as xsd:integer): the store keeps them in canonical
    form, so "0.0"^^xsd:decimal comes back as "0"^^xsd:decimal and "0"^^xsd:boolean as
    "false"^^xsd:boolean, both the same value. Every other literal compares exactly.
    """
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        lexical = term.value.strip()
        if datatype == f"{XSD}boolean" and lexical in ("true", "false", "1", "0"):
            return ("bool", lexical in ("true", "1"))
        if datatype in _INTEGERS or datatype in _NUMERIC:
            family = f"{XSD}integer" if datatype in _INTEGERS else datatype
            try:
                value = Decimal(lexical)
            except InvalidOperation:
                return ("lit", term.value, datatype, "")
            return ("num", family, str(value.normalize()) if value.is_finite() else str(value))
        return ("lit", term.value, datatype, term.language or "")
    return ("triple", term_key(term.subject), term_key(term.predicate),
            term_key(term.object))


def _bnodes(row: Sequence[Key | None]) -> bool:
    return any(k is not None and k[0] == "bnode" for k in row)


def _unify(a: Sequence[Key | None], b: Sequence[Key | None],
           fwd: dict[object, object], back: dict[object, object]
           ) -> tuple[dict[object, object], dict[object, object]] | None:
    """Extend the blank-node bijection so row A maps onto row B, or None."""
    fwd, back = dict(fwd), dict(back)
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            if x is not y:
                return None
        elif x[0] == "bnode" and y[0] == "bnode":
            if fwd.setdefault(x[1], y[1]) != y[1] or back.setdefault(y[1], x[1]) != x[1]:
                return None
        elif x != y:
            return None
    return fwd, back


def isomorphic(expected: list[tuple[Key | None, ...]], actual: list[tuple[Key | None, ...]],
               ordered: bool = False) -> bool:
    """Equal row multisets (sequences if ORDERED) up to a renaming of blank nodes."""
    if len(expected) != len(actual):
        return False
    if ordered:
        maps: tuple[dict[object, object], dict[object, object]] | None = ({}, {})
        for a, b in zip(expected, actual, strict=True):
            assert maps is not None
            maps = _unify(a, b, *maps)
            if maps is None:
                return False
        return True
    ground_e = Counter(r for r in expected if not _bnodes(r))
    ground_a = Counter(r for r in actual if not _bnodes(r))
    if ground_e != ground_a:
        return False
    rest_e = [r for r in expected if _bnodes(r)]
    rest_a = [r for r in actual if _bnodes(r)]

    def search(i: int, used: list[bool], fwd: dict[object, object],
               back: dict[object, object]) -> bool:
        if i == len(rest_e):
            return True
        for j, row in enumerate(rest_a):
            if used[j]:
                continue
            maps = _unify(rest_e[i], row, fwd, back)
            if maps is not None:
                used[j] = True
                if search(i + 1, used, *maps):
                    return True
                used[j] = False
        return False

    return search(0, [False] * len(rest_a), {}, {})


@dataclass
class Solutions:
    variables: list[str]
    rows: list[Row]
    ordered: bool = False


Answer = bool | Solutions | list[ox.Triple]


def from_results(result: object) -> Answer:
    """pyoxigraph query results (query or parsed) as a comparable answer."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [{v: t for v in variables if (t := solution[v]) is not None}
                for solution in result]
        return Solutions(variables, rows)
    return list(result)  # type: ignore[call-overload]


def compare(expected: Answer, actual: Answer, ordered: bool) -> str:
    """'' when ACTUAL matches EXPECTED, else why not."""
    if isinstance(expected, bool):
        if isinstance(actual, bool) and actual == expected:
            return ""
        return f"expected boolean {expected}, got {_brief(actual)}"
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"expected a graph, got {_brief(actual)}"
        exp: list[tuple[Key | None, ...]] = [
            tuple(term_key(t) for t in (x.subject, x.predicate, x.object)) for x in set(expected)]
        act: list[tuple[Key | None, ...]] = [
            tuple(term_key(t) for t in (x.subject, x.predicate, x.object)) for x in set(actual)]
        return "" if isomorphic(exp, act) else (
            f"graphs differ: expected {len(exp)} triples, got {len(act)}")
    if not isinstance(actual, Solutions):
        return f"expected solutions, got {_brief(actual)}"
    if set(expected.variables) != set(actual.variables):
        return f"variables differ: expected {expected.variables}, got {actual.variables}"
    names = sorted(expected.variables)

    def rows(s: Solutions) -> list[tuple[Key | None, ...]]:
        return [tuple(term_key(r[v]) if v in r else None for v in names) for r in s.rows]

    if isomorphic(rows(expected), rows(actual), ordered and expected.ordered):
        return ""
    return (f"solutions differ (expected {len(expected.rows)} rows, got {len(actual.rows)}): "
            f"expected {_rows_text(expected)[:300]} got {_rows_text(actual)[:300]}")


def _rows_text(s: Solutions) -> str:
    return "; ".join(" ".join(f"{k}={v}" for k, v in sorted(r.items())) for r in s.rows[:6])


def _brief(answer: Answer) -> str:
    if isinstance(answer, bool):
        return f"boolean {answer}"
    if isinstance(answer, list):
        return f"a graph of {len(answer)} triples"
    return f"{len(answer.rows)} solutions"


def has_order_by(query: str) -> bool:
    """A top-level ORDER BY (one in a sub-select does not order the result)."""
    depth, toks = 0, tokens(query)
    for i, tok in enumerate(toks):
        if tok.kind == "brace":
            depth += 1 if tok.text == "{" else -1
        elif (depth == 0 and tok.kind == "word" and tok.text.upper() == "ORDER"
              and i + 1 < len(toks) and toks[i + 1].text.upper() == "BY"):
            return True
    return False


def read_result_set_graph(path: Path) -> Answer:
    """An expected result written as RDF in the DAWG result-set vocabulary."""
    triples = read_triples(path)
    by_subject: dict[Term, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def values(node: Term, prop: str) -> list[Term]:
        return [t.object for t in by_subject.get(node, []) if t.predicate.value == RS + prop]

    root = next(t.subject for t in triples
                if t.predicate.value == str(RDF.type) and _value(t.object) == RS + "ResultSet")
    boolean = values(root, "boolean")
    if boolean:
        return _value(boolean[0]) == "true"
    variables = [_value(v) for v in values(root, "resultVariable")]
    solutions: list[tuple[int, Row]] = []
    ordered = False
    for solution in values(root, "solution"):
        row: Row = {}
        for binding in values(solution, "binding"):
            row[_value(values(binding, "variable")[0])] = values(binding, "value")[0]
        index = values(solution, "index")
        ordered = ordered or bool(index)
        solutions.append((int(_value(index[0])) if index else 0, row))
    solutions.sort(key=lambda item: item[0])
    return Solutions(variables, [row for _, row in solutions], ordered)


RESULT_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                  ".tsv": ox.QueryResultsFormat.TSV}
ACCEPT = {".srx": "application/sparql-results+xml", ".srj": "application/sparql-results+json",
          ".tsv": "text/tab-separated-values"}


# -- query evaluation tests --------------------------------------------------------------
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
        for graph, entry in _entries(root / folder / "manifest.ttl"):
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


def parse_response(response: requests.Response) -> Answer:
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    results = ox.QueryResultsFormat.from_media_type(media_type)
    if results is not None:
        return from_results(ox.parse_query_results(response.content, results))
    rdf = ox.RdfFormat.from_media_type(media_type)
    if rdf is None:
        raise AssertionError(f"unexpected response type {media_type!r}")
    return [q.triple for q in ox.parse(response.content, rdf)]


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


# -- protocol, graph store protocol and service description tests ------------------------
STATUS_CODES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404,
                "BadRequest": 400}
RESULT_TYPES = {"application/sparql-results+xml", "application/sparql-results+json",
                "text/csv", "text/tab-separated-values"}
BOOLEAN_TYPES = {"application/sparql-results+xml", "application/sparql-results+json"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples",
             "application/ld+json", "application/n-quads", "application/trig"}


@dataclass
class Exchange:
    """One ht:Request of a protocol test and what its response must show."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]  # hts local names: OK, StatusCode2xx, ...
    expected_format: str | None = None  # boolean | tabular | RDF
    expected_boolean: bool | None = None
    response_type: str | None = None
    response_body: str | None = None
    location_var: str | None = None


@dataclass
class ProtocolTest:
    id: str
    name: str
    exchanges: list[Exchange]
    graph_data: dict[str, Path] = field(default_factory=dict)  # graph IRI -> file
    requires: list[str] = field(default_factory=list)


def _headers(graph: rdflib.Graph, node: rdflib.term.Node | None) -> dict[str, str]:
    return {str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
            for h in _list(graph, graph.value(node, HT.headers))}


def protocol_tests(path: Path) -> list[ProtocolTest]:
    """The tests of a protocol or Graph Store Protocol manifest (with its includes)."""
    out = []
    for graph, entry in _entries(path):
        exchanges = []
        action = graph.value(entry, MF.action)
        for request in _list(graph, graph.value(action, HT.requests)):
            body_node = graph.value(request, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            resp = graph.value(request, HT.resp)
            resp_body = graph.value(resp, HT.body)
            boolean = graph.value(resp, MF.expectedBoolean)
            exchanges.append(Exchange(
                str(graph.value(request, HT.methodName)),
                str(graph.value(request, HT.absolutePath)),
                _headers(graph, request), body,
                sorted(str(s).rsplit("#", 1)[-1] for s in graph.objects(resp, MF.expectedStatus)),
                _str(graph.value(resp, MF.expectedFormat)),
                None if boolean is None else str(boolean) in ("true", "1"),
                _headers(graph, resp).get("content-type"),
                None if resp_body is None else str(graph.value(resp_body, CNT.chars)),
                _str(graph.value(resp, MF.expectedLocation))))
        data = {str(graph.value(d, RDFS.label)): file_path(str(graph.value(d, UT.graph)))
                for d in graph.objects(entry, UT.graphData)}
        out.append(ProtocolTest(str(entry), str(graph.value(entry, MF.name)), exchanges, data,
                                sorted(str(r).rsplit("#", 1)[-1]
                                       for r in graph.objects(entry, MF.requires))))
    return out


def _str(node: object) -> str | None:
    return None if node is None else str(node)


def rewrite(path: str) -> str:
    """Manifest paths to the server under test: /sparql/ → /sparql, /gsp → /graph-store."""
    if path.startswith("/sparql/"):
        rest = path[len("/sparql/"):]
        return "/sparql" + (rest if rest.startswith("?") or not rest else "/" + rest)
    if path.startswith("/gsp"):
        return "/graph-store" + path[len("/gsp"):]
    return path


def status_ok(code: int, expected: list[str]) -> bool:
    for name in expected:
        if name.startswith("StatusCode") and name.endswith("xx"):
            if code // 100 == int(name[len("StatusCode")]):
                return True
        elif STATUS_CODES.get(name) == code:
            return True
    return False


def replay(endpoint: Endpoint, test: ProtocolTest) -> str:
    """Run TEST's requests in order; '' when every response is as expected."""
    endpoint.update("DROP ALL")
    for graph, data in test.graph_data.items():
        endpoint.put(graph, ntriples(data))
    variables: dict[str, str] = {}
    for n, ex in enumerate(test.exchanges, 1):
        path, body = ex.path, ex.body
        for name, value in variables.items():
            path = path.replace(name, value)
            body = body.replace(name.encode(), value.encode()) if body is not None else None
        url = path if path.startswith("http") else endpoint.url + rewrite(path)
        request = requests.Request(ex.method, url, headers={**endpoint.auth, **ex.headers},
                                   data=body)
        prepared = endpoint.session.prepare_request(request)
        prepared.url = url  # exactly as the manifest writes it (no re-quoting)
        if body is None or "content-type" not in ex.headers:
            prepared.headers.pop("Content-Type", None)
        response = endpoint.session.send(prepared, timeout=30)
        problem = check_response(response, ex)
        if problem:
            return f"request {n} ({ex.method} {rewrite(ex.path)[:60]}): {problem}"
        if ex.location_var:
            variables[ex.location_var] = response.headers.get("Location", "")
    return ""


def check_response(response: requests.Response, ex: Exchange) -> str:
    code = response.status_code
    if not status_ok(code, ex.statuses):
        return f"status {code}, expected {'/'.join(ex.statuses)}: {response.text[:200]!r}"
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ex.location_var and not response.headers.get("Location"):
        return "no Location header"
    if ex.expected_format == "boolean" and media_type not in BOOLEAN_TYPES:
        return f"boolean result as {media_type!r}"
    if ex.expected_format == "tabular" and media_type not in RESULT_TYPES:
        return f"tabular result as {media_type!r}"
    if ex.expected_format == "RDF" and media_type not in RDF_TYPES:
        return f"RDF result as {media_type!r}"
    if ex.response_type is not None:
        want = ex.response_type.split(";")[0].strip().lower()
        if media_type != want:
            return f"content type {media_type!r}, expected {want!r}"
    try:
        if ex.expected_format in ("boolean", "tabular", "RDF"):
            answer = parse_response(response)
            if ex.expected_boolean is not None and answer != ex.expected_boolean:
                return f"expected boolean {ex.expected_boolean}, got {_brief(answer)}"
        if ex.response_body is not None and ex.response_type is not None:
            expected = [q.triple for q in ox.parse(
                ex.response_body, ox.RdfFormat.from_media_type(want) or ox.RdfFormat.TURTLE)]
            problem = compare(expected, parse_response(response), False)
            if problem:
                return problem
    except (SyntaxError, ValueError) as exc:
        return f"unparsable response: {exc}"
    return ""


def run_protocol(endpoint: Endpoint, tests: Iterable[ProtocolTest],
                 not_applicable: dict[str, str] | None = None) -> list[Result]:
    """Replay each test not listed in NOT_APPLICABLE (keyed by the test's local name)."""
    skip = not_applicable or {}
    out = []
    for test in tests:
        local = test.id.rsplit("#", 1)[-1]
        if local in skip:
            continue
        try:
            reason = replay(endpoint, test)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {str(exc)[:300]}"
        out.append(Result(test.id, test.name, not reason, reason))
    return out


# -- service description -----------------------------------------------------------------
SD_LANGUAGES = {SD + n for n in ("SPARQL10Query", "SPARQL11Query", "SPARQL11Update")}
# Properties of the SD vocabulary: (domain class, range class or None for any IRI).
SD_PROPERTIES = {
    "endpoint": ("Service", None), "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "EntailmentRegime"),
    "supportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "extensionFunction": ("Service", "Function"), "extensionAggregate": ("Service", "Aggregate"),
    "languageExtension": ("Service", "Feature"), "supportedLanguage": ("Service", "Language"),
    "propertyFeature": ("Service", "Feature"), "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "GraphCollection"), "resultFormat": ("Service", None),
    "inputFormat": ("Service", None), "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("GraphCollection", "NamedGraph"), "name": ("NamedGraph", None),
    "graph": ("NamedGraph", "Graph"),
}
SD_SUBCLASS = {"Dataset": "GraphCollection", "Aggregate": "Function"}
SD_FEATURES = {SD + n for n in ("DereferencesURIs", "UnionDefaultGraph",
                                "RequiresDataset", "EmptyGraphs", "BasicFederatedQuery")}


def service_description(endpoint: Endpoint, accept: str = "text/turtle"
                        ) -> tuple[requests.Response, list[ox.Triple]]:
    response = endpoint.session.get(f"{endpoint.url}/sparql", headers={"Accept": accept})
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    rdf = ox.RdfFormat.from_media_type(media_type)
    if response.status_code != 200 or rdf is None:
        return response, []
    return response, [q.triple for q in ox.parse(response.content, rdf,
                                                  base_iri=f"{endpoint.url}/sparql")]


def sd_schema_problems(triples: list[ox.Triple], endpoint_iri: str) -> list[str]:
    """Where a service description breaks the SD vocabulary's domains, ranges and rules."""
    types: dict[Term, set[str]] = {}
    for t in triples:
        if t.predicate.value == str(RDF.type) and _value(t.object).startswith(SD):
            types.setdefault(t.subject, set()).add(_value(t.object)[len(SD):])

    def is_a(node: Term, cls: str) -> bool:
        own = types.get(node, set())
        return cls in own or any(SD_SUBCLASS.get(c) == cls for c in own)

    problems = []
    for t in triples:
        if not t.predicate.value.startswith(SD):
            continue
        local = t.predicate.value[len(SD):]
        if local not in SD_PROPERTIES:
            problems.append(f"unknown SD property sd:{local}")
            continue
        domain, range_ = SD_PROPERTIES[local]
        if not is_a(t.subject, domain):
            problems.append(f"sd:{local} on {t.subject} that is not an sd:{domain}")
        if range_ is None or range_ in ("Feature", "Language", "EntailmentRegime",
                                        "EntailmentProfile"):
            if not isinstance(t.object, ox.NamedNode):
                problems.append(f"sd:{local} value {t.object} is not an IRI")
        elif not is_a(t.object, range_):
            problems.append(f"sd:{local} value {t.object} is not an sd:{range_}")
        if local == "supportedLanguage" and _value(t.object) not in SD_LANGUAGES:
            problems.append(f"unknown sd:supportedLanguage {t.object}")
        if local == "feature" and _value(t.object).startswith(SD) and (
                _value(t.object) not in SD_FEATURES):
            problems.append(f"unknown SD feature {t.object}")
    services = [s for s, c in types.items() if "Service" in c]
    if not services:
        problems.append("no sd:Service")
    for service in services:
        props = {t.predicate.value for t in triples if t.subject == service}
        for needed in ("endpoint", "supportedLanguage"):
            if SD + needed not in props:
                problems.append(f"the sd:Service has no sd:{needed}")
    for node, classes in types.items():
        if "NamedGraph" in classes:
            names = [t.object for t in triples
                     if t.subject == node and t.predicate.value == SD + "name"]
            if len(names) != 1:
                problems.append(f"sd:NamedGraph {node} has {len(names)} sd:name values")
    return problems


def run_service_description(endpoint: Endpoint, path: Path) -> list[Result]:
    """The three service description tests of the manifest at PATH."""
    endpoint_iri = f"{endpoint.url}/sparql"

    def returns_rdf() -> str:
        reasons = []
        for accept in ("text/turtle", "application/rdf+xml", "application/n-triples"):
            response, triples = service_description(endpoint, accept)
            if not triples:
                reasons.append(f"Accept {accept}: HTTP {response.status_code} "
                               f"{response.headers.get('Content-Type')}")
        return "; ".join(reasons)

    def has_endpoint() -> str:
        _, triples = service_description(endpoint)
        services = {t.subject for t in triples if t.predicate.value == str(RDF.type)
                    and _value(t.object) == SD + "Service"}
        found = any(t.subject in services and t.predicate.value == SD + "endpoint"
                    and t.object == ox.NamedNode(endpoint_iri) for t in triples)
        return "" if found else f"no sd:Service with sd:endpoint <{endpoint_iri}>"

    def conforms() -> str:
        _, triples = service_description(endpoint)
        return "; ".join(sd_schema_problems(triples, endpoint_iri)[:5])

    checks = {"returns-rdf": returns_rdf, "has-endpoint-triple": has_endpoint,
              "conforms-to-schema": conforms}
    out = []
    for graph, entry in _entries(path):
        local = str(entry).rsplit("#", 1)[-1]
        check = checks.get(local)
        try:
            reason = check() if check else f"no check for {local}"
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
        out.append(Result(str(entry), str(graph.value(entry, MF.name)), not reason, reason))
    return out
