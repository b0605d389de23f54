"""Contract tests for queries/: every named query is documented, parses and runs, and the
everyday answers match the source records."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from dpgkg.namespaces import PREFIXES
from dpgkg.query import (
    QueryError,
    named_queries,
    resolve_query,
    run_query,
    substitute,
    typed_params,
)
from dpgkg.store import MaterialisedSolutions, OxigraphStore

QUERIES = named_queries()


def test_the_six_everyday_queries_exist() -> None:
    assert {"dpgs-per-sdg", "dpgs-per-type", "licence-breakdown", "dpgs-deployed-in-country",
            "organisations-by-dpg-count", "records-missing-screening",
            "dpgs-failing-indicator"} <= set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_documents_the_query(name: str) -> None:
    q = QUERIES[name]
    assert q.title and q.title != name and len(q.description) > 20
    for param, decl in q.params.items():
        assert decl.split()[0] in ("string", "integer", "iri"), decl
        assert f"?_{param}" in q.text


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_parses_and_runs(real_store: OxigraphStore, name: str) -> None:
    q = QUERIES[name]
    examples = {"country": "KE", "indicator": "7"}
    params = typed_params(q, {p: examples[p] for p in q.params})
    rows = run_query(real_store, q.text, "table", params)
    assert isinstance(rows, list) and len(rows) > 1, f"{name} returned no rows"


def _rows(store: OxigraphStore, name: str, **params: str) -> list[dict[str, str]]:
    q = QUERIES[name]
    data = json.loads(run_query(store, q.text, "json", typed_params(q, params)))  # type: ignore[arg-type]
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_dpgs_per_sdg_matches_the_source_records(real_store: OxigraphStore,
                                                 registry_dir: Path) -> None:
    products: Counter[int] = Counter()
    dpgs: Counter[int] = Counter()
    for f in (registry_dir / "nominees").glob("*.json"):
        rec = json.loads(f.read_text())
        for goal in {s["SDGNumber"] for s in rec["SDGs"]}:
            products[goal] += 1
            dpgs[goal] += rec["stage"] == "DPG"
    rows = _rows(real_store, "dpgs-per-sdg")
    assert [int(r["number"]) for r in rows] == sorted(products)
    for r in rows:
        assert int(r["products"]) == products[int(r["number"])]
        assert int(r["dpgs"]) == dpgs[int(r["number"])]
    assert rows[2]["label"] == "Good health and well-being"


def test_dpgs_per_type_matches(real_store: OxigraphStore, registry_dir: Path) -> None:
    counts: Counter[str] = Counter()
    for f in (registry_dir / "nominees").glob("*.json"):
        counts.update(set(json.loads(f.read_text())["type"]))
    got = {r["kind"].rsplit("#", 1)[1]: int(r["products"]) for r in _rows(real_store,
                                                                             "dpgs-per-type")}
    assert got == {"OpenSourceSoftware": counts["software"], "OpenData": counts["data"],
                   "OpenContent": counts["content"], "OpenStandard": counts["standard"],
                   "OpenAIModel": counts["aimodel"]}


def test_licence_breakdown_counts_deprecated_ids_under_their_successor(
        real_store: OxigraphStore, registry_dir: Path) -> None:
    rows = {r["spdxId"]: r for r in _rows(real_store, "licence-breakdown")}
    assert "GPL-3.0" not in rows
    assert set(rows["GPL-3.0-only"]["declaredAs"].split()) == {"GPL-3.0"}
    declared: Counter[str] = Counter()
    for f in (registry_dir / "nominees").glob("*.json"):
        declared.update({lic["spdx"] for lic in json.loads(f.read_text())["license"]})
    assert int(rows["MIT"]["products"]) == declared["MIT"]
    assert int(rows["GPL-3.0-only"]["products"]) == declared["GPL-3.0"]


def test_deployed_in_country_accepts_codes_and_names(real_store: OxigraphStore,
                                                     registry_dir: Path) -> None:
    expected = set()
    for f in (registry_dir / "digitalpublicgoods").glob("*.json"):
        if "Kenya" in json.loads(f.read_text())["locations"]["deploymentCountries"]:
            expected.add(f.stem)
    for value in ("KE", "ken", "Kenya"):
        got = {r["product"].rsplit("/", 1)[1]
               for r in _rows(real_store, "dpgs-deployed-in-country", country=value)}
        # Screening-only records have no name, so the query (which reports names) skips them.
        assert got == expected - {"public-utility-data-liberation-project", "yallakhedmeh"}


def test_parameters_cannot_change_the_query(real_store: OxigraphStore) -> None:
    evil = 'KE") } UNION { ?product ?p ?o } #'
    rows = _rows(real_store, "dpgs-deployed-in-country", country=evil)
    assert rows == []
    assert substitute("SELECT * { ?s ?p ?_x }", {"x": ox.Literal('a"b')}) == (
        'SELECT * { ?s ?p "a\\"b" }')


def test_parameter_types() -> None:
    q = QUERIES["dpgs-deployed-in-country"]
    with pytest.raises(QueryError, match="unknown parameter"):
        typed_params(q, {"nope": "1"})
    assert typed_params(None, {"x": "1"}) == {"x": ox.Literal("1")}


def test_missing_screening(real_store: OxigraphStore) -> None:
    rows = _rows(real_store, "records-missing-screening")
    missing_file = {r["product"].rsplit("/", 1)[1] for r in rows
                    if r["missing"] == "no screening file"}
    assert {"h5p", "african-storybook"} <= missing_file
    assert len(missing_file) == 228 - 164


def test_resolve_query_kinds(tmp_path: Path) -> None:
    assert resolve_query("dpgs-per-sdg")[1] is not None
    f = tmp_path / "x.rq"
    f.write_text("# X\n# Does x.\nASK {}")
    text, named = resolve_query(str(f))
    assert text.endswith("ASK {}") and named is not None and named.title == "X"
    assert resolve_query("ASK { ?s ?p ?o }") == ("ASK { ?s ?p ?o }", None)
    with pytest.raises(QueryError):
        resolve_query("hello world")


def test_organisations_ranked(real_store: OxigraphStore) -> None:
    rows = _rows(real_store, "organisations-by-dpg-count")
    counts = [int(r["products"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 5


def test_union_default_graph_and_prefixes(real_store: OxigraphStore) -> None:
    result = real_store.query("SELECT (COUNT(*) AS ?n) { ?g a sdgo:Goal }")
    assert isinstance(result, MaterialisedSolutions)
    assert int(result.rows[0][0].value) == 17  # type: ignore[union-attr]
    assert "dpg" in PREFIXES
