"""The endpoint describing itself: SPARQL 1.1 Service Description and VoID.

Both are written as N-Triples lines (the build's writer) and re-serialised by Oxigraph into
whatever RDF format the client negotiated.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from dpgkg import __version__
from dpgkg.namespaces import DCTERMS, FOAF, FORMATS, RDF, SD, VOID, IRIs
from dpgkg.rdfterms import QuadWriter, integer, literal
from server.negotiation import MEDIA_TYPE, graph_choice
from server.results import write_triples
from server.state import state

bp = Blueprint("describe", __name__)

RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads",
                  "TriG")
VOCABULARIES = ("https://w3id.org/dpgkg/ontology#", "https://schema.org/",
                "http://usefulinc.com/ns/doap#", "http://www.w3.org/ns/dcat#",
                "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/org#",
                "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/",
                "http://www.w3.org/ns/shacl#")


def _rdf_response(out: QuadWriter) -> Response:
    fmt = graph_choice(request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        fmt = "turtle"  # a description is better than a 406 for a browser or a probe
    triples = list(ox.parse(out.data(), ox.RdfFormat.N_TRIPLES))
    body = write_triples(fmt, triples)
    return Response(body, content_type=MEDIA_TYPE[fmt], headers={"Vary": "Accept"})


def service_description() -> Response:
    """``GET /sparql`` without a query: what this endpoint offers (SPARQL 1.1 SD)."""
    st = state()
    endpoint = request.base_url
    out = QuadWriter(None)
    out.rel(endpoint, str(RDF.type), str(SD.Service))
    out.rel(endpoint, str(SD.endpoint), endpoint)
    out.rel(endpoint, str(SD.supportedLanguage), str(SD.SPARQL11Query))
    if st.settings.server.update_token:
        out.rel(endpoint, str(SD.supportedLanguage), str(SD.SPARQL11Update))
    if st.settings.server.union_default_graph:
        out.rel(endpoint, str(SD.feature), str(SD.UnionDefaultGraph))
    if st.settings.server.service_allowlist:
        out.rel(endpoint, str(SD.feature), str(SD.BasicFederatedQuery))
    for name in RESULT_FORMATS:
        out.rel(endpoint, str(SD.resultFormat), str(FORMATS[name]))
    out.text(endpoint, str(DCTERMS["title"]), "dpgkg SPARQL endpoint")
    out.text(endpoint, str(DCTERMS.description), f"dpgkg {__version__}: the Digital Public "
             "Goods knowledge graph, SPARQL 1.1 Protocol over an Oxigraph store")
    dataset = out.bnode()
    out.add(f"<{endpoint}>", str(SD.defaultDataset), dataset)
    out.add(dataset, str(RDF.type), f"<{SD.Dataset}>")
    stats = st.stats()
    default = out.bnode()
    out.add(dataset, str(SD.defaultGraph), default)
    out.add(default, str(RDF.type), f"<{SD.Graph}>")
    union = st.settings.server.union_default_graph
    total = sum(stats.get("graphs", {}).values()) if union else stats.get(
        "default_graph_triples", 0)
    out.add(default, str(VOID.triples), integer(int(total)))
    for name, count in sorted(stats.get("graphs", {}).items()):
        node = out.bnode()
        out.add(dataset, str(SD.namedGraph), node)
        out.add(node, str(RDF.type), f"<{SD.NamedGraph}>")
        out.add(node, str(SD.name), f"<{name}>")
        graph = out.bnode()
        out.add(node, str(SD.graph), graph)
        out.add(graph, str(RDF.type), f"<{SD.Graph}>")
        out.add(graph, str(VOID.triples), integer(count))
    return _rdf_response(out)


@bp.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the whole graph: graphs, sizes, classes, dumps, endpoint."""
    st = state()
    iris = IRIs(st.settings.base_iri)
    root = request.url_root
    ds = iris.dataset()
    stats = st.stats()
    out = QuadWriter(None)
    doc = request.base_url
    out.rel(doc, str(RDF.type), str(VOID.DatasetDescription))
    out.rel(doc, str(FOAF.primaryTopic), ds)
    out.rel(ds, str(RDF.type), str(VOID.Dataset))
    out.text(ds, str(DCTERMS["title"]), "dpgkg: the Digital Public Goods knowledge graph")
    out.rel(ds, str(VOID.sparqlEndpoint), f"{root}sparql")
    out.rel(ds, str(VOID.dataDump), f"{root}dumps/dpgkg.nq.gz")
    out.add(f"<{ds}>", str(VOID.uriSpace), literal(f"{iris.base}id/"))
    out.add(f"<{ds}>", str(VOID.triples), integer(sum(stats.get("graphs", {}).values())))
    for vocab in VOCABULARIES:
        out.rel(ds, str(VOID.vocabulary), vocab)
    for name, count in sorted(stats.get("graphs", {}).items()):
        out.rel(ds, str(VOID.subset), name)
        out.rel(name, str(RDF.type), str(VOID.Dataset))
        out.add(f"<{name}>", str(VOID.triples), integer(count))
        if name.startswith(iris.graph("")):
            out.rel(name, str(VOID.dataDump), f"{root}dumps/{name[len(iris.graph('')):]}.ttl")
    for cls, count in sorted(stats.get("classes", {}).items()):
        part = out.bnode()
        out.add(f"<{ds}>", str(VOID.classPartition), part)
        out.add(part, str(VOID["class"]), f"<{cls}>")
        out.add(part, str(VOID.entities), integer(count))
    return _rdf_response(out)
