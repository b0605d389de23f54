"""/queries and /openapi.json: the named-query API, fuzzed with schemathesis."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dpgkg.query import named_queries


def test_list_json(client) -> None:
    listed = client.get("/queries", headers={"Accept": "application/json"}).json["queries"]
    assert [q["name"] for q in listed] == list(named_queries())
    country = next(q for q in listed if q["name"] == "dpgs-deployed-in-country")
    assert country["parameters"][0]["name"] == "country"
    assert country["parameters"][0]["type"] == "string"
    assert country["url"].endswith("/queries/dpgs-deployed-in-country")


def test_list_html_for_browsers(client) -> None:
    r = client.get("/queries", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.content_type.startswith("text/html") and b"DPGs per SDG" in r.data


def test_run_named_query_with_negotiation(client) -> None:
    r = client.get("/queries/dpgs-per-type", headers={"Accept": "text/csv"})
    assert r.status_code == 200
    assert r.data.splitlines()[0] == b"kind,label,products,dpgs"
    assert b"Open data,1,0" in r.data
    r = client.get("/queries/dpgs-per-type?format=json")
    assert r.json["head"]["vars"] == ["kind", "label", "products", "dpgs"]


def test_typed_parameters(client) -> None:
    r = client.get("/queries/dpgs-failing-indicator", query_string={"indicator": "9"})
    assert r.status_code == 200
    assert client.get("/queries/dpgs-failing-indicator").status_code == 400
    r = client.get("/queries/dpgs-per-type", query_string={"bogus": "1"})
    assert r.status_code == 400 and b"unknown parameter" in r.data
    assert client.get("/queries/no-such-query").status_code == 404


def test_parameter_cannot_inject(client) -> None:
    evil = '"} UNION { ?s ?p ?o } #'
    r = client.get("/queries/dpgs-deployed-in-country", query_string={"country": evil})
    assert r.status_code == 200 and r.json["results"]["bindings"] == []


def test_openapi_lists_every_named_query(client) -> None:
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for name in named_queries():
        assert f"/queries/{name}" in doc["paths"]
    params = doc["paths"]["/queries/dpgs-deployed-in-country"]["get"]["parameters"]
    assert params[0] == {"name": "country", "in": "query", "required": True,
                         "description": params[0]["description"], "schema": {"type": "string"}}


def test_api_conforms_to_openapi_and_never_500s(app) -> None:
    """Random inputs from the OpenAPI document, for every operation: each answer matches
    the document (status, content type) and no input makes the server fail with a 500
    (a 503 for a query stopped at the time limit is documented)."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(named_queries()) + 2  # /sparql, /queries

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def check(case: schemathesis.Case) -> None:
            # A schema-valid string need not be valid SPARQL (OpenAPI cannot say so): a 400
            # for it is right, so the "valid data accepted" check does not apply.
            response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
            assert response.status_code < 500 or response.status_code == 503

        check()
