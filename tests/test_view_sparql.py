"""/sparql: protocol, negotiation, errors, writes, safety, limits and the cache."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import UPDATE_TOKEN, running_app

COUNT_PRODUCTS = ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE "
                  "{ ?s a <https://w3id.org/dpgkg/ontology#DigitalProduct> }")
REGISTRY = "https://w3id.org/dpgkg/graph/registry"
AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}


def count(response) -> int:
    assert response.status_code == 200, response.data
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def test_get_post_form_and_post_direct_agree(client) -> None:
    get = client.get("/sparql", query_string={"query": COUNT_PRODUCTS})
    form = client.post("/sparql", data={"query": COUNT_PRODUCTS})
    direct = client.post("/sparql", data=COUNT_PRODUCTS, content_type="application/sparql-query")
    assert count(get) == count(form) == count(direct) == 2
    assert get.content_type == "application/sparql-results+json"


@pytest.mark.parametrize(("accept", "media", "start"), [
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
    ("text/csv", "text/csv; charset=utf-8", b"n\r\n2\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", b"?n\n\"2\"^^"),
    ("text/csv;q=0.1, application/sparql-results+json", "application/sparql-results+json",
     b'{"head"'),
])
def test_select_negotiation(client, accept: str, media: str, start: bytes) -> None:
    r = client.get("/sparql", query_string={"query": COUNT_PRODUCTS}, headers={"Accept": accept})
    assert r.status_code == 200 and r.content_type == media and r.data.startswith(start)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG),
])
def test_construct_negotiation(client, accept: str, fmt: ox.RdfFormat) -> None:
    q = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{REGISTRY}> {{ ?s ?p ?o "
         "FILTER(?s = <https://w3id.org/dpgkg/id/dpg/rain-atlas>) } }")
    r = client.get("/sparql", query_string={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200, r.data
    assert r.content_type.split(";")[0] == accept
    assert len(list(ox.parse(r.data, fmt))) > 5


def test_format_parameter_overrides_accept(client) -> None:
    r = client.get("/sparql", query_string={"query": COUNT_PRODUCTS, "format": "csv"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.content_type.startswith("text/csv")


def test_nothing_acceptable_is_406(client) -> None:
    r = client.get("/sparql", query_string={"query": COUNT_PRODUCTS},
                   headers={"Accept": "image/png"})
    assert r.status_code == 406 and b"offers" in r.data
    r = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                   headers={"Accept": "text/csv"})
    assert r.status_code == 406


def test_ask(client) -> None:
    r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert r.json == {"head": {}, "boolean": True}


def test_malformed_query_is_400_with_position(client) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n ?s ?p }"})
    assert r.status_code == 400
    assert r.content_type.startswith("text/plain")
    assert b"line 2, column" in r.data


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
    ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 400),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415),
    ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {}", "format": "yaml"}}, 400),
])
def test_protocol_errors(client, kwargs: dict, status: int) -> None:
    assert client.open("/sparql", **kwargs).status_code == status


def test_dataset_parameters(client) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only_registry = client.get("/sparql", query_string={"query": q, "default-graph-uri": REGISTRY})
    union = client.get("/sparql", query_string={"query": q})
    assert 0 < count(only_registry) < count(union)
    named = client.get("/sparql", query_string={
        "query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "named-graph-uri": REGISTRY})
    assert count(named) == 1


def test_from_never_loads_a_url(client) -> None:
    r = client.get("/sparql", query_string={
        "query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json["results"]["bindings"] == []


def test_service_to_loopback_refused(client) -> None:
    for target in ("<http://127.0.0.1:7878/query>", "?endpoint"):
        r = client.get("/sparql", query_string={
            "query": f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}"})
        assert r.status_code == 403, r.data
        assert b"refused" in r.data


def test_update_refused_without_configured_token(client) -> None:
    r = client.post("/sparql", data="INSERT DATA { <a:s> <a:p> <a:o> }",
                    content_type="application/sparql-update", headers=AUTH)
    assert r.status_code == 403 and b"read-only" in r.data


def test_update_needs_the_right_token(writer) -> None:
    update = "INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> 1 } }"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        r = writer.post("/sparql", data={"update": update}, headers=headers)
        assert r.status_code == 401 and "Bearer" in r.headers["WWW-Authenticate"]
    assert writer.post("/sparql", data={"update": update}, headers=AUTH).status_code == 200
    r = writer.get("/sparql", query_string={"query": "ASK { GRAPH <urn:g> { <urn:s> <urn:p> 1 } }"})
    assert r.json["boolean"] is True


def test_load_refused_even_with_token(writer) -> None:
    r = writer.post("/sparql", data="LOAD <file:///etc/passwd>",
                    content_type="application/sparql-update", headers=AUTH)
    assert r.status_code == 403 and b"LOAD <file:///etc/passwd> refused" in r.data


def test_update_syntax_error_is_400(writer) -> None:
    r = writer.post("/sparql", data={"update": "INSERT DATA { <a:s> }"}, headers=AUTH)
    assert r.status_code == 400 and b"Malformed" in r.data


def test_literals_come_back_exactly_as_stored(writer, writable_app) -> None:
    """Every literal is answered term for term as the store holds it: datatype, language
    tag and lexical form (Oxigraph itself keeps numbers, booleans and dates by value, so
    "01"^^xsd:integer is held, and answered, as "1"; nothing is re-typed on the way out)."""
    from dpgkg.store import OxigraphStore

    data = ('<urn:s> <urn:int> "01"^^<http://www.w3.org/2001/XMLSchema#integer> ; '
            '<urn:dec> "1.50"^^<http://www.w3.org/2001/XMLSchema#decimal> ; '
            '<urn:str> "042" ; <urn:typed> "x"^^<urn:custom-type> ; '
            '<urn:date> "2024-02-29"^^<http://www.w3.org/2001/XMLSchema#date> ; '
            '<urn:lang> "Saúde"@pt-BR .')
    r = writer.put("/graph-store?graph=urn:lit", data=data, content_type="text/turtle",
                   headers=AUTH)
    assert r.status_code == 201
    stored = {q.predicate.value: q.object
              for q in OxigraphStore(writable_app.extensions["dpgkg"].store_dir).quads("urn:lit")}
    for accept, fmt in (("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                        ("text/tab-separated-values", ox.QueryResultsFormat.TSV)):
        r = writer.get("/sparql", headers={"Accept": accept}, query_string={
            "query": "SELECT ?p ?o { GRAPH <urn:lit> { ?s ?p ?o } }"})
        answered = {row["p"].value: row["o"] for row in ox.parse_query_results(r.data, fmt)}
        assert answered == stored
    assert stored["urn:str"] == ox.Literal("042")
    assert stored["urn:typed"] == ox.Literal("x", datatype=ox.NamedNode("urn:custom-type"))
    assert stored["urn:lang"].language.lower() == "pt-br"


def test_cache_hit_and_invalidation_by_update(writer, writable_app) -> None:
    state = writable_app.extensions["dpgkg"]
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:c> { ?s ?p ?o } }"
    assert count(writer.get("/sparql", query_string={"query": q})) == 0
    hits = state.cache.hits
    first = writer.get("/sparql", query_string={"query": q})
    assert state.cache.hits == hits + 1 and count(first) == 0
    etag = first.headers["ETag"]
    assert writer.get("/sparql", query_string={"query": q},
                      headers={"If-None-Match": etag}).status_code == 304
    writer.post("/sparql", data={"update": "INSERT DATA { GRAPH <urn:c> { <urn:a> <urn:b> 1 } }"},
                headers=AUTH)
    assert count(writer.get("/sparql", query_string={"query": q})) == 1


def test_rebuild_invalidates_cache(tmp_path: Path, fixture_store: Path) -> None:
    import shutil

    from dpgkg.store import OxigraphStore
    store = tmp_path / "store"
    shutil.copytree(fixture_store, store, symlinks=True)
    with running_app(store, tmp_path / "cache") as app:
        c = app.test_client()
        q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        before = count(c.get("/sparql", query_string={"query": q}))
        OxigraphStore(store).modify(lambda st: st.add(ox.Quad(
            ox.NamedNode("urn:x"), ox.NamedNode("urn:y"), ox.Literal("z"), ox.NamedNode("urn:g"))))
        assert count(c.get("/sparql", query_string={"query": q})) == before + 1


def test_result_row_limit(tmp_path: Path, fixture_store: Path) -> None:
    with running_app(fixture_store, tmp_path, result_limit=3) as app:
        c = app.test_client()
        r = c.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert len(r.json["results"]["bindings"]) == 3
        assert r.headers["DPGKG-Result-Truncated"] == "true; limit=3"
        r = c.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                  headers={"Accept": "application/n-triples"})
        assert len(r.data.splitlines()) == 3 and "DPGKG-Result-Truncated" in r.headers


def test_request_size_limit_413(tmp_path: Path, fixture_store: Path) -> None:
    with running_app(fixture_store, tmp_path, max_request_bytes=2000) as app:
        c = app.test_client()
        big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
        assert c.post("/sparql", data=big, content_type="application/sparql-query"
                      ).status_code == 413
        assert c.post("/sparql", data={"query": big}).status_code == 413
        assert c.get("/sparql", query_string={"query": big}).status_code == 414


def test_cartesian_query_stopped_while_others_are_answered(tmp_path: Path,
                                                          fixture_store: Path) -> None:
    with running_app(fixture_store, tmp_path, query_timeout=1.5) as app:
        hostile = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                   "?j ?k ?l }")
        outcome: dict[str, object] = {}

        def attack() -> None:
            t = time.monotonic()
            r = app.test_client().get("/sparql", query_string={"query": hostile})
            outcome.update(status=r.status_code, seconds=time.monotonic() - t, body=r.data)

        thread = threading.Thread(target=attack)
        thread.start()
        time.sleep(0.2)
        c = app.test_client()
        answered = 0
        while thread.is_alive():
            r = c.get("/sparql", query_string={"query": f"ASK {{ ?s ?p {answered} }}"})
            assert r.status_code == 200
            answered += 1
        thread.join()
        assert outcome["status"] == 503 and b"Query stopped" in outcome["body"]
        assert float(outcome["seconds"]) <= 1.5 + 1.0  # type: ignore[arg-type]
        assert answered >= 3  # the other worker kept answering meanwhile
        metrics = c.get("/metrics").data.decode()
        assert "dpgkg_query_timeouts_total 1.0" in metrics
        deadline = time.monotonic() + 10
        while app.extensions["dpgkg"].pool.alive() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.extensions["dpgkg"].pool.alive() == 2  # the killed worker was replaced


def test_cors_header(client) -> None:
    r = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://x.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description(client) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content_type.startswith("text/turtle")
    graph = list(ox.parse(r.data, ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = [t.object.value for t in graph if t.predicate.value == sd + "endpoint"]
    assert endpoints == ["http://localhost/sparql"]
    names = {t.object.value for t in graph if t.predicate.value == sd + "name"}
    assert REGISTRY in names
    languages = {t.object.value for t in graph if t.predicate.value == sd + "supportedLanguage"}
    assert languages == {sd + "SPARQL11Query"}  # no update without a token
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert json.loads(jsonld.data)
