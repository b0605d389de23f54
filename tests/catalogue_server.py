"""A local catalogue server for the harvest tests, misbehaving on purpose when asked.

``CatalogueServer`` is http.server in a thread on 127.0.0.1: each route answers bytes with a
media type, and can fail its first N requests with 500, stall, lie about its type, be
oversized or redirect. tests/conftest.py serves one per test as the ``server`` fixture.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes | Callable[[], bytes] = b""
    content_type: str = "text/turtle"
    status: int = 200
    fail_first: int = 0  # answer fail_status to this many requests first
    fail_status: int = 500
    stall: float = 0.0  # sleep before answering (a stall: longer than the client timeout)
    stall_first: int = 0  # stall only this many requests (0: every one)
    location: str = ""  # a redirect target (status 302)
    no_length: bool = False  # send no Content-Length, close the connection at the end


class CatalogueServer:
    """Routes by path (query included); ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.headers: dict[str, dict[str, str]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output quiet
                pass

            def do_GET(self) -> None:
                n = server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.headers[self.path] = dict(self.headers)
                route = server.routes.get(self.path)
                if route is None:
                    return self._send(404, "text/plain", b"not found")
                if route.stall and (not route.stall_first or n <= route.stall_first):
                    time.sleep(route.stall)
                if n <= route.fail_first:
                    return self._send(route.fail_status, "text/plain", b"boom")
                if route.location:
                    self.send_response(302)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                body = route.body() if callable(route.body) else route.body
                return self._send(route.status, route.content_type, body, route.no_length)

            def _send(self, status: int, ctype: str, body: bytes, no_length: bool = False
                      ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                if no_length:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # The client may have given up (a refused or timed-out response).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def add(self, path: str, route: Route | None = None, **kw: object) -> str:
        self.routes[path] = route or Route(**kw)  # type: ignore[arg-type]
        return self.url + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
