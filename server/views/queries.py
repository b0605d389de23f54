"""``/queries``: the named queries of ``queries/*.rq`` as a web API (like grlc).

Each query's comment header gives its title, description and typed parameters
(``# @param name type: text``); ``/queries/<name>?param=value`` runs it with the same
content negotiation as ``/sparql``. Parameter values become single escaped RDF terms.
"""

from __future__ import annotations

from html import escape
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from dpgkg.query import NamedQuery, QueryError, substitute, typed_params
from server.negotiation import negotiate
from server.responses import cached_query, text_error
from server.state import state
from server.worker import Job

bp = Blueprint("queries", __name__)
RESERVED = ("format",)


def param_type(doc: str) -> str:
    return (doc.split() or ["string"])[0]


def param_doc(doc: str) -> str:
    return doc.split(None, 1)[1] if len(doc.split(None, 1)) > 1 else ""


def describe_query(q: NamedQuery) -> dict[str, Any]:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "parameters": [{"name": n, "type": param_type(d), "description": param_doc(d),
                        "required": True} for n, d in q.params.items()],
        "url": url_for("queries.run", name=q.name, _external=True),
        "sparql": q.text,
    }


def _wants_html() -> bool:
    accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
    return accept.best_match(["application/json", "text/html"]) == "text/html"


@bp.route("/queries")
def index() -> Response:
    listed = [describe_query(q) for q in state().queries.values()]
    if request.args.get("format") != "json" and _wants_html():
        return Response(_html(listed), mimetype="text/html")
    return jsonify({"queries": listed})


@bp.route("/queries/<name>")
def run(name: str) -> Response:
    queries = state().queries
    if name not in queries:
        return text_error(404, f"no named query {name!r} (known: {', '.join(queries)})",
                          "not-found")
    query = queries[name]
    values = {k: v for k, v in request.args.items() if k not in RESERVED}
    missing = [p for p in query.params if p not in values]
    if missing:
        return text_error(400, f"query {name!r} needs the parameter(s): {', '.join(missing)}",
                          "parameter")
    try:
        terms = typed_params(query, values)
    except QueryError as exc:
        return text_error(400, str(exc), "parameter")
    choice = negotiate(request.headers.get("Accept"), request.args.get("format"))
    st = state()
    job = Job("query", substitute(query.text, terms), union=True, named_prefixes=True,
              result_format=choice.result, graph_format=choice.graph,
              limit=st.settings.server.result_limit)
    return cached_query(job, choice)


def _html(listed: list[dict[str, Any]]) -> str:
    items = []
    for q in listed:
        params = "".join(
            f"<li><code>{escape(p['name'])}</code> ({escape(p['type'])}): "
            f"{escape(p['description'])}</li>" for p in q["parameters"])
        items.append(
            f"<section><h2><a href=\"{escape(q['url'])}\">{escape(q['title'])}</a></h2>"
            f"<p>{escape(q['description'])}</p>"
            f"{'<ul>' + params + '</ul>' if params else ''}"
            f"<pre>{escape(q['sparql'])}</pre></section>")
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>dpgkg named queries</title></head><body><h1>Named queries</h1>"
            "<p>Run one at <code>/queries/&lt;name&gt;?param=value</code>; "
            "<a href=\"/openapi.json\">OpenAPI</a>.</p>" + "".join(items) + "</body></html>")
