"""What a request may make the server do: SERVICE only to allow-listed endpoints, no LOAD.

Oxigraph would follow ``SERVICE <url>`` and ``LOAD <url>`` itself (it has an HTTP client),
so a request could make the server fetch an internal address or a local file. These checks
run before the engine sees the text; a refusal names what was refused and why.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from server.sparql_text import Scan


class Refused(Exception):
    """The request asks for something the endpoint does not do on a request's say-so."""


def check_query(scanned: Scan, allowlist: tuple[str, ...]) -> None:
    for target in scanned.services:
        check_service(target, allowlist)
    if scanned.loads:
        raise Refused(f"LOAD <{scanned.loads[0]}> refused: this endpoint never loads URLs "
                      "named by a request (load data with the Graph Store Protocol instead)")


def check_service(target: str, allowlist: tuple[str, ...]) -> None:
    """Refuse a SERVICE target unless it is allow-listed and resolves to a public address."""
    if target.startswith(("?", "$")):
        raise Refused(f"SERVICE {target} refused: the endpoint must be a constant IRI")
    if target not in allowlist:
        allowed = ", ".join(allowlist) or "none"
        raise Refused(f"SERVICE <{target}> refused: not on the allow-list (allowed: {allowed})")
    check_public_url(target)


def check_public_url(url: str) -> None:
    """Refuse non-HTTP(S) URLs and hosts that resolve to loopback or private addresses.

    Checked on every call, not only at start-up, so a name re-pointed at an internal address
    after it was allow-listed is still refused.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"<{url}> refused: only http(s) URLs with a host may be called")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise Refused(f"<{url}> refused: cannot resolve {parts.hostname} ({exc})") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise Refused(f"<{url}> refused: {parts.hostname} resolves to a loopback, private "
                          f"or reserved address ({address})")
