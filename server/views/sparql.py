"""``/sparql``: the SPARQL 1.1 Protocol (query and update) and the service description."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from server.describe import service_description
from server.negotiation import Choice, negotiate
from server.responses import cached_query, not_acceptable, outcome_response, run_write, text_error
from server.safety import check_query
from server.sparql_text import IRI_UNSAFE, Token, scan, tokens
from server.state import state
from server.worker import Job

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    if request.method == "GET":
        params = request.args
        if "update" in params:
            return text_error(400, "SPARQL Update must be sent with POST", "protocol")
        queries, updates = params.getlist("query"), []
        if not queries:
            return service_description()
    elif (bad := _not_utf8()) is not None:
        return bad
    elif request.mimetype == FORM:
        params = _merged(request.args, request.form)
        queries, updates = request.form.getlist("query"), request.form.getlist("update")
    elif request.mimetype in (QUERY_TYPE, UPDATE_TYPE):
        params = request.args
        try:
            body = request.get_data().decode("utf-8")
        except UnicodeDecodeError as exc:
            return text_error(400, f"the request body is not valid UTF-8: {exc}", "protocol")
        queries, updates = ([body], []) if request.mimetype == QUERY_TYPE else ([], [body])
    else:
        return text_error(415, f"POST a SPARQL request as {FORM}, {QUERY_TYPE} or "
                          f"{UPDATE_TYPE}, not {request.mimetype or 'no content type'}",
                          "protocol")
    if len(queries) + len(updates) != 1:
        return text_error(400, "send exactly one 'query' or one 'update' per request",
                          "protocol")
    if updates:
        return _update(updates[0], params)
    return _query(queries[0], params)


def _not_utf8() -> Response | None:
    """415 for a body declared in another charset: SPARQL requests are UTF-8."""
    charset = request.mimetype_params.get("charset")
    if charset is None or charset.strip().lower() in ("utf-8", "utf8"):
        return None
    return text_error(415, f"send the request body as UTF-8 (charset={charset} is not "
                      "accepted)", "protocol")


def _merged(*parts: MultiDict[str, str]) -> MultiDict[str, str]:
    out: MultiDict[str, str] = MultiDict()
    for part in parts:
        for key, value in part.items(multi=True):
            out.add(key, value)
    return out


def _dataset(params: MultiDict[str, str], default_key: str, named_key: str
             ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    default, named = params.getlist(default_key), params.getlist(named_key)
    if not default and not named:
        return None, None
    return tuple(default), tuple(named) if named else ()


def _query(text: str, params: MultiDict[str, str]) -> Response:
    st = state()
    scanned = scan(text)
    check_query(scanned, st.settings.server.service_allowlist)
    choice = negotiate(request.headers.get("Accept"), params.get("format"))
    if _unanswerable(scanned.form, choice):
        return not_acceptable(choice)
    default, named = _dataset(params, "default-graph-uri", "named-graph-uri")
    # A query's own FROM / FROM NAMED defines its dataset; the union is only the default.
    union = st.settings.server.union_default_graph and not scanned.has_from
    # Relative IRIs resolve against the endpoint's URL (the protocol lets the service pick
    # the base; a BASE in the query still wins).
    job = Job("query", text, default, named, union,
              result_format=choice.result, graph_format=choice.graph,
              limit=st.settings.server.result_limit, base_iri=request.base_url)
    return cached_query(job, choice)


def _unanswerable(form: str | None, choice: Choice) -> bool:
    if form in ("SELECT", "ASK"):
        return choice.result is None
    if form in ("CONSTRUCT", "DESCRIBE"):
        return choice.graph is None
    return choice.result is None and choice.graph is None


def authorised() -> Response | None:
    """None when the request may write; else the 403 (writes off) or 401 (bad token)."""
    token = state().settings.server.update_token
    if not token:
        return text_error(403, "This endpoint is read-only: writes are enabled only when "
                          "an update token is configured (DPGKG_UPDATE_TOKEN).", "forbidden")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip(), token):
        return text_error(401, "A valid 'Authorization: Bearer <token>' header is required "
                          "to write.", "unauthorised",
                          **{"WWW-Authenticate": 'Bearer realm="dpgkg"'})
    return None


def _update(text: str, params: MultiDict[str, str]) -> Response:
    denied = authorised()
    if denied is not None:
        return denied
    st = state()
    using, using_named = params.getlist("using-graph-uri"), params.getlist("using-named-graph-uri")
    if using or using_named:
        try:
            text = with_using(text, using, using_named)
        except ValueError as exc:
            return text_error(400, str(exc), "protocol")
    check_query(scan(text), st.settings.server.service_allowlist)
    result = run_write(Job("update", text, base_iri=request.base_url))
    return result if isinstance(result, Response) else outcome_response(result)


# -- using-graph-uri / using-named-graph-uri ----------------------------------------------
def with_using(text: str, default: list[str], named: list[str]) -> str:
    """The update TEXT with the protocol's dataset written into each operation that reads.

    ``USING <g>`` and ``USING NAMED <g>`` clauses are inserted before the ``WHERE`` of every
    DELETE/INSERT operation (a ``DELETE WHERE { P }`` becomes ``DELETE { P } USING ...
    WHERE { P }``); other operations do not read a dataset. Raises ValueError when an
    operation names its own dataset (USING or WITH): the protocol makes that an error.
    """
    for iri in (*default, *named):
        if not iri or IRI_UNSAFE.search(iri):
            raise ValueError(f"using-graph-uri / using-named-graph-uri: {iri!r} is not an IRI")
    clauses = "".join(f"USING <{g}> " for g in default)
    clauses += "".join(f"USING NAMED <{g}> " for g in named)
    inserts: list[tuple[int, str]] = []
    for op in _operations(tokens(text)):
        words = [(i, t) for i, (t, depth) in enumerate(op) if depth == 0 and t.kind == "word"]
        upper = [t.text.upper() for _, t in words]
        first = _first_keyword(upper)
        if first is None or upper[first] not in ("WITH", "DELETE", "INSERT"):
            continue
        if "WITH" in upper or "USING" in upper:
            raise ValueError("using-graph-uri / using-named-graph-uri cannot be combined with "
                             "an update that has its own USING or WITH clause")
        after = upper[first + 1] if first + 1 < len(upper) else ""
        if after == "DATA":
            continue
        where = next((i for i, (_, t) in enumerate(words) if t.text.upper() == "WHERE"), None)
        if where is None:
            continue
        where_tok = words[where][1]
        if upper[first] == "DELETE" and words[where][0] == words[first][0] + 1:
            # DELETE WHERE { P }: the same as DELETE { P } WHERE { P }
            pattern = _group_text(text, op, words[where][0] + 1)
            inserts.append((where_tok.start, f"{pattern} {clauses}"))
        else:
            inserts.append((where_tok.start, clauses))
    for position, clause in sorted(inserts, reverse=True):
        text = text[:position] + clause + text[position:]
    return text


def _operations(toks: list[Token]) -> list[list[tuple[Token, int]]]:
    """Tokens (with their brace depth) of each ';'-separated update operation."""
    ops: list[list[tuple[Token, int]]] = [[]]
    depth = 0
    for tok in toks:
        if tok.kind == "brace" and tok.text == "}":
            depth -= 1
        if depth == 0 and tok.kind == "other" and tok.text == ";":
            ops.append([])
            continue
        ops[-1].append((tok, depth))
        if tok.kind == "brace" and tok.text == "{":
            depth += 1
    return ops


def _first_keyword(upper: list[str]) -> int | None:
    """Index of the operation's keyword, past BASE and PREFIX declarations."""
    for i, word in enumerate(upper):
        if word not in ("BASE", "PREFIX") and not (i > 0 and upper[i - 1] == "PREFIX"):
            return i
    return None


def _group_text(text: str, op: list[tuple[Token, int]], start: int) -> str:
    """The text of the ``{ ... }`` group that opens at or after token index START."""
    open_at = next(i for i in range(start, len(op)) if op[i][0].text == "{")
    depth = op[open_at][1]
    close_at = next(i for i in range(open_at + 1, len(op))
                    if op[i][0].text == "}" and op[i][1] == depth)
    return text[op[open_at][0].start:op[close_at][0].end]
