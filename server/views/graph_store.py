"""``/graph-store``: the SPARQL 1.1 Graph Store HTTP Protocol.

Indirect identification (``?graph=IRI`` or ``?default``) and direct identification (the
request URL under ``/graph-store/`` names the graph). GET and HEAD for everyone; PUT, POST
and DELETE need the update token. A POST to ``/graph-store`` itself creates a new graph
(201 with its IRI in ``Location``); a POST body may be ``multipart/form-data`` with one RDF
document per part. Each write is one new store generation, so readers see the graph before
or after it, never half-written.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response, request

from server.negotiation import GRAPH_TYPES, MEDIA_TYPE, Choice, graph_choice
from server.responses import not_acceptable, outcome_response, run_job, run_write, text_error
from server.views.sparql import authorised
from server.worker import Job

bp = Blueprint("graph_store", __name__)
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
MULTIPART = "multipart/form-data"


@bp.route("/graph-store", methods=METHODS)
def indirect() -> Response:
    has_default = "default" in request.args
    graph = request.args.get("graph")
    if request.method == "POST" and not has_default and graph is None:
        return _create()
    if has_default == (graph is not None):
        return text_error(400, "name exactly one graph: ?graph=<IRI> or ?default", "protocol")
    return _handle("" if has_default else graph or "")


@bp.route("/graph-store/<path:name>", methods=METHODS)
def direct(name: str) -> Response:
    return _handle(request.base_url)


def _handle(graph: str) -> Response:
    if request.method in ("GET", "HEAD"):
        return _get(graph)
    denied = authorised()
    if denied is not None:
        return denied
    if request.method == "DELETE":
        return _write(Job("graph-write", graph=graph, mode="delete"))
    return _write_body(graph, "put" if request.method == "PUT" else "post")


def _create() -> Response:
    """POST to the graph store itself: a new graph, named under /graph-store/ (so direct
    identification finds it too), answered 201 with its IRI in Location."""
    denied = authorised()
    if denied is not None:
        return denied
    graph = f"{request.url_root}graph-store/{uuid.uuid4().hex}"
    response = _write_body(graph, "post")
    if response.status_code in (201, 204):
        response.status_code = 201
        response.headers["Location"] = graph
    return response


def _unsupported(mimetype: str) -> Response:
    known = ", ".join(sorted(k for k in GRAPH_TYPES if "/" in k))
    return text_error(415, f"send RDF as one of: {known}, or multipart/form-data with "
                      f"one of them per part (got {mimetype or 'no content type'})", "protocol")


def _write_body(graph: str, mode: str) -> Response:
    base = graph or request.base_url
    if request.mimetype == MULTIPART:
        if mode != "post":
            return text_error(415, "multipart/form-data is accepted for POST only", "protocol")
        parts = []
        for part in request.files.values():
            part_format = GRAPH_TYPES.get(part.mimetype)
            if part_format is None:
                return _unsupported(part.mimetype)
            parts.append((part.read(), part_format))
        if not parts:
            return text_error(400, "the multipart/form-data body has no RDF parts", "protocol")
        return _write(Job("graph-write", graph=graph, parts=tuple(parts), mode=mode,
                          base_iri=base))
    fmt = GRAPH_TYPES.get(request.mimetype)
    if fmt is None:
        return _unsupported(request.mimetype)
    return _write(Job("graph-write", graph=graph, data=request.get_data(), graph_format=fmt,
                      mode=mode, base_iri=base))


def _get(graph: str) -> Response:
    fmt = graph_choice(request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        return not_acceptable(Choice(None, None))
    result = run_job(Job("graph-get", graph=graph, graph_format=fmt))
    if isinstance(result, Response):
        return result
    response = outcome_response(result)
    if result.status == "ok":
        response.headers["Content-Type"] = MEDIA_TYPE[fmt]
        response.headers["Vary"] = "Accept"
    return response


def _write(job: Job) -> Response:
    result = run_write(job)
    if isinstance(result, Response):
        return result
    if result.status in ("ok", "created"):
        return Response(status=201 if result.status == "created" else 204)
    return outcome_response(result)
