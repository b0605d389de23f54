"""Content negotiation: the Accept header with q-values, and a ``format=`` override.

A query's form is only certain once the engine has parsed it, so both choices are made up
front: the best results type (for SELECT and ASK) and the best RDF type (for CONSTRUCT,
DESCRIBE and graphs); the worker uses the one its result needs. ``None`` means nothing
acceptable, answered with 406.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

# Server preference order first: it breaks ties between equally acceptable types.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
MEDIA_TYPE = {  # format key -> the media type we answer with
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
# format= values: (results format, graph format). "json" and "xml" mean different
# formats for SELECT and for CONSTRUCT, as in Fuseki's output= parameter.
FORMAT_PARAM = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"),
    "srx": ("xml", None), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"), "rdfxml": (None, "rdfxml"),
    "rdf": (None, "rdfxml"), "nq": (None, "nquads"), "nquads": (None, "nquads"),
    "trig": (None, "trig"),
}


class BadFormat(ValueError):
    """An unknown ``format=`` value."""


@dataclass(frozen=True)
class Choice:
    result: str | None
    graph: str | None


def _best(accept: MIMEAccept, types: dict[str, str]) -> str | None:
    match = accept.best_match(list(types))
    return types[match] if match else None


def negotiate(accept_header: str | None, format_param: str | None = None) -> Choice:
    """The formats to answer with, from ``format=`` (if given) else the Accept header."""
    if format_param:
        key = format_param.strip().lower()
        if key in FORMAT_PARAM:
            return Choice(*FORMAT_PARAM[key])
        if key in RESULT_TYPES or key in GRAPH_TYPES:  # a media type given as format=
            return Choice(RESULT_TYPES.get(key), GRAPH_TYPES.get(key))
        known = ", ".join(sorted(FORMAT_PARAM))
        raise BadFormat(f"unknown format {format_param!r} (known: {known}, or a media type)")
    accept = _accept(accept_header)
    return Choice(_best(accept, RESULT_TYPES), _best(accept, GRAPH_TYPES))


def _accept(header: str | None) -> MIMEAccept:
    """The Accept header with media-type parameters dropped (q-values kept).

    A client asking for ``text/turtle; charset=utf-8`` accepts our ``text/turtle`` (which
    we send as UTF-8); werkzeug would otherwise match the parameters too and answer 406.
    """
    parsed = parse_accept_header(header or "*/*", MIMEAccept)
    return MIMEAccept([(value.split(";", 1)[0].strip(), q) for value, q in parsed])


def graph_choice(accept_header: str | None, format_param: str | None = None) -> str | None:
    """The RDF format for a graph response (Graph Store GET, service description)."""
    return negotiate(accept_header, format_param).graph
