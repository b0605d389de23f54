"""/health, /metrics, VoID and dumps."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from dpgkg.store import OxigraphStore
from tests.conftest import running_app

VOID = "http://rdfs.org/ns/void#"


def test_health(client) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json["status"] == "ok" and r.json["workers"] == 2
    assert r.json["generation"].startswith("gen-")


def test_health_without_store_is_503(tmp_path: Path) -> None:
    with running_app(tmp_path / "nothing", tmp_path / "cache") as app:
        c = app.test_client()
        r = c.get("/health")
        assert r.status_code == 503 and "dpgkg build" in r.json["reason"]
        r = c.get("/sparql", query_string={"query": "ASK {}"})
        assert r.status_code == 503 and b"dpgkg build" in r.data


def test_metrics_prometheus_text(client) -> None:
    client.get("/sparql", query_string={"query": "ASK {}"})
    client.get("/sparql", query_string={"query": "ASK {"})
    text = client.get("/metrics").data.decode()
    assert 'dpgkg_http_requests_total{endpoint="sparql.sparql",method="GET",status="200"}' in text
    assert 'dpgkg_errors_total{kind="syntax"}' in text
    assert "dpgkg_http_request_duration_seconds_bucket" in text
    assert "dpgkg_query_timeouts_total" in text
    assert "dpgkg_query_workers_alive 2.0" in text


def test_void(client, fixture_store) -> None:
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(r.data, ox.RdfFormat.TURTLE))
    by_pred: dict[str, list[object]] = {}
    for t in triples:
        by_pred.setdefault(t.predicate.value, []).append(t.object)
    assert {o.value for o in by_pred[VOID + "sparqlEndpoint"]} == {"http://localhost/sparql"}
    assert "https://w3id.org/dpgkg/graph/registry" in {o.value for o in by_pred[VOID + "subset"]}
    classes = {o.value for o in by_pred[VOID + "class"]}
    assert "https://w3id.org/dpgkg/ontology#DigitalProduct" in classes
    total = [int(t.object.value) for t in triples if t.predicate.value == VOID + "triples"
             and t.subject.value == "https://w3id.org/dpgkg/dataset"]
    assert total == [OxigraphStore(fixture_store).count()]


def test_dumps(client, fixture_store) -> None:
    listed = {d["file"]: d for d in client.get("/dumps/").json["dumps"]}
    assert {"dpgkg.nq.gz", "registry.ttl", "sdg.ttl", "ontology.ttl"} <= set(listed)
    r = client.get("/dumps/dpgkg.nq.gz")
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    quads = list(ox.parse(gzip.decompress(r.data), ox.RdfFormat.N_QUADS))
    assert len(quads) == OxigraphStore(fixture_store).count()
    r = client.get("/dumps/registry.ttl")
    assert len(list(ox.parse(r.data, ox.RdfFormat.TURTLE))) == 234
    assert client.get("/dumps/registry.ttl",
                      headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert client.get("/dumps/other.ttl").status_code == 404
