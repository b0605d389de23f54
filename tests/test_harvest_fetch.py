"""The harvester's HTTP fetcher against a local server that misbehaves on purpose
(``server``: tests/catalogue_server.py's CatalogueServer)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dpgkg import __version__
from dpgkg.catalogues.fetch import Fetcher, FetchError, local_files, read_local
from dpgkg.config import HarvestSettings
from tests.catalogue_server import CatalogueServer

FAST = HarvestSettings(timeout=0.5, max_bytes=1_000_000, retries=2, backoff=0.01)

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
