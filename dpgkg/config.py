"""Settings: the only module that reads the environment.

Every ``DPGKG_*`` variable is read here and nowhere else; command-line flags override them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dpgkg.namespaces import DEFAULT_BASE

#: Environment variables dpgkg understands (a public contract: see the README).
ENV_VARS = {
    "DPGKG_REGISTRY": "registry folder or archive URL",
    "DPGKG_SDG": "folder or file with the UN SDG vocabulary (SKOS)",
    "DPGKG_STORE": "directory of the embedded Oxigraph store",
    "DPGKG_BASE_IRI": "base IRI for minted instance IRIs",
    "DPGKG_CACHE": "download cache directory",
    "DPGKG_SHARED_DATA": "path of the shared data folder (tests and benchmarks)",
}


def _default_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "dpgkg"


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one dpgkg invocation."""

    registry: str | None = None
    sdg: str | None = None
    store: Path = Path("dpgkg-store")
    base_iri: str = DEFAULT_BASE
    cache: Path = field(default_factory=_default_cache)
    shared_data: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        shared = env.get("DPGKG_SHARED_DATA")
        return cls(
            registry=env.get("DPGKG_REGISTRY") or None,
            sdg=env.get("DPGKG_SDG") or None,
            store=Path(env.get("DPGKG_STORE") or "dpgkg-store"),
            base_iri=env.get("DPGKG_BASE_IRI") or DEFAULT_BASE,
            cache=Path(env["DPGKG_CACHE"]) if env.get("DPGKG_CACHE") else _default_cache(),
            shared_data=Path(shared) if shared else None,
        )

    def with_overrides(self, **overrides: Any) -> Settings:
        """Return a copy where every override that is not None replaces the setting."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if "store" in given:
            given["store"] = Path(given["store"])
        if "cache" in given:
            given["cache"] = Path(given["cache"])
        return replace(self, **given)


def shared_data_dir(settings: Settings | None = None) -> Path | None:
    """The shared real-data folder: ``DPGKG_SHARED_DATA``, else ``../shared/data``."""
    settings = settings or Settings.from_env()
    if settings.shared_data is not None:
        return settings.shared_data if settings.shared_data.is_dir() else None
    guess = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
    return guess if guess.is_dir() else None
