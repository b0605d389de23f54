"""SERVICE only to allow-listed public endpoints; LOAD never."""

from __future__ import annotations

import pytest

from server.safety import Refused, check_public_url, check_query, check_service
from server.sparql_text import scan


def test_service_not_allow_listed_refused() -> None:
    with pytest.raises(Refused, match="not on the allow-list"):
        check_service("https://query.wikidata.org/sparql", ())


def test_service_variable_refused() -> None:
    with pytest.raises(Refused, match="constant IRI"):
        check_service("?endpoint", ("https://query.wikidata.org/sparql",))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:7878/query", "http://localhost/sparql", "http://10.1.2.3/sparql",
    "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/sparql",
    "file:///etc/passwd", "ftp://example.org/x", "http:///nohost",
])
def test_loopback_private_and_non_http_refused_even_when_allow_listed(url: str) -> None:
    with pytest.raises(Refused):
        check_service(url, (url,))


def test_public_address_accepted() -> None:
    check_public_url("http://8.8.8.8/sparql")  # an IP literal: no DNS lookup needed


def test_load_always_refused() -> None:
    with pytest.raises(Refused, match="LOAD <file:///etc/passwd> refused"):
        check_query(scan("LOAD <file:///etc/passwd>"), ("file:///etc/passwd",))


def test_plain_query_passes() -> None:
    check_query(scan("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }"), ())
