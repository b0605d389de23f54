"""Result writers: every term kind, exactly as stored, in each format; the row limit."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser

from server.results import take, write_boolean, write_solutions, write_triples

XSD = "http://www.w3.org/2001/XMLSchema#"
ROWS = [
    (ox.NamedNode("http://ex/a"), ox.Literal("01", datatype=ox.NamedNode(XSD + "integer"))),
    (ox.BlankNode("b0"), ox.Literal("chat", language="fr")),
    (ox.Literal('tab\there "quoted"\nline'), None),
    (ox.Literal("1.50", datatype=ox.NamedNode(XSD + "decimal")), ox.Literal("plain")),
]
VARS = ["x", "y"]


def test_json_keeps_lexical_forms_and_datatypes() -> None:
    doc = json.loads(write_solutions("json", VARS, ROWS))
    rows = doc["results"]["bindings"]
    assert doc["head"]["vars"] == VARS
    assert rows[0]["y"] == {"type": "literal", "value": "01", "datatype": XSD + "integer"}
    assert rows[1]["x"] == {"type": "bnode", "value": "b0"}
    assert rows[1]["y"] == {"type": "literal", "value": "chat", "xml:lang": "fr"}
    assert rows[2] == {"x": {"type": "literal", "value": 'tab\there "quoted"\nline'}}
    assert rows[3]["x"]["value"] == "1.50"  # not rewritten to 1.5


@pytest.mark.parametrize("fmt", ["xml", "json", "tsv"])
def test_parses_back_to_the_same_terms(fmt: str) -> None:
    """Oxigraph's own parsers read our output back term for term."""
    parsed = ox.parse_query_results(write_solutions(fmt, VARS, ROWS), format={
        "xml": ox.QueryResultsFormat.XML, "json": ox.QueryResultsFormat.JSON,
        "tsv": ox.QueryResultsFormat.TSV}[fmt])
    assert [tuple(row) for row in parsed] == ROWS


def test_xml_is_read_by_rdflib() -> None:
    result = XMLResultParser().parse(io.BytesIO(write_solutions("xml", VARS, ROWS)))
    first = result.bindings[0]
    assert first[rdflib.Variable("x")] == rdflib.URIRef("http://ex/a")
    assert first[rdflib.Variable("y")].datatype == rdflib.URIRef(XSD + "integer")


def test_csv_is_rfc4180_with_plain_values() -> None:
    text = write_solutions("csv", VARS, ROWS).decode()
    assert text.startswith("x,y\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["http://ex/a", "01"]
    assert rows[2] == ["_:b0", "chat"]
    assert rows[3] == ['tab\there "quoted"\nline', ""]


def test_tsv_uses_rdf_term_syntax() -> None:
    lines = write_solutions("tsv", VARS, ROWS).decode().split("\n")
    assert lines[0] == "?x\t?y"
    assert lines[1] == f'<http://ex/a>\t"01"^^<{XSD}integer>'
    assert lines[3] == '"tab\\there \\"quoted\\"\\nline"\t'


def test_boolean() -> None:
    assert json.loads(write_boolean("json", True)) == {"head": {}, "boolean": True}
    assert b"<boolean>false</boolean>" in write_boolean("xml", False)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml", "nquads", "trig"])
def test_graph_formats_round_trip(fmt: str) -> None:
    triples = [ox.Triple(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"),
                         ox.Literal("0.10", datatype=ox.NamedNode(XSD + "decimal")))]
    parsed = list(ox.parse(write_triples(fmt, triples), format={
        "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
        "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[fmt]))
    assert len(parsed) == 1 and parsed[0].object.value == "0.10"


def test_take_reports_truncation() -> None:
    assert take(iter(range(5)), 3) == ([0, 1, 2], True)
    assert take(iter(range(3)), 3) == ([0, 1, 2], False)
