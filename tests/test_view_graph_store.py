"""/graph-store: the Graph Store HTTP Protocol, read for everyone, write with the token."""

from __future__ import annotations

import pyoxigraph as ox

from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
ONTOLOGY = "https://w3id.org/dpgkg/graph/ontology"


def test_get_named_graph_in_each_format(client, fixture_store) -> None:
    from dpgkg.store import OxigraphStore

    expected = OxigraphStore(fixture_store).count(ONTOLOGY)
    for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE),
                        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                        ("application/ld+json", ox.RdfFormat.JSON_LD),
                        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
                        ("application/n-quads", ox.RdfFormat.N_QUADS)):
        r = client.get("/graph-store", query_string={"graph": ONTOLOGY},
                       headers={"Accept": accept})
        assert r.status_code == 200 and r.content_type.startswith(accept)
        assert len(list(ox.parse(r.data, fmt))) == expected


def test_get_missing_graph_404_and_bad_identification_400(client) -> None:
    assert client.get("/graph-store?graph=urn:none").status_code == 404
    assert client.get("/graph-store").status_code == 400
    assert client.get("/graph-store?graph=urn:x&default").status_code == 400
    assert client.get("/graph-store?default", headers={"Accept": "image/png"}).status_code == 406


def test_writes_refused_read_only(client) -> None:
    for method in ("PUT", "POST", "DELETE"):
        r = client.open("/graph-store?graph=urn:g", method=method, data="<a:s> <a:p> <a:o> .",
                        content_type="text/turtle", headers=AUTH)
        assert r.status_code == 403


def test_put_post_get_delete_cycle(writer) -> None:
    g = "/graph-store?graph=urn:cycle"
    assert writer.put(g, data="<urn:s> <urn:p> 1 .", content_type="text/turtle"
                      ).status_code == 401
    assert writer.put(g, data="<urn:s> <urn:p> 1 .", content_type="text/turtle",
                      headers=AUTH).status_code == 201
    assert writer.post(g, data="<urn:s> <urn:p> \"2\" .", content_type="application/n-triples",
                       headers=AUTH).status_code == 204
    body = writer.get(g, headers={"Accept": "application/n-triples"}).data
    assert len(body.splitlines()) == 2
    assert writer.put(g, data="<urn:s> <urn:p> 3 .", content_type="text/turtle",
                      headers=AUTH).status_code == 204
    assert len(writer.get(g, headers={"Accept": "application/n-triples"}).data.splitlines()) == 1
    assert writer.delete(g, headers=AUTH).status_code == 204
    assert writer.get(g).status_code == 404
    assert writer.delete(g, headers=AUTH).status_code == 404


def test_bad_rdf_is_400_and_store_unchanged(writer) -> None:
    g = "/graph-store?graph=urn:bad"
    r = writer.put(g, data="<urn:s> <urn:p> .", content_type="text/turtle", headers=AUTH)
    assert r.status_code == 400 and b"not valid RDF" in r.data
    assert writer.get(g).status_code == 404
    r = writer.put(g, data="x", content_type="application/x-unknown", headers=AUTH)
    assert r.status_code == 415


def test_default_graph_and_direct_identification(writer) -> None:
    assert writer.put("/graph-store?default", data="<urn:d> <urn:p> 1 .",
                      content_type="text/turtle", headers=AUTH).status_code in (201, 204)
    r = writer.get("/graph-store?default", headers={"Accept": "application/n-triples"})
    assert r.data.strip() == b"<urn:d> <urn:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> ."
    assert writer.put("/graph-store/people/1", data="<#me> <urn:p> 1 .",
                      content_type="text/turtle", headers=AUTH).status_code == 201
    body = writer.get("/graph-store/people/1", headers={"Accept": "application/n-triples"}).data
    assert b"<http://localhost/graph-store/people/1#me>" in body
