"""Writing query results with a row limit, terms exactly as stored.

Oxigraph's own result serialisers write a whole result; the endpoint must stop at the
row limit and say so, so SELECT and ASK results are written here from at most LIMIT rows
(SPARQL 1.1 Query Results JSON, XML, CSV and TSV). Graph results go through Oxigraph's
RDF serialisers. Lexical forms, datatypes and language tags are written as the store
holds them: nothing is re-typed or normalised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox

from dpgkg.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
SRX_NS = "http://www.w3.org/2005/sparql-results#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]

GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
DATASET_FORMATS = ("nquads", "trig")


def take(items: Iterable[object], limit: int) -> tuple[list[object], bool]:
    """At most LIMIT items, and whether there were more."""
    got = list(islice(items, limit + 1))
    return got[:limit], len(got) > limit


# -- SELECT and ASK ----------------------------------------------------------------------
def write_solutions(fmt: str, variables: list[str], rows: list[Row]) -> bytes:
    return _SOLUTION_WRITERS[fmt](variables, rows)


def write_boolean(fmt: str, value: bool) -> bytes:
    text = "true" if value else "false"
    if fmt == "json":
        return orjson.dumps({"head": {}, "boolean": value})
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{SRX_NS}"><head/>'
                f"<boolean>{text}</boolean></sparql>\n").encode()
    return f"{text}\n".encode()


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            direction = getattr(term, "direction", None)
            if direction is not None:
                out["its:dir"] = str(direction.value if hasattr(direction, "value") else direction)
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {
        "subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
        "object": _json_term(term.object)}}


def _json(variables: list[str], rows: list[Row]) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=False) if t is not None}
                for row in rows]
    return orjson.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}})


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def _xml(variables: list[str], rows: list[Row]) -> bytes:
    out = [f'<?xml version="1.0"?>\n<sparql xmlns="{SRX_NS}"><head>']
    out.extend(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out.extend(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                   for v, t in zip(variables, row, strict=False) if t is not None)
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Term | None) -> str:
    # SPARQL 1.1 CSV: IRIs and literals by their plain text, blank nodes as _:label.
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def _csv(variables: list[str], rows: list[Row]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def _tsv(variables: list[str], rows: list[Row]) -> bytes:
    # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, which escapes tabs and newlines.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


_SOLUTION_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
SOLUTION_FORMATS = tuple(_SOLUTION_WRITERS)


# -- CONSTRUCT and DESCRIBE -------------------------------------------------------------
def write_triples(fmt: str, triples: list[ox.Triple]) -> bytes:
    rdf_format = GRAPH_FORMATS[fmt]
    items: list[ox.Triple] | list[ox.Quad] = triples
    if fmt in DATASET_FORMATS:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(items, format=rdf_format, prefixes=prefixes) or b""
