"""W3C SPARQL 1.1 Protocol, Graph Store Protocol and service description tests
(helper, not collected).

Protocol (``protocol/``) and Graph Store Protocol (``graph-store-protocol/``) tests replay
their HTTP exchanges against a real server with ``requests``: manifest paths ``/sparql/``
become the server's ``/sparql`` and ``/gsp`` its ``/graph-store``. The service description
tests (``service-description/``) check what the server says about itself against the SD
vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
import requests
from rdflib.namespace import RDF, RDFS

from tests.w3c_eval import Endpoint
from tests.w3c_manifest import (
    CNT,
    HT,
    MF,
    UT,
    Result,
    Term,
    entries,
    file_path,
    ntriples,
    rdf_list,
    term_value,
)
from tests.w3c_results import brief, compare, parse_response

SD = "http://www.w3.org/ns/sparql-service-description#"

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
            for h in rdf_list(graph, graph.value(node, HT.headers))}


def protocol_tests(path: Path) -> list[ProtocolTest]:
    """The tests of a protocol or Graph Store Protocol manifest (with its includes)."""
    out = []
    for graph, entry in entries(path):
        exchanges = []
        action = graph.value(entry, MF.action)
        for request in rdf_list(graph, graph.value(action, HT.requests)):
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
                return f"expected boolean {ex.expected_boolean}, got {brief(answer)}"
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
        if t.predicate.value == str(RDF.type) and term_value(t.object).startswith(SD):
            types.setdefault(t.subject, set()).add(term_value(t.object)[len(SD):])

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
        if local == "supportedLanguage" and term_value(t.object) not in SD_LANGUAGES:
            problems.append(f"unknown sd:supportedLanguage {t.object}")
        if local == "feature" and term_value(t.object).startswith(SD) and (
                term_value(t.object) not in SD_FEATURES):
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
                    and term_value(t.object) == SD + "Service"}
        found = any(t.subject in services and t.predicate.value == SD + "endpoint"
                    and t.object == ox.NamedNode(endpoint_iri) for t in triples)
        return "" if found else f"no sd:Service with sd:endpoint <{endpoint_iri}>"

    def conforms() -> str:
        _, triples = service_description(endpoint)
        return "; ".join(sd_schema_problems(triples, endpoint_iri)[:5])

    checks = {"returns-rdf": returns_rdf, "has-endpoint-triple": has_endpoint,
              "conforms-to-schema": conforms}
    out = []
    for graph, entry in entries(path):
        local = str(entry).rsplit("#", 1)[-1]
        check = checks.get(local)
        try:
            reason = check() if check else f"no check for {local}"
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
        out.append(Result(str(entry), str(graph.value(entry, MF.name)), not reason, reason))
    return out
