"""``/dumps/``: the whole graph as gzipped N-Quads, and each named graph as Turtle.

Dumps are written once per store generation into the cache directory by a worker (so a
slow dump never blocks the server), then served as static files with ETags.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Blueprint, Response, jsonify, request, send_file

from dpgkg.namespaces import IRIs
from server.responses import run_job, text_error
from server.state import state
from server.worker import Job

bp = Blueprint("dumps", __name__)
ALL = "dpgkg.nq.gz"
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def available() -> dict[str, str | None]:
    """File name -> the graph it holds (None: every graph, as N-Quads)."""
    st = state()
    prefix = IRIs(st.settings.base_iri).graph("")
    files: dict[str, str | None] = {ALL: None}
    for graph in sorted(st.stats().get("graphs", {})):
        if graph.startswith(prefix) and "/" not in graph[len(prefix):]:
            files[f"{graph[len(prefix):]}.ttl"] = graph
    return files


@bp.route("/dumps/")
def index() -> Response:
    base = request.url_root
    return jsonify({"generation": state().generation(),
                    "dumps": [{"file": name, "graph": graph, "url": f"{base}dumps/{name}"}
                              for name, graph in available().items()]})


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    st = state()
    files = available()
    if name not in files:
        return text_error(404, f"no dump {name!r} (available: {', '.join(files)})",
                          "not-found")
    generation = st.generation()
    path = Path(st.settings.cache) / "dumps" / generation / name
    with _lock_for(str(path)):
        if not path.exists():
            # A dump of a large store takes longer than a query: allow it more time.
            result = run_job(Job("dump", graph=files[name], path=str(path)),
                             timeout=max(120.0, 10 * st.settings.server.query_timeout))
            if isinstance(result, Response):
                return result
            if result.status != "ok":
                return text_error(503, result.message, "dump")
    mimetype = "application/n-quads" if name.endswith(".nq.gz") else "text/turtle"
    response = send_file(path, mimetype=mimetype, conditional=True, etag=True,
                         download_name=name, max_age=60)
    if name.endswith(".gz"):
        response.headers["Content-Type"] = "application/n-quads"
        response.headers["Content-Encoding"] = "gzip"
    return response


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())
