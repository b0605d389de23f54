"""Shared fixtures: paths to real data (skipped when absent) and built stores."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from dpgkg.build import build
from dpgkg.config import Settings
from dpgkg.store import OxigraphStore
from tests.catalogue_server import CatalogueServer

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_data() -> Path | None:
    env = os.environ.get("DPGKG_SHARED_DATA")
    path = Path(env) if env else ROOT.parent / "shared" / "data"
    return path if path.is_dir() else None


def _need(rel: str) -> Path:
    base = shared_data()
    if base is None or not (base / rel).exists():
        pytest.skip(f"real data {rel} not available: set DPGKG_SHARED_DATA or place "
                    f"shared/data beside the project")
    return base / rel


@pytest.fixture(scope="session")
def registry_dir() -> Path:
    """The real DPG registry snapshot (read-only)."""
    return _need("dpg-registry")


@pytest.fixture(scope="session")
def sdg_dir() -> Path:
    """The real UN SDG KOS files (read-only)."""
    return _need("sdg")


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory, registry_dir: Path, sdg_dir: Path
               ) -> OxigraphStore:
    """The real registry and SDG vocabulary built once into a store for the session."""
    directory = tmp_path_factory.mktemp("real-store")
    settings = Settings(registry=str(registry_dir), sdg=str(sdg_dir), store=directory,
                        cache=directory / "cache")
    report = build(settings)
    assert not report.problems.errors, [p.line() for p in report.problems.errors]
    return OxigraphStore(directory)


@pytest.fixture()
def server() -> Iterator[CatalogueServer]:
    """A local catalogue server for the harvest tests (tests/test_source.py has its own)."""
    srv = CatalogueServer()
    yield srv
    srv.stop()


@pytest.fixture()
def fixture_registry(tmp_path: Path) -> Path:
    """A writable copy of the project's small fixture registry."""
    target = tmp_path / "registry"
    shutil.copytree(FIXTURES / "registry", target)
    return target


@pytest.fixture()
def fixture_settings(tmp_path: Path, fixture_registry: Path) -> Settings:
    return Settings(registry=str(fixture_registry), store=tmp_path / "store",
                    cache=tmp_path / "cache")


# -- the SPARQL endpoint (server/) ------------------------------------------------------
UPDATE_TOKEN = "test-token-0123456789"


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's fixture registry (always present) built once into a store."""
    directory = tmp_path_factory.mktemp("fixture-store")
    settings = Settings(registry=str(FIXTURES / "registry"), store=directory / "store",
                        cache=directory / "cache")
    build(settings)
    return directory / "store"


@contextlib.contextmanager
def running_app(store: Path, cache: Path, **server: object) -> Iterator[Flask]:
    """An app over STORE with 2 query workers and these server settings, closed afterwards."""
    from dpgkg.config import ServerSettings
    from server import close_app, create_app

    settings = Settings(store=store, cache=cache,
                        server=ServerSettings(workers=2, **server))  # type: ignore[arg-type]
    application = create_app(settings)
    try:
        yield application
    finally:
        close_app(application)


@pytest.fixture(scope="session")
def app(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """A read-only app over the fixture store (no update token), shared by the session."""
    with running_app(fixture_store, tmp_path_factory.mktemp("cache"),
                     query_timeout=5.0) as application:
        application.config["TESTING"] = True
        yield application


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def writable_app(tmp_path: Path, fixture_store: Path):
    """An app with an update token over a private copy of the fixture store."""
    store = tmp_path / "store"
    shutil.copytree(fixture_store, store, symlinks=True)
    with running_app(store, tmp_path / "cache", update_token=UPDATE_TOKEN,
                     query_timeout=10.0) as application:
        application.config["TESTING"] = True
        yield application


@pytest.fixture()
def writer(writable_app):
    return writable_app.test_client()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real ``dpgkg serve`` process (waitress, worker processes) on a loopback port."""

    def __init__(self, store: Path, cache: Path, **env: str) -> None:
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {**os.environ, "DPGKG_CACHE": str(cache), **env}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dpgkg.cli", "serve", "--store", str(store),
             "--port", str(self.port)], env=environ, stderr=subprocess.PIPE, text=True)
        self._wait()

    def _wait(self) -> None:
        import time

        import requests

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dpgkg serve exited: {self.process.stderr.read()}")
            try:
                if requests.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("dpgkg serve did not answer /health within 30 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except Exception:
            self.process.kill()


@pytest.fixture(scope="session")
def live_server(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory):
    """``dpgkg serve`` over the fixture store: read-only, 2 s query timeout."""
    server = LiveServer(fixture_store, tmp_path_factory.mktemp("live-cache"),
                        DPGKG_QUERY_TIMEOUT="2", DPGKG_WORKERS="2")
    yield server
    server.stop()


@contextlib.contextmanager
def empty_writable_server(directory: Path) -> Iterator[LiveServer]:
    """``dpgkg serve`` over a fresh empty store: update token set, union default graph off
    (what the W3C suites expect of a plain SPARQL 1.1 service)."""
    OxigraphStore(directory / "store").replace_graphs({})  # an empty generation
    server = LiveServer(directory / "store", directory / "cache",
                        DPGKG_UPDATE_TOKEN=UPDATE_TOKEN, DPGKG_UNION_DEFAULT_GRAPH="0",
                        DPGKG_WORKERS="2")
    try:
        yield server
    finally:
        server.stop()
