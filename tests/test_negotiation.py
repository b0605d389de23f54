"""Accept headers with q-values, wildcards and the format= override."""

from __future__ import annotations

import pytest

from server.negotiation import BadFormat, Choice, negotiate


@pytest.mark.parametrize(("accept", "expected"), [
    (None, Choice("json", "turtle")),
    ("*/*", Choice("json", "turtle")),
    ("application/sparql-results+xml", Choice("xml", None)),
    ("text/csv", Choice("csv", None)),
    ("text/tab-separated-values", Choice("tsv", None)),
    ("application/sparql-results+json;q=0.5, text/csv", Choice("csv", None)),
    ("text/csv;q=0.2, application/sparql-results+json;q=0.9", Choice("json", None)),
    ("application/rdf+xml, text/turtle;q=0.9", Choice(None, "rdfxml")),
    ("application/ld+json", Choice(None, "jsonld")),
    ("application/n-triples", Choice(None, "ntriples")),
    ("application/n-quads", Choice(None, "nquads")),
    ("text/*", Choice("csv", "turtle")),
    ("image/png", Choice(None, None)),
    ("text/csv;q=0", Choice(None, None)),  # q=0: explicitly not acceptable
])
def test_accept(accept: str | None, expected: Choice) -> None:
    assert negotiate(accept) == expected


@pytest.mark.parametrize(("param", "expected"), [
    ("json", Choice("json", "jsonld")), ("xml", Choice("xml", "rdfxml")),
    ("csv", Choice("csv", None)), ("ttl", Choice(None, "turtle")),
    ("text/tab-separated-values", Choice("tsv", None)),
])
def test_format_param_overrides_accept(param: str, expected: Choice) -> None:
    assert negotiate("image/png", param) == expected


def test_unknown_format_param() -> None:
    with pytest.raises(BadFormat, match="unknown format 'yaml'"):
        negotiate(None, "yaml")
