"""Fetching catalogue pages: HTTP done carefully, and local files or folders.

HTTP: one requests Session with connect/read timeouts, urllib3 retries with exponential
backoff on connection errors, stalls (read timeouts) and 429/5xx, a clear User-Agent, a
streamed body refused once it passes the size limit, a media-type check against what the
source kind accepts (so an HTML error page is never parsed as RDF), and redirects followed
by hand so they can never lead to a non-http(s) URL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from dpgkg import USER_AGENT
from dpgkg.config import HarvestSettings

MAX_REDIRECTS = 5
RETRY_STATUS = (429, 500, 502, 503, 504)
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A page could not be fetched (after retries) or was refused."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Response:
    """A fetched body: final URL (after redirects), media type without parameters."""

    url: str
    body: bytes
    content_type: str


def media_type(header: str | None) -> str:
    """'text/turtle; charset=utf-8' -> 'text/turtle' ('' when absent)."""
    return (header or "").split(";", 1)[0].strip().lower()


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def accept_header(accepts: tuple[str, ...]) -> str:
    """An Accept header preferring the kind's media types in their order."""
    if not accepts:
        return "*/*"
    parts = [accepts[0]]
    for i, mt in enumerate(accepts[1:], start=1):
        parts.append(f"{mt};q={max(0.1, 1 - i * 0.1):.1f}")
    return ", ".join(parts)


class Fetcher:
    """GETs pages over HTTP(S) under the harvest settings' limits."""

    def __init__(self, settings: HarvestSettings | None = None,
                 session: requests.Session | None = None) -> None:
        self.settings = settings or HarvestSettings()
        self.session = session or requests.Session()
        # A stall before the response headers is a read timeout: urllib3 retries it (read=),
        # as it does refused connections (connect=) and the listed statuses (status=).
        retry = Retry(total=self.settings.retries, connect=self.settings.retries,
                      read=self.settings.retries, status=self.settings.retries,
                      redirect=0, backoff_factor=self.settings.backoff,
                      status_forcelist=RETRY_STATUS, allowed_methods=frozenset({"GET"}),
                      respect_retry_after_header=True, raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, accepts: tuple[str, ...] = ()) -> Response:
        """Fetch URL; raise FetchError when it fails after retries or is refused."""
        # A stall in the middle of a body happens after urllib3 has handed the response
        # over, so it is retried here, with the same backoff.
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return self._get(url, accepts)
            except _BodyStalled as exc:
                if attempt + 1 == attempts:
                    raise FetchError(url, f"the response stalled or broke off "
                                     f"({attempts} attempts): {exc}") from exc
                time.sleep(self.settings.backoff * (2 ** attempt))
        raise AssertionError("unreachable")

    def _get(self, url: str, accepts: tuple[str, ...]) -> Response:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not is_url(current):
                raise FetchError(url, f"refused a redirect to a non-http(s) URL: {current}")
            timeout = (self.settings.timeout, self.settings.timeout)
            try:
                resp = self.session.get(current, headers={"Accept": accept_header(accepts)},
                                        timeout=timeout, stream=True, allow_redirects=False)
            except requests.exceptions.RetryError as exc:
                raise FetchError(url, f"gave up after {self.settings.retries} retries: "
                                 f"{_cause(exc)}") from exc
            except requests.exceptions.Timeout as exc:
                raise FetchError(url, f"no answer within {self.settings.timeout:g} s "
                                 f"(after {self.settings.retries} retries)") from exc
            except requests.exceptions.RequestException as exc:
                cause = _cause(exc)
                if "timed out" in cause.lower():  # urllib3 wraps its last read timeout
                    raise FetchError(url, f"no answer within {self.settings.timeout:g} s "
                                     f"(after {self.settings.retries} retries)") from exc
                raise FetchError(url, f"request failed (after {self.settings.retries} "
                                 f"retries): {cause}") from exc
            with resp:
                if resp.is_redirect:
                    current = urljoin(current, resp.headers.get("Location", ""))
                    continue
                return self._read(url, resp, accepts)
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    def _read(self, url: str, resp: requests.Response, accepts: tuple[str, ...]) -> Response:
        if resp.status_code >= 400:
            raise FetchError(url, f"HTTP {resp.status_code} {resp.reason}".rstrip())
        ctype = media_type(resp.headers.get("Content-Type"))
        if accepts and ctype and ctype not in accepts:
            raise FetchError(url, f"refused: unexpected media type {ctype} "
                             f"(expected {', '.join(accepts)})")
        limit = self.settings.max_bytes
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, f"refused: {declared} bytes is over the {limit}-byte limit")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"refused: the response passed the "
                                     f"{limit}-byte limit")
                chunks.append(chunk)
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.Timeout) as exc:
            raise _BodyStalled(str(_cause(exc))) from exc
        return Response(resp.url or url, b"".join(chunks), ctype)


class _BodyStalled(Exception):
    """The body stopped arriving (read timeout) or broke off after the headers."""


def _cause(exc: BaseException) -> str:
    """The innermost useful message of a requests/urllib3 exception chain."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return str(reason or exc)


# -- local files --------------------------------------------------------------------------
def local_path(source: str) -> Path | None:
    """SOURCE as a local path (a plain path or a file: URL), or None for other URLs."""
    parts = urlsplit(source)
    if parts.scheme == "file":
        return Path(unquote(parts.path))
    if parts.scheme in ("", ) or (len(parts.scheme) == 1 and Path(source).exists()):
        return Path(source)  # a bare path (a one-letter "scheme" is a Windows drive)
    return None


def local_files(path: Path) -> list[Path]:
    """A file, or every file under a folder (recursively, sorted, hidden ones skipped)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(f"no such file or folder: {path}")
    return sorted(p for p in path.rglob("*")
                  if p.is_file() and not any(part.startswith(".")
                                             for part in p.relative_to(path).parts))


def read_local(path: Path, settings: HarvestSettings) -> Response:
    """One local file as a response (content type '' : the kind guesses by suffix)."""
    url = path.resolve().as_uri()
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise FetchError(url, f"refused: {size} bytes is over the "
                             f"{settings.max_bytes}-byte limit")
        return Response(url, path.read_bytes(), "")
    except OSError as exc:
        raise FetchError(url, f"cannot read: {exc.strerror or exc}") from exc
