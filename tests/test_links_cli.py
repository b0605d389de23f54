"""``dpgkg link catalogues`` and ``dpgkg links`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpgkg.catalogues.link_group import link_group
from dpgkg.catalogues.links_cli import links_cmd
from dpgkg.store import OxigraphStore
from tests.test_linking import PORTALS, load_fixtures


@pytest.fixture()
def store(fixture_store: Path, tmp_path: Path) -> Path:
    shutil.copytree(fixture_store, tmp_path / "store", symlinks=True)
    load_fixtures(OxigraphStore(tmp_path / "store"))
    return tmp_path / "store"


def _link(store: Path, *extra: str) -> str:
    result = CliRunner().invoke(link_group, ["catalogues", "--store", str(store),
                                             "--portals", str(PORTALS), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_link_then_list(store: Path) -> None:
    out = _link(store)
    assert "linked 17 datasets of 5 catalogues" in out and "pending review" in out
    result = CliRunner().invoke(links_cmd, ["--store", str(store), "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {r["status"] for r in rows} == {"accepted", "pending"}
    assert {"rule", "subject", "predicate", "object", "field", "text", "confidence"} <= set(rows[0])


def test_review_list_as_csv_and_table(store: Path) -> None:
    _link(store)
    result = CliRunner().invoke(links_cmd, ["--review", "--store", str(store), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and {r["status"] for r in rows} == {"pending"}
    table = CliRunner().invoke(links_cmd, ["--review", "--store", str(store)])
    assert table.exit_code == 0 and "pending" in table.output
    assert f"{len(rows)} links waiting for review" in table.output


def test_threshold_and_one_catalogue(store: Path) -> None:
    _link(store)
    out = _link(store, "--catalogue", "hdx", "--threshold", "0.95")
    assert "linked 1 datasets of 1 catalogues" in out and "0 accepted, 1 pending" in out


def test_bad_input_exits_2(tmp_path: Path, store: Path) -> None:
    missing = CliRunner().invoke(links_cmd, ["--store", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no store" in missing.output
    unknown = CliRunner().invoke(link_group, ["catalogues", "--store", str(store),
                                              "--catalogue", "nope"])
    assert unknown.exit_code == 2 and "no such catalogue" in unknown.output
