"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests.

Each test's HTTP exchanges (HTTP-in-RDF in the suite's manifests) are replayed against a
real ``dpgkg serve`` with ``requests``: ``/sparql/`` becomes the endpoint's ``/sparql`` and
``/gsp`` its ``/graph-store``; the store is emptied before each test (``DROP ALL``) and the
test's ``ut:graphData`` is loaded through the Graph Store Protocol. Every request carries
the update token (the suite's updates need it; queries ignore it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.views.sparql import with_using
from tests.conftest import UPDATE_TOKEN, _need, empty_writable_server
from tests.w3c_eval import Endpoint
from tests.w3c_manifest import Result, summary
from tests.w3c_protocol import (
    protocol_tests,
    rewrite,
    run_protocol,
    run_service_description,
    sd_schema_problems,
    service_description,
    status_ok,
)

# Measured 2026-11-28 on the suite snapshot w3c/rdf-tests ad541a5 (see its PROVENANCE.md):
# protocol 34/34, Graph Store Protocol 13/13, service description 3/3. No known failures.
PROTOCOL_TESTS = 34
GSP_TESTS = 13
SD_TESTS = 3
PROTOCOL_PASSED = 34
GSP_PASSED = 13
SD_PASSED = 3
# Tests that need an optional feature the endpoint does not offer (keyed by local name).
# None: using-graph-uri / using-named-graph-uri, POST graph creation (201 + Location),
# multipart/form-data POSTs and direct and indirect identification are all supported.
NOT_APPLICABLE: dict[str, str] = {}


@pytest.fixture(scope="module")
def suite() -> Path:
    return _need("w3c-sparql11")


@pytest.fixture(scope="module")
def endpoint(suite: Path, tmp_path_factory: pytest.TempPathFactory):
    """``dpgkg serve`` over a fresh empty store: update token set, union default graph off."""
    with empty_writable_server(tmp_path_factory.mktemp("w3c-protocol")) as server:
        yield Endpoint(server.url, UPDATE_TOKEN)


def _check(results: list[Result], total: int, minimum: int) -> None:
    passed, failures = summary(results)
    assert len(results) == total - sum(1 for k in NOT_APPLICABLE if k in
                                       {r.id.rsplit("#", 1)[-1] for r in results})
    assert passed >= minimum, "\n".join(failures)


@pytest.mark.realdata
@pytest.mark.slow
def test_protocol(suite: Path, endpoint: Endpoint) -> None:
    tests = protocol_tests(suite / "protocol" / "manifest.ttl")
    assert len(tests) == PROTOCOL_TESTS
    assert set(NOT_APPLICABLE) <= {t.id.rsplit("#", 1)[-1] for t in tests}
    results = run_protocol(endpoint, tests, NOT_APPLICABLE)
    assert len(results) == PROTOCOL_TESTS - len(NOT_APPLICABLE)
    _check(results, PROTOCOL_TESTS, PROTOCOL_PASSED)


@pytest.mark.realdata
@pytest.mark.slow
def test_graph_store_protocol(suite: Path, endpoint: Endpoint) -> None:
    tests = protocol_tests(suite / "graph-store-protocol" / "manifest.ttl")
    assert len(tests) == GSP_TESTS
    assert {r for t in tests for r in t.requires} == {
        "DirectGraphIdentification", "IndirectGraphIdentification", "POSTGraphCreation"}
    _check(run_protocol(endpoint, tests), GSP_TESTS, GSP_PASSED)


@pytest.mark.realdata
def test_service_description(suite: Path, endpoint: Endpoint) -> None:
    results = run_service_description(endpoint,
                                      suite / "service-description" / "manifest.ttl")
    assert len(results) == SD_TESTS
    _check(results, SD_TESTS, SD_PASSED)


@pytest.mark.realdata
def test_checks_can_fail(suite: Path, endpoint: Endpoint) -> None:
    """A wrong expectation is reported, so the counts above mean something."""
    test = next(t for t in protocol_tests(suite / "protocol" / "manifest.ttl")
                if t.id.endswith("#query_get"))
    test.exchanges[0].expected_boolean = False
    assert not run_protocol(endpoint, [test])[0].passed
    test.exchanges[0].expected_boolean = True
    test.exchanges[0].statuses = ["StatusCode4xx"]
    assert not run_protocol(endpoint, [test])[0].passed
    _, triples = service_description(endpoint)
    assert triples and not sd_schema_problems(triples, f"{endpoint.url}/sparql")
    broken = [t for t in triples if not t.predicate.value.endswith("#endpoint")]
    assert sd_schema_problems(broken, f"{endpoint.url}/sparql")


def test_paths_are_rewritten_to_the_server() -> None:
    assert rewrite("/sparql/") == "/sparql"
    assert rewrite("/sparql/?query=ASK%20%7B%7D") == "/sparql?query=ASK%20%7B%7D"
    assert rewrite("/gsp?default") == "/graph-store?default"
    assert rewrite("/gsp/person/1.ttl") == "/graph-store/person/1.ttl"
    assert status_ok(204, ["OK", "NoContent"]) and status_ok(302, ["StatusCode3xx"])
    assert not status_ok(201, ["OK", "NoContent"])


def test_using_parameters_are_written_into_each_reading_operation() -> None:
    update = ("PREFIX : <http://ex/>\nCLEAR ALL ; # WHERE in a comment\n"
              "INSERT DATA { GRAPH :g { :a :b \"WHERE ; {\" } } ;\n"
              "INSERT { GRAPH :h { ?s a :C } } WHERE { ?s a :D } ;\n"
              "DELETE WHERE { GRAPH ?g { ?s :p ?o } }")
    out = with_using(update, ["http://ex/d"], ["http://ex/n"])
    using = "USING <http://ex/d> USING NAMED <http://ex/n> "
    assert out.count(using) == 2
    assert f"INSERT {{ GRAPH :h {{ ?s a :C }} }} {using}WHERE" in out
    assert f"DELETE {{ GRAPH ?g {{ ?s :p ?o }} }} {using}WHERE {{ GRAPH ?g" in out
    assert "INSERT DATA { GRAPH :g { :a :b \"WHERE ; {\" } }" in out
    for own in ("WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                "DELETE { ?s ?p ?o } USING <http://ex/g> WHERE { ?s ?p ?o }"):
        with pytest.raises(ValueError, match="cannot be combined"):
            with_using(own, ["http://ex/d"], [])
    with pytest.raises(ValueError, match="not an IRI"):
        with_using("CLEAR ALL", ["http://ex/> } ; DROP ALL ; #"], [])
