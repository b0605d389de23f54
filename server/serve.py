"""``dpgkg serve``: the app under waitress, a production WSGI server.

waitress threads read requests and wait on the query workers; the SPARQL work itself runs
in the worker processes, so a slow query holds a thread, never the server.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

import waitress

from dpgkg.config import Settings
from server.app import close_app, create_app


def serve(settings: Settings, threads: int = 16) -> None:
    """Serve until interrupted (SIGINT or SIGTERM), then stop the workers."""
    app = create_app(settings)
    srv = settings.server

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"dpgkg: serving {settings.store} at http://{srv.host}:{srv.port}/ "
          f"(SPARQL at /sparql; {srv.workers} query workers; query timeout "
          f"{srv.query_timeout:g} s; updates {'on' if srv.update_token else 'off'})",
          file=sys.stderr, flush=True)
    try:
        waitress.serve(app, host=srv.host, port=srv.port, threads=threads,
                       max_request_body_size=srv.max_request_bytes + 1024,
                       channel_timeout=max(60, int(srv.query_timeout * 3)),
                       ident="dpgkg", clear_untrusted_proxy_headers=True)
    except KeyboardInterrupt:
        pass
    finally:
        close_app(app)
