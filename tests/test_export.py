"""Nothing lost: registry JSON rebuilt from the graph's triples equals the input,
up to the normalisations the README documents (see tests/roundtrip.py)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dpgkg.config import Settings
from dpgkg.exporting import export_registry_json
from dpgkg.registry.checks import find_registry_schema
from dpgkg.store import OxigraphStore
from tests.conftest import FIXTURES
from tests.roundtrip import compare


def _roundtrip(source: Path, exported: Path, schemas: dict[str, dict]) -> list[str]:  # type: ignore[type-arg]
    failures = []
    for folder, kind in (("nominees", "nominee"), ("digitalpublicgoods", "screening")):
        for original_file in sorted((source / folder).glob("*.json")):
            out_file = exported / folder / original_file.name
            if not out_file.is_file():
                failures.append(f"{folder}/{original_file.name}: not exported")
                continue
            original = json.loads(original_file.read_text())
            exported_data = json.loads(out_file.read_text())
            for err in jsonschema.Draft7Validator(schemas[kind]).iter_errors(exported_data):
                failures.append(f"{folder}/{original_file.name}: schema: {err.message}")
            nominee_file = source / "nominees" / original_file.name
            nominee = json.loads(nominee_file.read_text()) if nominee_file.is_file() else None
            failures += [f"{folder}/{original_file.name}{d}"
                         for d in compare(original, exported_data, nominee)]
        extra = ({p.name for p in (exported / folder).glob("*.json")}
                 - {p.name for p in (source / folder).glob("*.json")})
        failures += [f"{folder}/{name}: exported but not in the input" for name in extra]
    return failures


def test_nothing_lost_for_every_real_record(real_store: OxigraphStore, registry_dir: Path,
                                            tmp_path: Path) -> None:
    counts = export_registry_json(Settings(store=real_store.directory), tmp_path)
    assert counts == {"nominees": 228, "screenings": 166}
    schemas = {kind: json.loads(find_registry_schema(registry_dir, kind).read_text())  # type: ignore[union-attr]
               for kind in ("nominee", "screening")}
    failures = _roundtrip(registry_dir, tmp_path, schemas)
    assert not failures, "\n".join(failures[:40])


def test_nothing_lost_for_fixtures(fixture_settings: Settings, tmp_path: Path) -> None:
    from dpgkg.build import build
    from dpgkg.registry.checks import bundled_schema

    build(fixture_settings)
    out = tmp_path / "out"
    export_registry_json(fixture_settings, out)
    schemas = {k: bundled_schema(k) for k in ("nominee", "screening")}
    assert not _roundtrip(FIXTURES / "registry", out, schemas)
    clinic = json.loads((out / "nominees" / "open-clinic.json").read_text())
    # Declared (deprecated) SPDX id, prose URL and order survive; placeholders come back as "".
    assert clinic["license"][0]["spdx"] == "GPL-3.0"
    assert clinic["license"][1]["licenseURL"].startswith("Docs: https://")
    assert clinic["repositories"][1] == {"name": "docs", "url": ""}
    assert "contact_email" not in json.dumps(clinic)


def test_the_comparison_can_fail(fixture_settings: Settings, tmp_path: Path) -> None:
    """Guard against a comparator that always agrees: a changed value must be reported."""
    from dpgkg.build import build
    from dpgkg.registry.checks import bundled_schema

    build(fixture_settings)
    out = tmp_path / "out"
    export_registry_json(fixture_settings, out)
    f = out / "digitalpublicgoods" / "open-clinic.json"
    data = json.loads(f.read_text())
    data["doNoHarm"]["dataPrivacySecurity"]["typesOfDataCollected"].reverse()
    f.write_text(json.dumps(data))
    schemas = {k: bundled_schema(k) for k in ("nominee", "screening")}
    failures = _roundtrip(FIXTURES / "registry", out, schemas)
    assert any("typesOfDataCollected" in f for f in failures)


@pytest.mark.parametrize("key", ["aliases", "sectors"])
def test_unordered_fields_are_documented(key: str) -> None:
    readme = (FIXTURES.parent.parent / "README.md").read_text()
    assert key in readme.split("## Normalisations", 1)[-1]
