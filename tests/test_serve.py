"""``dpgkg serve``: a real waitress server answering curl, SPARQLWrapper and requests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time

import pytest
import requests
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

COUNT = ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE "
         "{ ?s a <https://w3id.org/dpgkg/ontology#DigitalProduct> }")


def test_sparqlwrapper_json_csv_and_construct(live_server) -> None:
    client = SPARQLWrapper(f"{live_server.url}/sparql")
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "2"
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines() == ["n", "2"]
    client.setMethod("POST")
    client.setQuery("CONSTRUCT WHERE { <https://w3id.org/dpgkg/id/dpg/rain-atlas> ?p ?o }")
    client.setReturnFormat(TURTLE)
    assert b"Rain Atlas" in client.query().convert()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl(live_server) -> None:
    out = subprocess.run(
        ["curl", "-sS", "-H", "Accept: text/csv", "--data-urlencode", f"query={COUNT}",
         f"{live_server.url}/sparql"], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["n", "2"]


def test_refusals_over_http(live_server) -> None:
    url = f"{live_server.url}/sparql"
    r = requests.post(url, data={"update": "DROP ALL"}, timeout=10)
    assert r.status_code == 403
    service = "SELECT * { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }"
    r = requests.get(url, params={"query": service}, timeout=10)
    assert r.status_code == 403
    r = requests.post(url, data="LOAD <file:///etc/passwd>", timeout=10,
                      headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403


def test_cartesian_query_stopped_within_timeout_plus_one(live_server) -> None:
    """The live server runs with a 2 s query timeout."""
    url = f"{live_server.url}/sparql"
    hostile = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result: dict[str, float] = {}

    def attack() -> None:
        t = time.monotonic()
        r = requests.get(url, params={"query": hostile}, timeout=30)
        result.update(status=r.status_code, seconds=time.monotonic() - t)

    thread = threading.Thread(target=attack)
    thread.start()
    time.sleep(0.2)
    served = 0
    while thread.is_alive():
        r = requests.get(url, params={"query": f"ASK {{ ?s ?p {served} }}"}, timeout=10)
        assert r.status_code == 200
        served += 1
    thread.join()
    assert result["status"] == 503
    assert result["seconds"] <= 2 + 1
    assert served >= 3
    assert requests.get(f"{live_server.url}/health", timeout=10).status_code == 200


def test_serve_refuses_missing_store(tmp_path) -> None:
    out = subprocess.run([sys.executable, "-m", "dpgkg.cli", "serve", "--store",
                          str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "dpgkg build" in out.stderr
