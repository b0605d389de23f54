"""Shared fixtures: paths to real data (skipped when absent) and built stores."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dpgkg.build import build
from dpgkg.config import Settings
from dpgkg.store import OxigraphStore

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
def fixture_registry(tmp_path: Path) -> Path:
    """A writable copy of the project's small fixture registry."""
    target = tmp_path / "registry"
    shutil.copytree(FIXTURES / "registry", target)
    return target


@pytest.fixture()
def fixture_settings(tmp_path: Path, fixture_registry: Path) -> Settings:
    return Settings(registry=str(fixture_registry), store=tmp_path / "store",
                    cache=tmp_path / "cache")
