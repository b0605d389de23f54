"""Turning jobs into HTTP responses: the cache, status codes and error messages.

Every user error is a 4xx with a plain-text message (the parser's, with its position);
a query stopped at the time limit, or a busy pool, is a 503 — never a 500.
"""

from __future__ import annotations

import hashlib

from flask import Response, request

from server.cache import Cached
from server.negotiation import MEDIA_TYPE, Choice
from server.pool import JobTimeout, PoolBusy, WorkerLost
from server.sparql_text import error_position
from server.state import state
from server.worker import Job, Outcome

STATUS = {"ok": 200, "created": 201, "syntax": 400, "not-found": 404, "not-acceptable": 406,
          "busy": 503, "no-store": 503, "error": 500}
TRUNCATED_HEADER = "DPGKG-Result-Truncated"


def text_error(status: int, message: str, kind: str, **headers: str) -> Response:
    state().metrics.errors.labels(kind).inc()
    response = Response(message.rstrip() + "\n", status=status,
                        mimetype="text/plain", headers=headers)
    return response


def not_acceptable(choice: Choice) -> Response:
    offered = ", ".join(sorted(set(MEDIA_TYPE.values())))
    return text_error(406, f"no acceptable response type for Accept: "
                      f"{request.headers.get('Accept', '*/*')} (this endpoint offers: {offered})",
                      "not-acceptable")


def run_job(job: Job, timeout: float | None = None) -> Outcome | Response:
    """Run JOB in the pool; an HTTP error response if it could not finish."""
    st = state()
    try:
        return st.run(job, timeout)
    except JobTimeout as exc:
        st.metrics.timeouts.inc()
        return text_error(503, f"Query stopped: {exc}. Narrow it down (LIMIT, more specific "
                          "patterns) or run it on your own copy of the data (/dumps/).",
                          "timeout", **{"Retry-After": "1"})
    except PoolBusy as exc:
        return text_error(503, f"Server busy: {exc}; try again shortly.", "busy",
                          **{"Retry-After": "2"})
    except WorkerLost as exc:
        return text_error(503, f"Query failed: {exc}; it may have needed too much memory.",
                          "worker-lost")


def run_write(job: Job) -> Outcome | Response:
    """Run a writing JOB (update, Graph Store write): one at a time from this server, and a
    success empties the response cache (the new generation would miss it anyway; this
    frees the memory at once)."""
    st = state()
    with st.write_lock:
        result = run_job(job)
    if not isinstance(result, Response) and result.status in ("ok", "created"):
        st.cache.clear()
    return result


def outcome_response(outcome: Outcome, choice: Choice | None = None) -> Response:
    """The HTTP response for a finished job."""
    status = STATUS.get(outcome.status, 500)
    if outcome.status == "not-acceptable" and choice is not None:
        return not_acceptable(choice)
    if outcome.status == "syntax":
        where = error_position(outcome.message)
        suffix = f" (line {where[0]}, column {where[1]})" if where else ""
        return text_error(400, f"Malformed request{suffix}: {outcome.message}", "syntax")
    if status >= 400:
        return text_error(status, outcome.message or outcome.status, outcome.status,
                          **({"Retry-After": "2"} if status == 503 else {}))
    if not outcome.format:
        return Response(outcome.message + "\n" if outcome.message else "", status=status,
                        mimetype="text/plain")
    response = Response(outcome.body, status=status, content_type=MEDIA_TYPE[outcome.format])
    if outcome.truncated:
        response.headers[TRUNCATED_HEADER] = f"true; limit={outcome.count}"
    return response


def cached_query(job: Job, choice: Choice) -> Response:
    """Answer a read-only query job from the cache, or run it and cache a success."""
    st = state()
    generation = st.generation()
    key = (generation, job)  # the job holds the query, dataset, formats and row limit
    etag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
    hit = st.cache.get(key)
    if hit is not None:
        st.metrics.cache_hits.inc()
        response = Response(hit.body, content_type=hit.media_type, headers=list(hit.headers))
    else:
        st.metrics.cache_misses.inc()
        result = run_job(job)
        if isinstance(result, Response):
            return result
        response = outcome_response(result, choice)
        if result.status == "ok" and generation == st.generation():
            extra = tuple((k, v) for k, v in response.headers.items() if k == TRUNCATED_HEADER)
            st.cache.put(key, Cached(response.get_data(), response.content_type, extra))
    if response.status_code == 200:
        response.set_etag(etag)
        response.headers["Vary"] = "Accept"
        response.make_conditional(request)  # turns it into a 304 when the ETag matches
    return response
