"""``/id/…``: linked-data pages, so the graph's own IRIs dereference.

``https://w3id.org/dpgkg/id/dpg/<record>`` redirects (through w3id.org) to this server's
``/id/dpg/<record>``: browsers get an HTML page of the resource's statements, RDF clients
its description (its own statements plus those of the nodes minted under it, like a
concise bounded description) in the negotiated format.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.negotiation import Choice, graph_choice
from server.responses import cached_query, not_acceptable, run_job, text_error
from server.sparql_text import IRI_UNSAFE
from server.state import state
from server.worker import Job

bp = Blueprint("resource", __name__, template_folder="../templates")


def _wants_html() -> bool:
    accept = parse_accept_header(request.headers.get("Accept"), MIMEAccept)
    return accept.best_match(["text/turtle", "text/html"]) == "text/html"


@bp.route("/id/<path:rest>")
def resource(rest: str) -> Response:
    st = state()
    iri = f"{st.settings.base_iri}id/{rest}"
    if IRI_UNSAFE.search(iri):  # the IRI is written into SPARQL text below
        return text_error(400, f"not an IRI: {iri!r}", "protocol")
    # Its own statements, and those of the nodes minted under it (screening, repositories,
    # SDG claims) up to two links away: what a reader needs to make sense of the record.
    # Walked from the resource (index lookups), never by scanning every subject.
    under = f'STRSTARTS(STR(?x), "{iri}/")'
    where = (f"{{ BIND(<{iri}> AS ?s) ?s ?p ?o }} UNION "
             f"{{ <{iri}> ?a ?x . FILTER({under}) BIND(?x AS ?s) ?s ?p ?o }} UNION "
             f"{{ <{iri}> ?a ?y . ?y ?b ?x . FILTER({under} && STRSTARTS(STR(?y), \"{iri}/\")) "
             f"BIND(?x AS ?s) ?s ?p ?o }}")
    if request.args.get("format") is None and _wants_html():
        return _html(iri, where)
    fmt = graph_choice(request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        return not_acceptable(Choice(None, None))
    job = Job("query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", union=True,
              graph_format=fmt, result_format=None, limit=st.settings.server.result_limit)
    response = cached_query(job, Choice(None, fmt))
    if response.status_code == 200 and not response.get_data():
        return text_error(404, f"nothing is known about <{iri}>", "not-found")
    return response


def _html(iri: str, where: str) -> Response:
    st = state()
    job = Job("query", f"SELECT ?s ?p ?o WHERE {{ {where} }} ORDER BY ?s ?p ?o",
              union=True, result_format="json", limit=5000)
    result = run_job(job)
    if isinstance(result, Response):
        return result
    if result.status != "ok":
        return text_error(500, result.message, "resource")
    rows: list[dict[str, Any]] = json.loads(result.body)["results"]["bindings"]
    if not rows:
        return text_error(404, f"nothing is known about <{iri}>", "not-found")
    base = f"{st.settings.base_iri}id/"
    groups: dict[str, list[tuple[dict[str, str], dict[str, str]]]] = {}
    for row in rows:
        groups.setdefault(row["s"]["value"], []).append((row["p"], row["o"]))
    return Response(render_template("resource.html", iri=iri, groups=groups, base=base,
                                    truncated=result.truncated),
                    mimetype="text/html", headers={"Vary": "Accept"})
