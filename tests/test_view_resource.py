"""/id/…: the graph's IRIs dereference to HTML for people and RDF for programs."""

from __future__ import annotations

import pyoxigraph as ox

RECORD = "https://w3id.org/dpgkg/id/dpg/open-clinic"


def test_html_page_lists_statements_and_links_locally(client) -> None:
    r = client.get("/id/dpg/open-clinic", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.content_type.startswith("text/html")
    page = r.data.decode()
    assert "Open Clinic" in page
    assert 'href="/id/license/GPL-3.0-only"' in page  # our own IRIs stay on this server
    assert f"{RECORD}/screening" in page  # nodes minted under the record are shown too


def test_rdf_description_includes_minted_sub_nodes(client) -> None:
    r = client.get("/id/dpg/open-clinic", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.content_type.startswith("application/n-triples")
    triples = list(ox.parse(r.data, ox.RdfFormat.N_TRIPLES))
    subjects = {t.subject.value for t in triples}
    assert RECORD in subjects and f"{RECORD}/screening" in subjects
    assert all(s == RECORD or s.startswith(RECORD + "/") for s in subjects)
    r = client.get("/id/dpg/open-clinic?format=jsonld")
    assert r.content_type.startswith("application/ld+json")


def test_unknown_resource_404(client) -> None:
    assert client.get("/id/dpg/no-such-record").status_code == 404
    assert client.get("/id/dpg/no-such-record", headers={"Accept": "text/html"}
                      ).status_code == 404


def test_path_cannot_inject_sparql(client) -> None:
    for path in ('/id/dpg/x")%20}%20UNION%20{%20?s%20?p%20?o%20}%20#', "/id/dpg/a%3Eb",
                 "/id/dpg/a%5Cb"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 400
