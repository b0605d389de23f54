"""dpgkg validate: per-indicator verdicts, the JSON contract, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpgkg.cli import main
from dpgkg.namespaces import IRIs
from dpgkg.validation.inputs import pointer_indicator
from dpgkg.validation.run import validate_paths
from dpgkg.validation.shapes import ShapesGraph
from tests.conftest import FIXTURES

INDICATOR_KEYS = [str(n) for n in range(1, 10)]
VERDICTS = {"pass", "fail", "warning", "not-assessed"}
RESULT_KEYS = {"indicator", "severity", "focus", "path", "value", "message", "shape"}


def _check_contract(data: dict) -> None:  # type: ignore[type-arg]
    assert set(data) == {"conforms", "records"} and isinstance(data["conforms"], bool)
    for rec in data["records"]:
        assert set(rec) == {"record", "conforms", "indicators", "results"}
        assert "/" not in rec["record"]  # the record id, not the IRI
        assert list(rec["indicators"]) == INDICATOR_KEYS
        assert set(rec["indicators"].values()) <= VERDICTS
        for r in rec["results"]:
            assert set(r) == RESULT_KEYS
            assert r["severity"] in ("Violation", "Warning", "Info")
            assert r["indicator"] in INDICATOR_KEYS or r["indicator"] == ""
            assert all(isinstance(v, str) for v in r.values())
        assert rec["conforms"] == (not any(r["severity"] == "Violation"
                                           for r in rec["results"]))
    assert data["conforms"] == all(r["conforms"] for r in data["records"])


@pytest.fixture(scope="module")
def real_report(registry_dir: Path) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["validate", str(registry_dir), "--format", "json"])
    assert result.exit_code == 1, result.output  # some real DPGs answered "No"
    return json.loads(result.output)


def test_json_contract_on_the_real_registry(real_report: dict) -> None:  # type: ignore[type-arg]
    _check_contract(real_report)
    assert len(real_report["records"]) == 230


def test_real_no_answers_are_flagged(real_report: dict, registry_dir: Path) -> None:  # type: ignore[type-arg]
    by_id = {r["record"]: r for r in real_report["records"]}
    assert by_id["erpnext"]["indicators"]["9"] == "fail"
    assert by_id["sunbird-quml"]["indicators"]["7"] == "fail"
    # Every screening that answered "No" to a must-question is flagged on its indicator.
    musts = {("privacy", "isPrivacyCompliant"): "7", ("documentation",
             "isDocumentationAvailable"): "5", ("clearOwnership", "isOwnershipExplicit"): "3"}
    for f in (registry_dir / "digitalpublicgoods").glob("*.json"):
        data = json.loads(f.read_text())
        for (group, key), indicator in musts.items():
            if data[group][key] == "No":
                assert by_id[f.stem]["indicators"][indicator] == "fail", (f.stem, key)
        if data["doNoHarm"]["preventHarm"]["stepsToPreventHarm"] == "No":
            assert by_id[f.stem]["indicators"]["9"] == "fail"


def test_nominees_without_screening_are_not_assessed(real_report: dict) -> None:  # type: ignore[type-arg]
    h5p = next(r for r in real_report["records"] if r["record"] == "h5p")
    assert [h5p["indicators"][k] for k in "456789"] == ["not-assessed"] * 6
    assert h5p["indicators"]["1"] in ("pass", "warning")


def test_dhis2_passes_everything(real_report: dict) -> None:  # type: ignore[type-arg]
    dhis2 = next(r for r in real_report["records"] if r["record"] == "dhis2")
    assert dhis2["conforms"] and set(dhis2["indicators"].values()) == {"pass"}


def test_bad_files_are_assessed_on_what_can_be_read() -> None:
    report = validate_paths([FIXTURES / "registry-bad"], ShapesGraph.load(), IRIs())
    by_id = {r.record: r for r in report.records}
    # The unknown SDG fails indicator 1, but the licence (indicator 2) is still assessed.
    assert by_id["unknown-sdg"].indicators()["1"] == "fail"
    assert by_id["unknown-sdg"].indicators()["2"] == "pass"
    assert any("18" in r.message and r.path == "/SDGs/0/SDGNumber"
               for r in by_id["unknown-sdg"].results)
    assert by_id["unknown-licence"].indicators()["2"] == "fail"
    assert by_id["unknown-licence"].indicators()["1"] == "pass"
    # A screening value of the wrong type is reported and the rest of it assessed.
    bad_screen = by_id["good-nominee-bad-screening"].indicators()
    assert bad_screen["7"] == "fail" and bad_screen["5"] == "pass"
    # Files that are not JSON or not objects still get a record with the reason.
    assert any("not JSON" in r.message for r in by_id["not-json"].results)
    assert by_id["valid-one"].conforms


def test_exit_codes_and_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(FIXTURES / "registry")])
    assert ok.exit_code == 0, ok.output
    assert "open-clinic" in ok.output and "2 records, 2 conform" in ok.output
    ttl = runner.invoke(main, ["validate", str(FIXTURES / "registry"), "--format", "turtle"])
    assert "sh:ValidationReport" in ttl.output
    single = runner.invoke(main, ["validate", str(FIXTURES / "registry" / "nominees" /
                                                   "open-clinic.json"), "--format", "json"])
    data = json.loads(single.output)
    _check_contract(data)
    # The screening half beside the nominee file is joined in.
    assert data["records"][0]["indicators"]["7"] == "pass"
    bad = runner.invoke(main, ["validate", str(FIXTURES / "registry-bad")])
    assert bad.exit_code == 1
    assert runner.invoke(main, ["validate", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(main, ["validate"]).exit_code == 2


def test_rdf_input_and_parse_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "s"
    assert runner.invoke(main, ["build", "--registry", str(FIXTURES / "registry"), "--store",
                                str(store), "-q"]).exit_code == 0
    ttl = tmp_path / "registry.ttl"
    assert runner.invoke(main, ["export", "--format", "ttl", "--graph", "registry", "--out",
                                str(ttl), "--store", str(store)]).exit_code == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text("<https://e.org/a> <https://e.org/b> .\n")
    result = runner.invoke(main, ["validate", str(ttl), str(broken), "--format", "json"])
    data = json.loads(result.output)
    ids = {r["record"] for r in data["records"]}
    assert {"open-clinic", "rain-atlas"} <= ids
    assert any("does not parse" in r["message"] for rec in data["records"]
               for r in rec["results"])
    from_store = runner.invoke(main, ["validate", "--store", str(store), "--format", "json"])
    assert from_store.exit_code == 0 and len(json.loads(from_store.output)["records"]) == 2


def test_only_unparseable_rdf_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://e/> .\nex:a ex:b "unterminated .\n')
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 2 and "line 2" in result.output


def test_shapes_that_do_not_parse_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> sh:path .\n")
    result = CliRunner().invoke(main, ["validate", str(FIXTURES / "registry"), "--shapes",
                                       str(bad)])
    assert result.exit_code == 2 and "do not parse" in result.output


def test_pyshacl_engine_agrees_on_fixtures() -> None:
    shapes = ShapesGraph.load()
    fast = validate_paths([FIXTURES / "registry-bad"], shapes, IRIs(), "shacl")
    ref = validate_paths([FIXTURES / "registry-bad"], shapes, IRIs(), "pyshacl")
    key = [(r.record, r.indicators()) for r in fast.records]
    assert key == [(r.record, r.indicators()) for r in ref.records]


@pytest.mark.parametrize("file,pointer,indicator", [
    ("nominees/x.json", "/SDGs/0/SDGNumber", "1"),
    ("nominees/x.json", "/license/0/spdx", "2"),
    ("nominees/x.json", "/name", ""),
    ("digitalpublicgoods/x.json", "/privacy/isPrivacyCompliant", "7"),
    ("digitalpublicgoods/x.json", "/doNoHarm/dataPrivacySecurity", "9"),
    ("digitalpublicgoods/x.json", "/locations", ""),
])
def test_pointer_indicator(file: str, pointer: str, indicator: str) -> None:
    assert pointer_indicator(file, pointer) == indicator


def test_build_stores_the_validation_graph(real_store, registry_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from dpgkg.query import named_queries, run_query, typed_params

    q = named_queries()["dpgs-failing-indicator"]
    rows = json.loads(run_query(real_store, q.text, "json",  # type: ignore[arg-type]
                                typed_params(q, {"indicator": "7"})))
    failing = {b["product"]["value"].rsplit("/", 1)[1] for b in rows["results"]["bindings"]}
    assert "sunbird-quml" in failing and "dhis2" not in failing


def test_subgraph_engine_equals_whole_graph_pyshacl(registry_dir: Path) -> None:
    """The fast path (per-record subgraphs, batches, shacl engine) finds exactly what one
    whole-graph pySHACL run finds on the real registry."""
    import pyoxigraph as ox
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    from dpgkg.build import map_registry
    from dpgkg.registry.reader import read_registry
    from dpgkg.validation.engine import findings_from_report
    from dpgkg.validation.run import validate_dataset

    batch = read_registry(registry_dir)
    out, _ = map_registry(batch, IRIs(), IRIs().graph("registry"))
    store = ox.Store()
    store.bulk_load(out.data(), ox.RdfFormat.N_QUADS)
    shapes = ShapesGraph.load()
    fast = validate_dataset(store, shapes, [], IRIs(), "shacl", workers=2)
    ours = {(r.focus, r.path, r.severity, r.shape) for rec in fast.records for r in rec.results}

    nt = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(
        IRIs().graph("registry")))
    data = rdflib.Graph().parse(data=nt.decode(), format="nt")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes.graph, inference="none",
                                    allow_warnings=True)
    ref = {(f.focus, f.path, f.severity, f.shape)
           for f in findings_from_report(report, shapes.graph, SH)}
    assert ours == ref
    assert len(ours) > 50  # the comparison has something to compare


def test_build_reason_materialises_owl_rl_inferences(tmp_path: Path) -> None:
    """--reason: the inferred graph holds what OWL-RL adds (e.g. a DPG-stage product is a
    dpg:DigitalPublicGood; an owner is a dcterms:rightsHolder), and nothing asserted."""
    runner = CliRunner()
    store = tmp_path / "s"
    result = runner.invoke(main, ["build", "--registry", str(FIXTURES / "registry"), "--store",
                                  str(store), "--reason", "-q"])
    assert result.exit_code == 0, result.output
    ask = ("ASK { GRAPH <https://w3id.org/dpgkg/graph/inferred> { "
           "<https://w3id.org/dpgkg/id/dpg/open-clinic> a dpg:DigitalPublicGood ; "
           "dcterms:rightsHolder ?owner } }")
    out = runner.invoke(main, ["query", ask, "--format", "json", "--store", str(store)])
    assert json.loads(out.output)["boolean"] is True
    nominee = ("ASK { GRAPH <https://w3id.org/dpgkg/graph/inferred> { "
               "<https://w3id.org/dpgkg/id/dpg/rain-atlas> a dpg:DigitalPublicGood } }")
    out = runner.invoke(main, ["query", nominee, "--format", "json", "--store", str(store)])
    assert json.loads(out.output)["boolean"] is False
    asserted_again = ("ASK { GRAPH <https://w3id.org/dpgkg/graph/inferred> { "
                      "?s schema:name ?n } }")
    out = runner.invoke(main, ["query", asserted_again, "--format", "json", "--store",
                               str(store)])
    assert json.loads(out.output)["boolean"] is False


def test_block_index_equals_parsed_index(registry_dir: Path) -> None:
    """The fast path for registry JSON (mapper blocks) cuts the same subgraphs as parsing."""
    from dpgkg.build import map_registry
    from dpgkg.registry.reader import read_registry
    from dpgkg.validation.subgraphs import BlockIndex, SubgraphIndex

    batch = read_registry(registry_dir)
    from dpgkg.rdfterms import QuadWriter
    from dpgkg.registry.mapping import MapContext, map_record

    out = QuadWriter(None)
    ctx = MapContext(IRIs(), out, batch.problems)
    blocks = []
    for rec in batch.records:
        start = len(out.lines)
        map_record(ctx, rec)
        blocks.append((IRIs().record(rec.record_id), out.lines[start:]))
    fast, parsed = BlockIndex(blocks), SubgraphIndex("".join(out.lines))
    assert fast.records == parsed.records
    for record in fast.records:
        assert sorted(fast.text(record).splitlines()) == sorted(parsed.text(record).splitlines())
    from dpgkg.namespaces import DPG
    assert fast.with_property(str(DPG.screening)) == parsed.with_property(str(DPG.screening))
    assert map_registry  # the same mapper the build uses
