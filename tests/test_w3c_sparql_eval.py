"""The W3C SPARQL 1.1 query evaluation tests, through the endpoint and embedded.

The 232 ``mf:QueryEvaluationTest`` entries outside ``entailment/`` and ``service/`` run
against a real ``dpgkg serve`` (union default graph off, update token set): each test's
dataset goes in through the Graph Store Protocol and its query through ``/sparql``. The same
tests run on an embedded in-memory pyoxigraph store: the endpoint must pass every test the
engine passes on its own (HTTP loses nothing), and neither may fall below the counts
measured here. See tests/w3c_results.py for how results are compared.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from tests.conftest import UPDATE_TOKEN, _need, empty_writable_server
from tests.w3c_eval import EVAL_DIRS, Endpoint, EvalTest, eval_tests, run_embedded, run_http
from tests.w3c_manifest import Result, summary
from tests.w3c_results import Solutions, compare

# Measured 2026-11-28 with pyoxigraph 0.5.13 on the suite snapshot w3c/rdf-tests ad541a5
# (see the suite's PROVENANCE.md): embedded 222/232, through HTTP 222/232 (the same tests).
EVAL_TESTS = 232
EMBEDDED_PASSED = 222
HTTP_PASSED = 222
# The ten failures, all in the engine (Oxigraph 0.5.13), none in the endpoint:
KNOWN_FAILURES = {
    "aggregates/agg-groupconcat-04": "GROUP_CONCAT of \"1\"@en and \"2\"@en gives "
                                     "\"1 2\"@en; the test compares with the simple "
                                     "literal \"1 2\"",
    "aggregates/agg-groupconcat-06": "the same for a single \"1\"@en",
    "aggregates/agg-empty-group-count-graph": "COUNT without GROUP BY inside GRAPH ?g yields "
                                              "no row for a graph where nothing matches",
    "bindings/graph": "VALUES inside GRAPH binding the graph variable: the UNDEF row is "
                      "not joined with every graph",
    "functions/bnode01": "BNODE(str) returns the same blank node across solutions",
    "negation/graph-minus": "MINUS inside GRAPH ?g removes the row: the outer graph "
                            "variable makes the sides look not disjoint",
    "property-path/zero_or_more_set_start": "?s :p* :o on an empty dataset: the constant "
                                            "end is not its own zero-length match",
    "property-path/zero_or_more_set_end": "the same for :s :p* ?o",
    "property-path/zero_or_one_set_start": "the same for ?s :p? :o",
    "property-path/zero_or_one_set_end": "the same for :s :p? ?o",
}


@pytest.fixture(scope="module")
def tests() -> list[EvalTest]:
    return eval_tests(_need("w3c-sparql11"))


@pytest.fixture(scope="module")
def endpoint(tests: list[EvalTest], tmp_path_factory: pytest.TempPathFactory):
    """``dpgkg serve`` over a fresh empty store: update token set, union default graph off."""
    with empty_writable_server(tmp_path_factory.mktemp("w3c-eval")) as server:
        yield Endpoint(server.url, UPDATE_TOKEN)


@pytest.fixture(scope="module")
def embedded(tests: list[EvalTest]) -> list[Result]:
    return run_embedded(tests)


@pytest.fixture(scope="module")
def over_http(endpoint: Endpoint, tests: list[EvalTest]) -> list[Result]:
    return run_http(endpoint, tests)


def _check(results: list[Result], minimum: int) -> None:
    passed, failures = summary(results)
    unknown = [f for f in failures if f.split(":", 1)[0] not in KNOWN_FAILURES]
    assert not unknown, "new failures:\n" + "\n".join(unknown)
    assert passed >= minimum, "\n".join(failures)


@pytest.mark.realdata
@pytest.mark.slow
def test_suite_has_the_232_evaluation_tests(tests: list[EvalTest]) -> None:
    assert len(tests) == EVAL_TESTS
    assert len({t.id for t in tests}) == EVAL_TESTS
    folders = Counter(Result(t.id, t.name, True).key.split("/")[0] for t in tests)
    assert set(folders) == set(EVAL_DIRS)
    assert folders["functions"] == 75 and folders["aggregates"] == 42


@pytest.mark.realdata
@pytest.mark.slow
def test_embedded_baseline(embedded: list[Result]) -> None:
    _check(embedded, EMBEDDED_PASSED)


@pytest.mark.realdata
@pytest.mark.slow
def test_through_http(over_http: list[Result]) -> None:
    _check(over_http, HTTP_PASSED)


@pytest.mark.realdata
@pytest.mark.slow
def test_http_loses_nothing(embedded: list[Result], over_http: list[Result]) -> None:
    lost = {r.key for r in embedded if r.passed} - {r.key for r in over_http if r.passed}
    assert not lost, [f"{r.key}: {r.reason}" for r in over_http if r.key in lost]
    assert summary(over_http)[0] >= summary(embedded)[0]


@pytest.mark.realdata
@pytest.mark.slow
def test_the_comparison_can_fail(tests: list[EvalTest]) -> None:
    """Changed answers are caught, so the counts above mean something."""
    by_key = {Result(t.id, t.name, True).key: t for t in tests}
    test = by_key["bind/bind01"]
    expected = test.expected()
    assert isinstance(expected, Solutions) and expected.rows
    assert compare(expected, expected, ordered=True) == ""
    fewer = Solutions(expected.variables, expected.rows[1:])
    assert "differ" in compare(expected, fewer, ordered=False)
    changed = Solutions(expected.variables, [
        {**row, name: ox.Literal("changed")} for row in expected.rows
        for name in list(row)[:1]])
    assert "differ" in compare(expected, changed, ordered=False)
    assert compare(True, False, ordered=False)
    assert compare(expected, True, ordered=False)


def test_blank_nodes_compare_up_to_renaming() -> None:
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    x, y = ox.BlankNode("x"), ox.BlankNode("y")
    one = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    expected = Solutions(["s", "o"], [{"s": a, "o": b}, {"s": b, "o": one}])
    assert compare(expected, Solutions(["o", "s"], [{"s": y, "o": one}, {"s": x, "o": y}]),
                   ordered=False) == ""
    # a bijection: two distinct blank nodes may not map onto one
    assert compare(expected, Solutions(["s", "o"], [{"s": x, "o": x}, {"s": x, "o": one}]),
                   ordered=False)
    # order counts only when asked for (a top-level ORDER BY and an ordered expectation)
    swapped = Solutions(["s", "o"], [{"s": y, "o": one}, {"s": x, "o": y}])
    expected.ordered = True
    assert compare(expected, swapped, ordered=True)
    assert compare(expected, swapped, ordered=False) == ""
    # numeric literals compare by value within their datatype, not across datatypes
    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    graph = [ox.Triple(c, ox.NamedNode("http://p"), ox.Literal("1.0", datatype=ox.NamedNode(
        decimal)))]
    same = [ox.Triple(a, ox.NamedNode("http://p"), ox.Literal("1", datatype=ox.NamedNode(
        decimal)))]
    other = [ox.Triple(a, ox.NamedNode("http://p"), one)]
    assert compare(graph, same, ordered=False) == ""
    assert compare(graph, other, ordered=False)


@pytest.mark.realdata
@pytest.mark.slow
def test_known_failures_are_real_tests(tests: list[EvalTest]) -> None:
    keys = {Result(t.id, t.name, True).key for t in tests}
    assert set(KNOWN_FAILURES) <= keys
    assert EVAL_TESTS - len(KNOWN_FAILURES) == EMBEDDED_PASSED == HTTP_PASSED

