"""``dpgkg stats``: what is in the store, by graph and by record."""

from __future__ import annotations

from typing import Any

from dpgkg.store import MaterialisedSolutions, OxigraphStore

_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_BY_STATUS = """
SELECT ?status (COUNT(DISTINCT ?r) AS ?n) WHERE {
  ?r a dpg:DigitalProduct .
  OPTIONAL { ?r dpg:recognitionStatus/skos:notation ?status0 }
  BIND(COALESCE(STR(?status0), "none") AS ?status)
} GROUP BY ?status ORDER BY ?status"""
_TOTALS = """
SELECT (COUNT(DISTINCT ?r) AS ?records) (COUNT(DISTINCT ?o) AS ?organizations)
       (COUNT(DISTINCT ?l) AS ?licences) (COUNT(DISTINCT ?c) AS ?countries) WHERE {
  { ?r a dpg:DigitalProduct } UNION { ?o a dpg:Organization } UNION { ?l a dpg:License }
  UNION { ?c a dpg:Country }
}"""


def _value(term: object) -> str:
    """The lexical value of a result term ("" when unbound)."""
    return str(getattr(term, "value", "")) if term is not None else ""


def _pairs(result: object) -> dict[str, int]:
    assert isinstance(result, MaterialisedSolutions)
    return {_value(row[0]): int(_value(row[1])) for row in result.rows}


def collect_stats(store: OxigraphStore) -> dict[str, Any]:
    totals = store.query(_TOTALS)
    assert isinstance(totals, MaterialisedSolutions)
    row = totals.rows[0]
    return {
        "store": str(store.directory),
        "generation": store.generation(),
        "quads": store.count(),
        "graphs": _pairs(store.query(_BY_GRAPH, union_default_graph=False)),
        "records_by_status": _pairs(store.query(_BY_STATUS)),
        "totals": {v: int(_value(t) or 0) for v, t in zip(totals.variables, row, strict=True)},
    }
