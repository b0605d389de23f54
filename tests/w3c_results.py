"""W3C SPARQL 1.1 test suite support: answers and their comparison (helper, not collected).

An answer is a boolean, solutions or a graph, read from the suite's expected-result files or
from a query's results (embedded or over HTTP). Answers are compared with blank nodes up to
isomorphism, order only when the query has a top-level ORDER BY, and numeric literals of one
datatype by value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib.namespace import RDF

from server.sparql_text import tokens
from tests.w3c_manifest import Row, Term, read_triples, term_value

RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
XSD = "http://www.w3.org/2001/XMLSchema#"

_INTEGERS = {f"{XSD}{t}" for t in (
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "positiveInteger")}
_NUMERIC = {f"{XSD}decimal", f"{XSD}float", f"{XSD}double"}

Key = tuple[object, ...]


def term_key(term: Term) -> Key:
    """A comparable key for a term.

    Numeric and boolean literals compare by value within their primitive datatype (every
    xsd:integer-derived type counts as xsd:integer): the store keeps them in canonical
    form, so "0.0"^^xsd:decimal comes back as "0"^^xsd:decimal and "0"^^xsd:boolean as
    "false"^^xsd:boolean, both the same value. Every other literal compares exactly.
    """
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        lexical = term.value.strip()
        if datatype == f"{XSD}boolean" and lexical in ("true", "false", "1", "0"):
            return ("bool", lexical in ("true", "1"))
        if datatype in _INTEGERS or datatype in _NUMERIC:
            family = f"{XSD}integer" if datatype in _INTEGERS else datatype
            try:
                value = Decimal(lexical)
            except InvalidOperation:
                return ("lit", term.value, datatype, "")
            return ("num", family, str(value.normalize()) if value.is_finite() else str(value))
        return ("lit", term.value, datatype, term.language or "")
    return ("triple", term_key(term.subject), term_key(term.predicate),
            term_key(term.object))


def _bnodes(row: Sequence[Key | None]) -> bool:
    return any(k is not None and k[0] == "bnode" for k in row)


def _unify(a: Sequence[Key | None], b: Sequence[Key | None],
           fwd: dict[object, object], back: dict[object, object]
           ) -> tuple[dict[object, object], dict[object, object]] | None:
    """Extend the blank-node bijection so row A maps onto row B, or None."""
    fwd, back = dict(fwd), dict(back)
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            if x is not y:
                return None
        elif x[0] == "bnode" and y[0] == "bnode":
            if fwd.setdefault(x[1], y[1]) != y[1] or back.setdefault(y[1], x[1]) != x[1]:
                return None
        elif x != y:
            return None
    return fwd, back


def isomorphic(expected: list[tuple[Key | None, ...]], actual: list[tuple[Key | None, ...]],
               ordered: bool = False) -> bool:
    """Equal row multisets (sequences if ORDERED) up to a renaming of blank nodes."""
    if len(expected) != len(actual):
        return False
    if ordered:
        maps: tuple[dict[object, object], dict[object, object]] | None = ({}, {})
        for a, b in zip(expected, actual, strict=True):
            assert maps is not None
            maps = _unify(a, b, *maps)
            if maps is None:
                return False
        return True
    ground_e = Counter(r for r in expected if not _bnodes(r))
    ground_a = Counter(r for r in actual if not _bnodes(r))
    if ground_e != ground_a:
        return False
    rest_e = [r for r in expected if _bnodes(r)]
    rest_a = [r for r in actual if _bnodes(r)]

    def search(i: int, used: list[bool], fwd: dict[object, object],
               back: dict[object, object]) -> bool:
        if i == len(rest_e):
            return True
        for j, row in enumerate(rest_a):
            if used[j]:
                continue
            maps = _unify(rest_e[i], row, fwd, back)
            if maps is not None:
                used[j] = True
                if search(i + 1, used, *maps):
                    return True
                used[j] = False
        return False

    return search(0, [False] * len(rest_a), {}, {})


@dataclass
class Solutions:
    variables: list[str]
    rows: list[Row]
    ordered: bool = False


Answer = bool | Solutions | list[ox.Triple]


def from_results(result: object) -> Answer:
    """pyoxigraph query results (query or parsed) as a comparable answer."""
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [{v: t for v in variables if (t := solution[v]) is not None}
                for solution in result]
        return Solutions(variables, rows)
    return list(result)  # type: ignore[call-overload]


def compare(expected: Answer, actual: Answer, ordered: bool) -> str:
    """'' when ACTUAL matches EXPECTED, else why not."""
    if isinstance(expected, bool):
        if isinstance(actual, bool) and actual == expected:
            return ""
        return f"expected boolean {expected}, got {brief(actual)}"
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"expected a graph, got {brief(actual)}"
        exp: list[tuple[Key | None, ...]] = [
            tuple(term_key(t) for t in (x.subject, x.predicate, x.object)) for x in set(expected)]
        act: list[tuple[Key | None, ...]] = [
            tuple(term_key(t) for t in (x.subject, x.predicate, x.object)) for x in set(actual)]
        return "" if isomorphic(exp, act) else (
            f"graphs differ: expected {len(exp)} triples, got {len(act)}")
    if not isinstance(actual, Solutions):
        return f"expected solutions, got {brief(actual)}"
    if set(expected.variables) != set(actual.variables):
        return f"variables differ: expected {expected.variables}, got {actual.variables}"
    names = sorted(expected.variables)

    def rows(s: Solutions) -> list[tuple[Key | None, ...]]:
        return [tuple(term_key(r[v]) if v in r else None for v in names) for r in s.rows]

    if isomorphic(rows(expected), rows(actual), ordered and expected.ordered):
        return ""
    return (f"solutions differ (expected {len(expected.rows)} rows, got {len(actual.rows)}): "
            f"expected {_rows_text(expected)[:300]} got {_rows_text(actual)[:300]}")


def _rows_text(s: Solutions) -> str:
    return "; ".join(" ".join(f"{k}={v}" for k, v in sorted(r.items())) for r in s.rows[:6])


def brief(answer: Answer) -> str:
    if isinstance(answer, bool):
        return f"boolean {answer}"
    if isinstance(answer, list):
        return f"a graph of {len(answer)} triples"
    return f"{len(answer.rows)} solutions"


def has_order_by(query: str) -> bool:
    """A top-level ORDER BY (one in a sub-select does not order the result)."""
    depth, toks = 0, tokens(query)
    for i, tok in enumerate(toks):
        if tok.kind == "brace":
            depth += 1 if tok.text == "{" else -1
        elif (depth == 0 and tok.kind == "word" and tok.text.upper() == "ORDER"
              and i + 1 < len(toks) and toks[i + 1].text.upper() == "BY"):
            return True
    return False


def read_result_set_graph(path: Path) -> Answer:
    """An expected result written as RDF in the DAWG result-set vocabulary."""
    triples = read_triples(path)
    by_subject: dict[Term, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)

    def values(node: Term, prop: str) -> list[Term]:
        return [t.object for t in by_subject.get(node, []) if t.predicate.value == RS + prop]

    root = next(t.subject for t in triples
                if t.predicate.value == str(RDF.type) and term_value(t.object) == RS + "ResultSet")
    boolean = values(root, "boolean")
    if boolean:
        return term_value(boolean[0]) == "true"
    variables = [term_value(v) for v in values(root, "resultVariable")]
    solutions: list[tuple[int, Row]] = []
    ordered = False
    for solution in values(root, "solution"):
        row: Row = {}
        for binding in values(solution, "binding"):
            row[term_value(values(binding, "variable")[0])] = values(binding, "value")[0]
        index = values(solution, "index")
        ordered = ordered or bool(index)
        solutions.append((int(term_value(index[0])) if index else 0, row))
    solutions.sort(key=lambda item: item[0])
    return Solutions(variables, [row for _, row in solutions], ordered)


RESULT_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                  ".tsv": ox.QueryResultsFormat.TSV}
ACCEPT = {".srx": "application/sparql-results+xml", ".srj": "application/sparql-results+json",
          ".tsv": "text/tab-separated-values"}


def parse_response(response: requests.Response) -> Answer:
    """A server's answer, read by its media type (query results or RDF)."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    results = ox.QueryResultsFormat.from_media_type(media_type)
    if results is not None:
        return from_results(ox.parse_query_results(response.content, results))
    rdf = ox.RdfFormat.from_media_type(media_type)
    if rdf is None:
        raise AssertionError(f"unexpected response type {media_type!r}")
    return [q.triple for q in ox.parse(response.content, rdf)]

