"""``dpgkg validate --shapes dcat-ap``: whole catalogue graphs against the DCAT-AP 3.0.1
SHACL shapes (from ../shared/data/catalogues/dcat-ap, skipped when absent), both engines."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from dpgkg.cli import main
from dpgkg.config import Settings
from dpgkg.namespaces import IRIs
from dpgkg.store import GraphData, OxigraphStore
from dpgkg.validation.engine import ENGINES
from dpgkg.validation.graphs import validate_graph_paths
from dpgkg.validation.inputs import InputError
from dpgkg.validation.shapes import ShapesError, ShapesGraph
from tests.conftest import shared_data

PUBLISHER_SHAPE = ("https://semiceu.github.io/DCAT-AP/releases/3.0.1#dcat:CatalogShape/"
                   "b3ec0655204c62a2531244aaeab12f1a2c5e5b5d")
BROKEN_TTL = {  # upstream Turtle errors (PROVENANCE.md section 2)
    "example-bee-population-dataset-series-api.ttl",
    "example-bee-population-dataset-series-combined.ttl",
}


@pytest.fixture(scope="module")
def dcatap() -> Path:
    base = shared_data()
    folder = base / "catalogues" / "dcat-ap" if base else None
    if folder is None or not (folder / "3.0.1" / "shacl" / "dcat-ap-SHACL.ttl").is_file():
        pytest.skip("DCAT-AP shapes not available: set DPGKG_SHARED_DATA or place shared/data "
                    "beside the project")
    return folder


@pytest.fixture(scope="module")
def shapes(dcatap: Path) -> ShapesGraph:
    return ShapesGraph.load("dcat-ap")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args], obj=Settings())
    return result.exit_code, result.output


def summary(report: object) -> set[tuple[str, str, str, str, str]]:
    """(record, focus, path, severity, shape) of every result; blank nodes as "_:"."""
    return {(rec.record, "_:" if r.focus.startswith("_:") else r.focus, r.path, r.severity,
             r.shape) for rec in report.records for r in rec.results}  # type: ignore[attr-defined]


def test_shape_set(shapes: ShapesGraph) -> None:
    assert shapes.whole_graph
    assert [f.name for f in shapes.files] == ["dcat-ap-SHACL.ttl"]
    assert "3.0.1" in str(shapes.files[0])
    # Two sh:property references of DataServiceShape to shapes never defined (upstream):
    # dropped, so that pySHACL accepts the shapes.
    assert len(shapes.dangling) == 2
    assert all(o not in shapes.turtle for _, o in shapes.dangling)


@pytest.mark.parametrize("engine", ENGINES)
def test_example1_valid_example2_invalid(dcatap: Path, shapes: ShapesGraph, engine: str) -> None:
    examples = dcatap / "2.1.1" / "examples"
    good = validate_graph_paths([examples / "example1.nt"], shapes, engine)
    assert good.conforms and not summary(good)
    assert {(r.record, r.kind) for r in good.records} == {
        ("https://myorg.eu/opendata/catalog", "Catalog"),
        ("https://myorg.eu/opendata/datasets/1", "Dataset")}
    # example2's catalogue publisher is a foaf:Organization, not a foaf:Agent: SHACL does
    # no RDFS inference, so sh:class foaf:Agent fails.
    bad = validate_graph_paths([examples / "example2.nt"], shapes, engine)
    assert not bad.conforms
    assert summary(bad) == {("https://myorg.eu/opendata/catalog",
                             "https://myorg.eu/opendata/catalog",
                             "http://purl.org/dc/terms/publisher", "Violation",
                             PUBLISHER_SHAPE)}
    result = bad.records[0].results[0]
    assert result.message and result.value.startswith("_:")


def test_engines_agree_on_the_301_examples(dcatap: Path, shapes: ShapesGraph) -> None:
    examples = sorted(p for p in (dcatap / "3.0.1" / "examples").glob("*.ttl")
                      if p.name not in BROKEN_TTL)
    assert len(examples) >= 10
    for path in examples:
        reports = [validate_graph_paths([path], shapes, e) for e in ENGINES]
        assert summary(reports[0]) == summary(reports[1]), path.name
    # The series examples leave out descriptions: a mandatory property (sh:minCount 1).
    series = validate_graph_paths([dcatap / "3.0.1" / "examples" /
                                   "example-bee-population-dataset-series.ttl"], shapes)
    paths = {r.path for rec in series.records for r in rec.results}
    assert "http://purl.org/dc/terms/description" in paths
    assert {r.kind for r in series.records} >= {"Dataset", "DatasetSeries"}


def test_results_filed_under_their_dataset(tmp_path: Path, shapes: ShapesGraph) -> None:
    data = tmp_path / "catalogue.ttl"
    data.write_text("""
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        <https://ex.org/cat> a dcat:Catalog ; dct:title "C"@en ; dct:description "C"@en ;
            dct:publisher [ a <http://xmlns.com/foaf/0.1/Organization> ] ;
            dcat:dataset <https://ex.org/ds> .
        <https://ex.org/ds> a dcat:Dataset ; dct:title "D"@en ; dct:description "D"@en ;
            dcat:distribution <https://ex.org/ds/csv> .
        <https://ex.org/ds/csv> a dcat:Distribution .
    """)
    for engine in ENGINES:
        report = validate_graph_paths([data], shapes, engine)
        owners = {(r.focus, rec.record) for rec in report.records for r in rec.results}
        # The distribution misses its accessURL: filed under its dataset.
        assert ("https://ex.org/ds/csv", "https://ex.org/ds") in owners
        assert ("https://ex.org/cat", "https://ex.org/cat") in owners  # bad publisher class


def test_unusable_input(dcatap: Path, shapes: ShapesGraph, tmp_path: Path) -> None:
    broken = dcatap / "3.0.1" / "examples" / "example-bee-population-dataset-series-api.ttl"
    with pytest.raises(InputError, match="does not parse"):
        validate_graph_paths([broken], shapes)
    code, out = invoke("--shapes", "dcat-ap", str(broken))
    assert code == 2 and "does not parse" in out
    code, out = invoke("--shapes", "dcat-ap", str(tmp_path))
    assert code == 2 and "no such file" in out


def test_cli_files(dcatap: Path) -> None:
    examples = dcatap / "2.1.1" / "examples"
    code, out = invoke("--shapes", "dcat-ap", str(examples / "example1.nt"))
    assert code == 0 and "2 conform, 0 with violations" in out
    code, out = invoke("--shapes", "dcat-ap", "--format", "json", "--engine", "pyshacl",
                       str(examples / "example2.nt"))
    assert code == 1
    doc = json.loads(out)
    assert doc["conforms"] is False and doc["shapes"] == "dcat-ap"
    catalogue = next(r for r in doc["records"] if r["type"] == "Catalog")
    assert catalogue["record"] == "https://myorg.eu/opendata/catalog"
    assert set(catalogue["results"][0]) >= {"severity", "focus", "path", "value", "message",
                                            "shape"}
    code, out = invoke("--shapes", "dcat-ap", "--format", "turtle",
                       str(examples / "example2.nt"))
    assert code == 1
    g = rdflib.Graph().parse(data=out, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(g.objects(None, sh.focusNode))) == 1


def test_cli_store_graphs(dcatap: Path, tmp_path: Path) -> None:
    iris, store = IRIs(), OxigraphStore(tmp_path / "store")
    examples = dcatap / "2.1.1" / "examples"
    store.replace_graphs({iris.catalogue_graph(name): [GraphData(
        iris.catalogue_graph(name), ox.RdfFormat.N_TRIPLES, path=examples / f"{file}.nt")]
        for name, file in (("good", "example1"), ("bad", "example2"))})
    where = ["--store", str(store.directory), "--shapes", "dcat-ap"]
    assert invoke(*where, "--graph", "catalogue/good")[0] == 0
    assert invoke(*where, "--graph", iris.catalogue_graph("bad"))[0] == 1
    code, out = invoke(*where, "--format", "json")  # every catalogue graph
    assert code == 1 and json.loads(out)["conforms"] is False
    code, out = invoke(*where, "--graph", "catalogue/none")
    assert code == 2 and "no graph" in out
    code, out = invoke(str(examples / "example1.nt"), "--graph", "catalogue/good")
    assert code == 2


def test_shapes_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DPGKG_SHARED_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(ShapesError, match="shared data folder is not available"):
        ShapesGraph.load("dcat-ap")
    monkeypatch.setenv("DPGKG_SHARED_DATA", str(tmp_path))
    with pytest.raises(ShapesError, match=r"dcat-ap-SHACL\.ttl not found"):
        ShapesGraph.load("dcat-ap")
    code, out = invoke("--shapes", "dcat-ap", str(tmp_path))
    assert code == 2 and "dcat-ap" in out
