"""Personal data (contact names and e-mail addresses) never reaches the graph or an export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from dpgkg.cli import main
from dpgkg.registry.privacy import EMAIL, Scrubber, personal_values
from dpgkg.store import OxigraphStore


def _contacts(registry_dir: Path) -> set[str]:
    values: set[str] = set()
    for f in (registry_dir / "nominees").glob("*.json"):
        values |= personal_values(json.loads(f.read_text()))
    return values


def test_registry_has_personal_data_to_hide(registry_dir: Path) -> None:
    # The check below is only meaningful if the input really carries contacts.
    assert len({v for v in _contacts(registry_dir) if "@" in v}) > 150


def _words(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)


def test_no_contact_reaches_any_export(real_store: OxigraphStore, registry_dir: Path,
                                       tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(real_store.directory)
    out = tmp_path / "all.nq"
    assert runner.invoke(main, ["export", "--format", "nq", "--out", str(out), "--store",
                                store]).exit_code == 0
    dump = out.read_text()
    assert not EMAIL.search(dump.replace("[e-mail removed]", ""))
    # Full names (two words or more) appear nowhere in the whole graph.
    people = [c for c in _contacts(registry_dir) if "@" not in c and len(c.split()) > 1]
    assert people
    leaked = [c for c in people if _words(c).search(dump)]
    assert not leaked, leaked
    # Every contact value (short ones too) is gone from its own record's export.
    assert runner.invoke(main, ["export", "--format", "registry-json", "--out",
                                str(tmp_path / "reg"), "--store", store]).exit_code == 0
    for nominee_file in (registry_dir / "nominees").glob("*.json"):
        values = personal_values(json.loads(nominee_file.read_text()))
        for exported in (tmp_path / "reg").glob(f"*/{nominee_file.name}"):
            text = exported.read_text()
            assert "contact_name" not in text and "contact_email" not in text
            leaked = [v for v in values if _words(v).search(text)]
            assert not leaked, (exported, leaked)


def test_scrubber() -> None:
    nominee = {"organizations": [
        {"name": "Org", "contact_name": "Ana Lopez", "contact_email": "ana@org.example"},
        {"name": "Solo Dev", "contact_name": "Solo Dev"},  # the organisation itself
    ]}
    scrub = Scrubber(nominee)
    assert scrub("Ask ANA LOPEZ at ana@org.example or mailto:x@y.org") == (
        "Ask [contact name removed] at [e-mail removed] or [e-mail removed]")
    assert scrub("Built by Solo Dev") == "Built by Solo Dev"
    assert personal_values(nominee) == {"Ana Lopez", "ana@org.example"}
    assert not re.search("Ana", scrub("Ana Lopez"))
    # Whole words only.
    assert Scrubber({"organizations": [{"name": "Informatici", "contact_name": "ISF"}]})(
        "user satisfaction; ISF team") == "user satisfaction; [contact name removed] team"
