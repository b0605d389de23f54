"""The harvester's HTTP fetcher against a local server that misbehaves on purpose.

``CatalogueServer`` (also used by tests/test_harvest.py) is http.server in a thread on
127.0.0.1: each route answers bytes with a media type, and can fail its first N requests
with 500, stall, lie about its type, be oversized or redirect.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dpgkg import __version__
from dpgkg.catalogues.fetch import Fetcher, FetchError, local_files, read_local
from dpgkg.config import HarvestSettings

FAST = HarvestSettings(timeout=0.5, max_bytes=1_000_000, retries=2, backoff=0.01)


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


@pytest.fixture()
def server() -> Iterator[CatalogueServer]:
    srv = CatalogueServer()
    yield srv
    srv.stop()


TTL = b'<https://example.org/d> a <http://www.w3.org/ns/dcat#Dataset> .\n'


def test_user_agent_accept_and_body(server: CatalogueServer) -> None:
    url = server.add("/a.ttl", body=TTL, content_type="text/turtle; charset=utf-8")
    with Fetcher(FAST) as f:
        resp = f.get(url, ("text/turtle", "application/rdf+xml"))
    assert resp.body == TTL and resp.content_type == "text/turtle"
    sent = server.headers["/a.ttl"]
    assert sent["User-Agent"] == f"dpgkg/{__version__} (+https://w3id.org/dpgkg)"
    assert sent["Accept"].startswith("text/turtle, application/rdf+xml;q=0.9")


def test_500_is_retried_then_succeeds(server: CatalogueServer) -> None:
    url = server.add("/flaky", body=TTL, fail_first=2)
    with Fetcher(FAST) as f:
        assert f.get(url, ("text/turtle",)).body == TTL
    assert server.hits["/flaky"] == 3


def test_500_every_time_is_reported_after_retries(server: CatalogueServer) -> None:
    url = server.add("/down", body=TTL, fail_first=99)
    with Fetcher(FAST) as f, pytest.raises(FetchError, match="500"):
        f.get(url, ("text/turtle",))
    assert server.hits["/down"] == FAST.retries + 1


def test_a_stall_is_retried_then_reported(server: CatalogueServer) -> None:
    url = server.add("/stall", body=TTL, stall=2.0)
    t0 = time.monotonic()
    with Fetcher(FAST) as f, pytest.raises(FetchError, match=r"0\.5 s|timed out|retries"):
        f.get(url, ("text/turtle",))
    assert time.monotonic() - t0 < 10
    assert server.hits["/stall"] == FAST.retries + 1


def test_a_stall_once_recovers(server: CatalogueServer) -> None:
    url = server.add("/stall-once", body=TTL, stall=1.5, stall_first=1)
    with Fetcher(FAST) as f:
        assert f.get(url, ("text/turtle",)).body == TTL


def test_unexpected_media_type_is_refused(server: CatalogueServer) -> None:
    url = server.add("/html", body=b"<html>login</html>", content_type="text/html")
    with Fetcher(FAST) as f, pytest.raises(FetchError, match="unexpected media type text/html"):
        f.get(url, ("text/turtle", "application/rdf+xml"))


def test_oversized_responses_are_refused(server: CatalogueServer) -> None:
    small = HarvestSettings(timeout=2, max_bytes=1000, retries=0, backoff=0)
    declared = server.add("/big", body=b"#" * 5000)
    streamed = server.add("/big-stream", body=b"#" * 500_000, no_length=True)
    with Fetcher(small) as f:
        with pytest.raises(FetchError, match="5000 bytes is over the 1000-byte limit"):
            f.get(declared, ("text/turtle",))
        with pytest.raises(FetchError, match="passed the 1000-byte limit"):
            f.get(streamed, ("text/turtle",))


def test_redirects_followed_only_to_http(server: CatalogueServer) -> None:
    target = server.add("/target", body=TTL)
    ok = server.add("/moved", location="/target")
    bad = server.add("/to-file", location="file:///etc/passwd")
    with Fetcher(FAST) as f:
        resp = f.get(ok, ("text/turtle",))
        assert resp.body == TTL and resp.url == target
        with pytest.raises(FetchError, match="non-http"):
            f.get(bad, ("text/turtle",))


def test_429_is_retried(server: CatalogueServer) -> None:
    url = server.add("/busy", body=TTL, fail_first=1, fail_status=429)
    with Fetcher(FAST) as f:
        assert f.get(url, ()).body == TTL
    assert server.hits["/busy"] == 2


def test_connection_refused_is_reported() -> None:
    with Fetcher(HarvestSettings(timeout=0.5, retries=1, backoff=0.01)) as f, \
            pytest.raises(FetchError, match="retries"):
        f.get("http://127.0.0.1:9/nothing", ())


def test_local_folder_sorted_and_size_limited(tmp_path: Path) -> None:
    (tmp_path / "b.ttl").write_bytes(TTL)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.ttl").write_bytes(TTL)
    (tmp_path / ".hidden.ttl").write_bytes(TTL)
    files = local_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a/z.ttl", "b.ttl"]
    resp = read_local(files[1], FAST)
    assert resp.url.startswith("file://") and resp.content_type == ""
    with pytest.raises(FetchError, match="over the 10-byte limit"):
        read_local(files[1], HarvestSettings(max_bytes=10))
    with pytest.raises(FileNotFoundError):
        local_files(tmp_path / "missing")
