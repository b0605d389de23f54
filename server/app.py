"""The app factory: Flask, one blueprint per view, metrics and error handling.

``create_app(settings)`` starts the app's query worker processes (see server/pool.py);
``close_app(app)`` stops them. ``dpgkg serve`` runs the app under waitress.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from dpgkg.config import Settings
from server.cache import ResponseCache
from server.negotiation import BadFormat
from server.pool import WorkerPool
from server.responses import text_error
from server.safety import Refused
from server.state import EXTENSION, ServerState


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app for SETTINGS (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    srv = settings.server
    state = ServerState(settings, WorkerPool(settings.store, srv.workers),
                        ResponseCache(srv.query_cache_size))
    app.extensions[EXTENSION] = state
    _register_views(app)
    _instrument(app, state)
    if srv.cors_origins:
        wildcard = srv.cors_origins.strip() == "*"
        CORS(app, origins="*" if wildcard else srv.cors_origins.split(), send_wildcard=wildcard,
             expose_headers=["DPGKG-Result-Truncated", "ETag"],
             allow_headers=["Authorization", "Content-Type", "Accept"])
    return app


def close_app(app: Flask) -> None:
    """Stop the app's worker processes."""
    app.extensions[EXTENSION].close()


def _register_views(app: Flask) -> None:
    from server import describe
    from server.views import dumps, graph_store, openapi, ops, queries, resource, sparql, ui

    for module in (sparql, describe, graph_store, queries, openapi, dumps, ops, resource, ui):
        app.register_blueprint(module.bp)


def _instrument(app: Flask, state: ServerState) -> None:
    limit = state.settings.server.max_request_bytes

    @app.before_request
    def start_timer() -> Response | None:
        g.started = time.perf_counter()
        if len(request.query_string) > limit:
            return Response(f"request URL longer than {limit} bytes: POST the query\n",
                            status=414, mimetype="text/plain")
        return None

    @app.after_request
    def record(response: Response) -> Response:
        endpoint = request.endpoint or "unmatched"
        state.metrics.requests.labels(endpoint, request.method,
                                      str(response.status_code)).inc()
        if "started" in g:
            state.metrics.latency.labels(endpoint).observe(time.perf_counter() - g.started)
        return response

    # A request's own mistakes, raised from any view: one place turns them into answers.
    @app.errorhandler(BadFormat)
    def bad_format(exc: BadFormat) -> Response:
        return text_error(400, str(exc), "protocol")

    @app.errorhandler(Refused)
    def refused(exc: Refused) -> Response:
        return text_error(403, str(exc), "refused")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # Plain text like every other error here (Flask's default is an HTML page).
        state.metrics.errors.labels(f"http-{exc.code}").inc()
        return Response(f"{exc.name}: {exc.description}\n", status=exc.code or 500,
                        mimetype="text/plain")
