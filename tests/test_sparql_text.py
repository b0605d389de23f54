"""The SPARQL scanner finds forms, SERVICE and LOAD, and is not fooled by strings or comments."""

from __future__ import annotations

import pytest

from server.sparql_text import error_position, scan


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("prefix ex: <http://ex/>\nask { ?s ex:p 1 }", "ASK"),
    ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("BASE <http://x/> DESCRIBE <a>", "DESCRIBE"),
    ("INSERT DATA { <a:b> <a:c> 'SELECT' }", None),
])
def test_form(text: str, form: str | None) -> None:
    assert scan(text).form == form


def test_subquery_form_does_not_count() -> None:
    assert scan("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o { ?s ?p ?o } } }"
                ).form == "CONSTRUCT"


def test_service_targets_expanded_and_variables_kept() -> None:
    found = scan("PREFIX ex: <http://ex/>\nSELECT * { SERVICE SILENT ex:ep { ?s ?p ?o } "
                 "SERVICE <http://127.0.0.1/sparql> {} SERVICE ?where {} }")
    assert found.services == ["http://ex/ep", "http://127.0.0.1/sparql", "?where"]


def test_keywords_inside_strings_iris_and_comments_ignored() -> None:
    text = ('SELECT * { ?s ?p "SERVICE <http://evil/> {}" . ?s ?p \'\'\'LOAD <file:///x>\'\'\' '
            '. ?s <http://ex/SERVICE> ?o } # SERVICE <http://evil/>')
    found = scan(text)
    assert found.services == [] and found.loads == []


def test_service_hidden_after_comment_is_found() -> None:
    assert scan("SELECT * { # comment\n SERVICE <http://x/> { } }").services == ["http://x/"]


def test_load_found_in_update() -> None:
    assert scan("load silent <file:///etc/passwd> into graph <g>").loads == ["file:///etc/passwd"]


def test_less_than_is_not_an_iri() -> None:
    assert scan("SELECT * { ?a ?b ?c FILTER(?c < 3) SERVICE <http://x/> {} }").services == [
        "http://x/"]


def test_error_position() -> None:
    assert error_position("error at 3:14: expected OPTIONAL") == (3, 14)
    assert error_position("no position") is None


def test_from_clause_detected() -> None:
    assert scan("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }").has_from
    assert scan("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }").has_from
    assert not scan("SELECT * WHERE { ?s <urn:from> 'FROM' }").has_from
