"""``/health`` and ``/metrics`` (Prometheus text format)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from dpgkg import __version__
from server.state import state

bp = Blueprint("ops", __name__)


@bp.route("/health")
def health() -> Response:
    st = state()
    generation = st.generation()
    alive = st.pool.alive()
    ok = bool(generation) and alive > 0
    body = {"status": "ok" if ok else "unavailable", "version": __version__,
            "generation": generation or None, "workers": alive,
            "worker_restarts": st.pool.kills, "cache_entries": len(st.cache)}
    if not generation:
        body["reason"] = f"no store at {st.store_dir}: run 'dpgkg build' first"
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    return response


@bp.route("/metrics")
def metrics() -> Response:
    st = state()
    st.metrics.workers.set(st.pool.alive())
    return Response(generate_latest(st.metrics.registry), content_type=CONTENT_TYPE_LATEST)
