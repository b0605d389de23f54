"""The dpgkg command line: verbs, flags, formats and exit codes (0 ok, 1 findings, 2 bad input)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpgkg.cli import main
from tests.conftest import FIXTURES


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def built(runner: CliRunner, tmp_path: Path) -> Path:
    store = tmp_path / "store"
    result = runner.invoke(main, ["build", "--registry", str(FIXTURES / "registry"),
                                  "--store", str(store), "-q"])
    assert result.exit_code == 0, result.output
    return store


def test_help_everywhere(runner: CliRunner) -> None:
    for args in ([], ["build"], ["query"], ["export"], ["stats"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_build_reports_and_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = runner.invoke(main, ["build", "--registry", str(FIXTURES / "registry"), "--store",
                                  str(tmp_path / "s"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["records"] == 2 and data["errors"] == 0
    assert {"file", "pointer", "reason", "severity", "code"} <= set(data["problems"][0])
    assert "built 2 records" in result.output


def test_build_with_bad_files_exits_1_and_keeps_the_rest(runner: CliRunner, tmp_path: Path
                                                         ) -> None:
    store = tmp_path / "s"
    result = runner.invoke(main, ["build", "--registry", str(FIXTURES / "registry-bad"),
                                  "--store", str(store)])
    assert result.exit_code == 1
    assert "error: nominees/unknown-sdg.json: /SDGs/0/SDGNumber:" in result.output
    assert "10 errors" in result.output
    out = runner.invoke(main, ["query", "SELECT ?id WHERE { ?r a dpg:DigitalProduct ;"
                               " dcterms:identifier ?id } ORDER BY ?id", "--format", "csv",
                               "--store", str(store)])
    rows = list(csv.reader(io.StringIO(out.output)))
    assert [r[0] for r in rows[1:]] == ["good-nominee-bad-screening", "valid-one"]


def test_build_bad_input_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--registry", str(tmp_path / "nope"),
                                  "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "no such folder" in result.output
    result = runner.invoke(main, ["build", "--store", str(tmp_path / "s")],
                           env={"DPGKG_REGISTRY": ""})
    assert result.exit_code == 2 and "no registry given" in result.output
    result = runner.invoke(main, ["build", "--registry", str(FIXTURES / "registry"),
                                  "--sdg", str(tmp_path / "nope"), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "--sdg" in result.output


def test_env_vars_are_read(runner: CliRunner, tmp_path: Path) -> None:
    env = {"DPGKG_REGISTRY": str(FIXTURES / "registry"), "DPGKG_STORE": str(tmp_path / "e"),
           "DPGKG_BASE_IRI": "https://example.org/kg/"}
    assert runner.invoke(main, ["build", "-q"], env=env).exit_code == 0
    out = runner.invoke(main, ["query", "ASK { <https://example.org/kg/id/dpg/rain-atlas> ?p ?o }",
                               "--format", "json"], env=env)
    assert json.loads(out.output)["boolean"] is True


@pytest.mark.parametrize("fmt,check", [
    ("json", lambda t: json.loads(t)["head"]["vars"][0] == "goal"),
    ("csv", lambda t: t.startswith("goal,number,label,products,dpgs")),
    ("tsv", lambda t: t.startswith("?goal\t?number")),
    ("xml", lambda t: "<sparql" in t),
    ("table", lambda t: "Good health and well-being" in t),
])
def test_named_query_formats(runner: CliRunner, built: Path, fmt: str, check) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["query", "dpgs-per-sdg", "--format", fmt, "--store", str(built)])
    assert result.exit_code == 0, result.output
    assert check(result.output)


def test_query_from_file_and_construct_turtle(runner: CliRunner, built: Path, tmp_path: Path
                                              ) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text("CONSTRUCT { ?r schema:name ?n } WHERE { ?r schema:name ?n }")
    result = runner.invoke(main, ["query", str(rq), "--format", "turtle", "--store", str(built)])
    assert result.exit_code == 0, result.output
    assert '"Open Clinic"' in result.output and "@prefix schema:" in result.output


def test_query_parameters(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(main, ["query", "dpgs-deployed-in-country", "--param", "country=ke",
                                  "--format", "csv", "--store", str(built)])
    assert result.exit_code == 0, result.output
    assert "Open Clinic" in result.output
    bad = runner.invoke(main, ["query", "dpgs-deployed-in-country", "--param", "nation=KE",
                               "--store", str(built)])
    assert bad.exit_code == 2 and "unknown parameter 'nation'" in bad.output


def test_query_errors_exit_2(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    syntax = runner.invoke(main, ["query", "SELECT ?x WHERE { ?x", "--store", str(built)])
    assert syntax.exit_code == 2 and "syntax error" in syntax.output
    missing = runner.invoke(main, ["query", "no-such-query", "--store", str(built)])
    assert missing.exit_code == 2 and "dpgs-per-sdg" in missing.output
    nostore = runner.invoke(main, ["query", "dpgs-per-sdg", "--store", str(tmp_path / "x")])
    assert nostore.exit_code == 2 and "dpgkg build" in nostore.output


def test_query_list(runner: CliRunner) -> None:
    result = runner.invoke(main, ["query", "--list"])
    assert "dpgs-per-sdg" in result.output and "params: country" in result.output


@pytest.mark.parametrize("fmt", ["nt", "ttl", "nq", "trig", "jsonld"])
def test_export_rdf_formats_parse(runner: CliRunner, built: Path, tmp_path: Path, fmt: str
                                  ) -> None:
    import rdflib

    out = tmp_path / f"dump.{fmt}"
    result = runner.invoke(main, ["export", "--format", fmt, "--out", str(out),
                                  "--store", str(built)])
    assert result.exit_code == 0, result.output
    parser = {"nt": "nt", "ttl": "turtle", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
    ds = rdflib.Dataset()
    ds.parse(out, format=parser[fmt])
    assert len(ds) > 500 if fmt in ("nt", "ttl") else sum(1 for _ in ds.quads()) > 500


def test_export_one_graph(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(main, ["export", "--format", "nt", "--graph", "sdg",
                                  "--store", str(built)])
    assert result.exit_code == 0
    assert "metadata.un.org/sdg/17" in result.output and "id/dpg/" not in result.output
    bad = runner.invoke(main, ["export", "--format", "nt", "--graph", "nope",
                               "--store", str(built)])
    assert bad.exit_code == 2


def test_export_registry_json(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    out = tmp_path / "reg"
    result = runner.invoke(main, ["export", "--format", "registry-json", "--out", str(out),
                                  "--store", str(built)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "nominees").iterdir()) == ["open-clinic.json",
                                                                    "rain-atlas.json"]
    assert (out / "digitalpublicgoods" / "open-clinic.json").is_file()
    assert runner.invoke(main, ["export", "--format", "registry-json", "--store",
                                str(built)]).exit_code == 2


def test_stats(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(main, ["stats", "--format", "json", "--store", str(built)])
    data = json.loads(result.output)
    assert data["records_by_status"] == {"DPG": 1, "nominee": 1}
    assert data["totals"]["records"] == 2 and data["totals"]["organizations"] == 2
    assert set(data["graphs"]) == {"https://w3id.org/dpgkg/graph/ontology",
                                   "https://w3id.org/dpgkg/graph/registry",
                                   "https://w3id.org/dpgkg/graph/sdg",
                                   "https://w3id.org/dpgkg/graph/validation"}
    text = runner.invoke(main, ["stats", "--store", str(built)])
    assert "records_by_status:" in text.output


def test_rebuild_keeps_other_graphs(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    """A graph loaded by something else (a catalogue, say) survives a registry rebuild."""
    import pyoxigraph as ox

    from dpgkg.store import GraphData, OxigraphStore

    store = OxigraphStore(built)
    other = "https://w3id.org/dpgkg/graph/catalogue/test"
    store.replace_graphs({other: [GraphData(other, ox.RdfFormat.TURTLE,
                                            data=b"<https://e.org/a> <https://e.org/b> 1 .")]})
    reg = tmp_path / "reg2"
    shutil.copytree(FIXTURES / "registry", reg)
    (reg / "nominees" / "rain-atlas.json").unlink()
    assert runner.invoke(main, ["build", "--registry", str(reg), "--store", str(built),
                                "-q"]).exit_code == 0
    assert other in store.named_graphs()
    assert store.query("ASK { <https://w3id.org/dpgkg/id/dpg/rain-atlas> ?p ?o }") is False


def test_bad_environment_value_is_a_clear_error_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["stats"], env={"DPGKG_QUERY_TIMEOUT": "ten"})
    assert result.exit_code == 2
    assert "DPGKG_QUERY_TIMEOUT: 'ten' is not a number" in result.output


def test_validate_bare_store_flag_uses_the_configured_store(runner: CliRunner,
                                                           tmp_path: Path) -> None:
    store = tmp_path / "configured"
    result = runner.invoke(main, ["validate", "--store"], env={"DPGKG_STORE": str(store)})
    assert result.exit_code == 2
    assert str(store) in result.output  # not "." (the bare flag used to mean the cwd)
