"""The SPARQL endpoint the Wikidata alignment asks (``wikidata.align``), asked politely.

Wikidata's public endpoint refuses anonymous bots and throttles with 429 and Retry-After, so
every request names dpgkg in its User-Agent, has a timeout, and is retried on 429, 5xx and
timeouts with exponential backoff (Retry-After wins when given, capped at ``max_wait``);
anything else (400, 404, a refused connection) fails at once as ``EndpointError``. Every
answer goes into ``digest``, which the alignment's PROV records as the source checksum.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field

from dpgkg import USER_AGENT

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"


class EndpointError(RuntimeError):
    """The SPARQL endpoint cannot be used (unreachable, refuses, or keeps failing)."""


def _retry_after(headers: object) -> float | None:
    """Seconds a Retry-After header asks for (delta or HTTP date), None without one."""
    value = getattr(headers, "get", lambda _k: None)("Retry-After")
    if not value:
        return None
    if str(value).strip().isdigit():
        return float(value)
    when = email.utils.parsedate_to_datetime(str(value))
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds()) if when else None


@dataclass
class Endpoint:
    """A SPARQL endpoint asked politely: User-Agent, timeout, retries with backoff."""

    url: str = DEFAULT_ENDPOINT
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)  # of every answer

    def select(self, query: str) -> list[dict[str, dict[str, str]]]:
        """Bindings of a SELECT query; retries 429 and 5xx (Retry-After honoured)."""
        # Imported here: wikidata_cli takes DEFAULT_ENDPOINT from this module at start-up.
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

        for attempt in range(self.retries + 1):
            client = SPARQLWrapper(self.url, agent=USER_AGENT)
            client.setMethod(POST)  # VALUES blocks make long queries: too long for a GET
            client.setReturnFormat(JSON)
            client.setTimeout(max(1, int(self.timeout)))
            client.setQuery(query)
            self.requests += 1
            wait: float | None = None
            try:
                answer = client.queryAndConvert()
            except EndPointInternalError:  # SPARQLWrapper's name for HTTP 500
                pass
            except urllib.error.HTTPError as exc:
                if exc.code != 429 and exc.code < 500:
                    raise EndpointError(f"{self.url}: HTTP {exc.code} {exc.reason}") from exc
                wait = _retry_after(exc.headers)
            except SPARQLWrapperException as exc:  # 400, 401, 404, 414: retrying will not help
                raise EndpointError(f"{self.url}: {str(exc).splitlines()[0]}") from exc
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                if not isinstance(reason, TimeoutError):  # a slow answer is worth a retry
                    raise EndpointError(f"{self.url}: cannot query the endpoint: {reason}"
                                        ) from exc
            else:
                if not isinstance(answer, dict) or "results" not in answer:
                    raise EndpointError(f"{self.url}: not a SPARQL JSON results document")
                self.digest.update(json.dumps(answer, sort_keys=True).encode())
                return list(answer["results"]["bindings"])
            if attempt < self.retries:
                backoff = self.backoff * 2 ** attempt
                self.sleep(min(self.max_wait, backoff if wait is None else max(wait, 0.0)))
        raise EndpointError(f"{self.url}: still failing after {self.retries + 1} attempts")
