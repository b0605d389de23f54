"""A registry given as the URL of a repository archive: downloaded once, cached, checksummed."""

from __future__ import annotations

import hashlib
import http.server
import io
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpgkg.registry.reader import read_registry
from dpgkg.registry.source import RegistrySourceError, resolve_registry
from tests.conftest import FIXTURES


def _tar(prefix: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        tf.add(FIXTURES / "registry", arcname=prefix)
    return buf.getvalue()


def _zip(prefix: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in (FIXTURES / "registry").rglob("*.json"):
            zf.write(f, f"{prefix}/{f.relative_to(FIXTURES / 'registry')}")
    return buf.getvalue()


class _Server:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files, self.hits = files, 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits += 1
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture()
def server() -> Iterator[_Server]:
    srv = _Server({"/main.tar.gz": _tar("publicgoods-candidates-main"),
                   "/main.zip": _zip("publicgoods-candidates-main"),
                   "/evil.tar.gz": _evil_tar()})
    yield srv
    srv.httpd.shutdown()


def _evil_tar() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = b"{}"
        info = tarfile.TarInfo("../../escape.json")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("name", ["main.tar.gz", "main.zip"])
def test_archive_downloaded_once_and_read(server: _Server, tmp_path: Path, name: str) -> None:
    src = resolve_registry(f"{server.url}/{name}", tmp_path / "cache")
    assert src.archive_sha256 == hashlib.sha256(server.files[f"/{name}"]).hexdigest()
    batch = read_registry(src.folder)
    assert {r.record_id for r in batch.records} == {"open-clinic", "rain-atlas"}
    again = resolve_registry(f"{server.url}/{name}", tmp_path / "cache")
    assert again.folder == src.folder
    assert server.hits == 1  # cached


def test_checksum_mismatch_is_refused(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(RegistrySourceError, match="does not match"):
        resolve_registry(f"{server.url}/main.tar.gz", tmp_path / "cache", sha256="0" * 64)


def test_unsafe_archive_is_refused(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(RegistrySourceError):
        resolve_registry(f"{server.url}/evil.tar.gz", tmp_path / "cache")
    assert not (tmp_path / "escape.json").exists()


def test_http_error_is_a_clear_message(server: _Server, tmp_path: Path) -> None:
    with pytest.raises(RegistrySourceError, match="cannot download"):
        resolve_registry(f"{server.url}/missing.tar.gz", tmp_path / "cache")
    assert not list((tmp_path / "cache" / "archives").glob("*.part"))


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(RegistrySourceError, match="no such folder"):
        resolve_registry(str(tmp_path / "nope"), tmp_path / "cache")
