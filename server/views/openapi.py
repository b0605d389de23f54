"""``/openapi.json``: an OpenAPI 3.0 document of the endpoint and every named query."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from dpgkg import __version__
from server.negotiation import GRAPH_TYPES, RESULT_TYPES
from server.state import state
from server.views.queries import param_doc, param_type

bp = Blueprint("openapi", __name__)

_SCHEMA_OF = {"integer": {"type": "integer"}, "iri": {"type": "string", "format": "uri"},
              "string": {"type": "string"}}
_TEXT = {"text/plain": {"schema": {"type": "string"}}}


def _answers(kinds: dict[str, str]) -> dict[str, Any]:
    content: dict[str, Any] = {media: {"schema": {}} for media in kinds}
    return {
        "200": {"description": "the results, in the negotiated format", "content": content},
        "304": {"description": "not modified (If-None-Match)"},
        "400": {"description": "malformed query or parameter", "content": _TEXT},
        "403": {"description": "refused (SERVICE not allow-listed, LOAD)", "content": _TEXT},
        "404": {"description": "no such query", "content": _TEXT},
        "406": {"description": "no acceptable format", "content": _TEXT},
        "413": {"description": "request too large", "content": _TEXT},
        "414": {"description": "request URL too long", "content": _TEXT},
        "503": {"description": "stopped at the time limit, or busy", "content": _TEXT},
    }


def _format_param() -> dict[str, Any]:
    return {"name": "format", "in": "query", "required": False,
            "description": "overrides Accept: json, xml, csv, tsv, turtle, nt, jsonld, rdfxml",
            "schema": {"type": "string"}}


def document(server_url: str) -> dict[str, Any]:
    both = {**RESULT_TYPES, **GRAPH_TYPES}
    paths: dict[str, Any] = {
        "/sparql": {"get": {
            "summary": "SPARQL 1.1 query (without a query: the service description)",
            "operationId": "sparqlQuery",
            "parameters": [
                {"name": "query", "in": "query", "required": True,
                 "schema": {"type": "string"}, "description": "SPARQL 1.1 query text"},
                {"name": "default-graph-uri", "in": "query", "required": False,
                 "schema": {"type": "array", "items": {"type": "string"}},
                 "style": "form", "explode": True},
                {"name": "named-graph-uri", "in": "query", "required": False,
                 "schema": {"type": "array", "items": {"type": "string"}},
                 "style": "form", "explode": True},
                _format_param()],
            "responses": _answers(both)}},
        "/queries": {"get": {
            "summary": "the named queries, with their parameters",
            "operationId": "listQueries",
            "responses": {"200": {"description": "the list", "content": {
                "application/json": {"schema": {"type": "object",
                                                "required": ["queries"]}},
                "text/html": {"schema": {"type": "string"}}}}}}},
    }
    for q in state().queries.values():
        params = [{"name": n, "in": "query", "required": True, "description": param_doc(d),
                   "schema": _SCHEMA_OF.get(param_type(d), {"type": "string"})}
                  for n, d in q.params.items()]
        paths[f"/queries/{q.name}"] = {"get": {
            "summary": q.title, "description": q.description,
            "operationId": f"query_{q.name.replace('-', '_')}",
            "parameters": [*params, _format_param()],
            "responses": _answers(both)}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "dpgkg SPARQL endpoint and named queries", "version": __version__,
                 "license": {"name": "Apache-2.0"}},
        "servers": [{"url": server_url}],
        "paths": paths,
    }


@bp.route("/openapi.json")
def openapi() -> Response:
    return jsonify(document(request.url_root.rstrip("/")))
