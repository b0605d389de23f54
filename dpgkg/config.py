"""Settings: the only module that reads the environment.

Every ``DPGKG_*`` variable is read here and nowhere else; command-line flags override them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from dpgkg.namespaces import DEFAULT_BASE

#: Environment variables dpgkg understands (a public contract: see the README).
ENV_VARS = {
    "DPGKG_REGISTRY": "registry folder or archive URL",
    "DPGKG_SDG": "folder or file with the UN SDG vocabulary (SKOS)",
    "DPGKG_STORE": "directory of the embedded Oxigraph store",
    "DPGKG_BASE_IRI": "base IRI for minted instance IRIs",
    "DPGKG_CACHE": "download cache directory",
    "DPGKG_SHARED_DATA": "path of the shared data folder (tests and benchmarks)",
    "DPGKG_UPDATE_TOKEN": "bearer token that enables SPARQL Update and Graph Store writes",
    "DPGKG_QUERY_TIMEOUT": "seconds a query may run before it is stopped (default 10)",
    "DPGKG_RESULT_LIMIT": "most result rows or triples one response carries (default 100000)",
    "DPGKG_MAX_REQUEST_BYTES": "largest request body the endpoint accepts (default 8 MiB)",
    "DPGKG_SERVICE_ALLOWLIST": "SPARQL endpoints SERVICE may call, space or comma separated",
    "DPGKG_CORS_ORIGINS": "Access-Control-Allow-Origin for queries (default *; empty: none)",
    "DPGKG_WORKERS": "query worker processes of `dpgkg serve` (default 2)",
    "DPGKG_HOST": "address `dpgkg serve` listens on (default 127.0.0.1)",
    "DPGKG_PORT": "port `dpgkg serve` listens on (default 8000)",
    "DPGKG_UNION_DEFAULT_GRAPH": "1: the endpoint's default graph is the union of all graphs",
    "DPGKG_QUERY_CACHE_SIZE": "cached query responses kept by the endpoint (default 1024)",
    "DPGKG_HARVEST_TIMEOUT": "seconds `dpgkg harvest` waits to connect or for more data "
    "(default 30)",
    "DPGKG_HARVEST_MAX_BYTES": "largest response `dpgkg harvest` accepts (default 64 MiB)",
    "DPGKG_HARVEST_RETRIES": "retries of a failed or stalled request, with backoff (default 3)",
}


def _words(value: str | None) -> tuple[str, ...]:
    return tuple(w for w in (value or "").replace(",", " ").split() if w)


class ConfigError(ValueError):
    """An environment variable holds something unusable."""


N = TypeVar("N", int, float)


def _number(env: Mapping[str, str], name: str, default: N) -> N:
    """NAME as a number of DEFAULT's type, or DEFAULT when unset; a clear error otherwise."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        return type(default)(raw)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ConfigError(f"{name}: {raw!r} is not {kind}") from None


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ServerSettings:
    """Settings of the SPARQL endpoint (``dpgkg serve`` and ``server.create_app``)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    update_token: str | None = None
    query_timeout: float = 10.0
    result_limit: int = 100_000
    max_request_bytes: int = 8 * 1024 * 1024
    service_allowlist: tuple[str, ...] = ()
    cors_origins: str = "*"
    union_default_graph: bool = True
    query_cache_size: int = 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ServerSettings:
        d = cls()
        cors = env.get("DPGKG_CORS_ORIGINS")
        return cls(
            host=env.get("DPGKG_HOST") or d.host,
            port=_number(env, "DPGKG_PORT", d.port),
            workers=_number(env, "DPGKG_WORKERS", d.workers),
            update_token=env.get("DPGKG_UPDATE_TOKEN") or None,
            query_timeout=_number(env, "DPGKG_QUERY_TIMEOUT", d.query_timeout),
            result_limit=_number(env, "DPGKG_RESULT_LIMIT", d.result_limit),
            max_request_bytes=_number(env, "DPGKG_MAX_REQUEST_BYTES", d.max_request_bytes),
            service_allowlist=_words(env.get("DPGKG_SERVICE_ALLOWLIST")),
            cors_origins=d.cors_origins if cors is None else cors,
            union_default_graph=_flag(env.get("DPGKG_UNION_DEFAULT_GRAPH"),
                                      d.union_default_graph),
            query_cache_size=_number(env, "DPGKG_QUERY_CACHE_SIZE", d.query_cache_size),
        )

    def with_overrides(self, **overrides: Any) -> ServerSettings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class HarvestSettings:
    """Limits of ``dpgkg harvest`` (dpgkg/catalogues/fetch.py)."""

    timeout: float = 30.0  # connect and read (between bytes) timeout, seconds
    max_bytes: int = 64 * 1024 * 1024  # a larger response is refused, not parsed
    retries: int = 3  # on connection errors, stalls (read timeouts), 429 and 5xx
    backoff: float = 0.5  # urllib3 backoff factor: waits 0.5, 1, 2, ... seconds

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HarvestSettings:
        d = cls()
        return cls(
            timeout=_number(env, "DPGKG_HARVEST_TIMEOUT", d.timeout),
            max_bytes=_number(env, "DPGKG_HARVEST_MAX_BYTES", d.max_bytes),
            retries=_number(env, "DPGKG_HARVEST_RETRIES", d.retries),
        )

    def with_overrides(self, **overrides: Any) -> HarvestSettings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


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
    server: ServerSettings = field(default_factory=lambda: ServerSettings())
    harvest: HarvestSettings = field(default_factory=lambda: HarvestSettings())

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
            server=ServerSettings.from_env(env),
            harvest=HarvestSettings.from_env(env),
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
