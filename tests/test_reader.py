"""Reading and checking registry files: one line per problem, the rest of the batch kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dpgkg.problems import Severity
from dpgkg.registry.reader import find_registry_root, read_registry
from tests.conftest import FIXTURES

BAD = FIXTURES / "registry-bad"


def _errors(batch) -> dict[str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[tuple[str, str]]] = {}
    for p in batch.problems.errors:
        out.setdefault(p.file, []).append((p.pointer, p.reason))
    return out


def test_each_bad_file_gets_a_line_naming_file_field_and_reason() -> None:
    batch = read_registry(BAD)
    errors = _errors(batch)
    expected = {
        "nominees/not-json.json": ("", "not JSON"),
        "nominees/a-list.json": ("", "not a JSON object"),
        "nominees/wrong-types.json": ("/name", "not of type 'string'"),
        "nominees/unknown-sdg.json": ("/SDGs/0/SDGNumber", "18"),
        "nominees/unknown-licence.json": ("/license/0/spdx", "unknown licence 'Foo-1.0'"),
        "nominees/missing-required.json": ("/license", "missing required field 'license'"),
        "nominees/old-field.json": ("/repositoryURL", "old field name 'repositoryURL'"),
        "nominees/old-sdg-format.json": ("/SDGs/0", "old SDG format"),
        "digitalpublicgoods/good-nominee-bad-screening.json": (
            "/privacy/isPrivacyCompliant", "not of type 'string'"),
    }
    assert set(errors) == set(expected)
    for file, (pointer, reason) in expected.items():
        assert any(p == pointer and reason in r for p, r in errors[file]), (file, errors[file])
    # One reason per field: the old-format message is not repeated by the schema check.
    assert len(errors["nominees/old-field.json"]) == 1


def test_rest_of_the_batch_is_kept() -> None:
    batch = read_registry(BAD)
    kept = {r.record_id: (r.nominee is not None, r.screening is not None) for r in batch.records}
    # A bad screening drops only that half; the valid nominee is still built.
    assert kept == {"valid-one": (True, True), "good-nominee-bad-screening": (True, False)}


def test_registry_schema_is_used_when_present(tmp_path: Path, registry_dir: Path) -> None:
    target = tmp_path / "reg"
    shutil.copytree(BAD, target)
    shutil.copytree(registry_dir / "schema", target / "schema")
    batch = read_registry(target)
    assert not any(p.code == "no-registry-schema" for p in batch.problems)
    errors = _errors(batch)
    # The registry schema's own wording comes first for an unknown SDG number.
    assert any("registry nominee schema" in r for _, r in errors["nominees/unknown-sdg.json"])


def test_missing_schema_is_a_warning_not_an_error() -> None:
    batch = read_registry(FIXTURES / "registry")
    codes = {p.code: p.severity for p in batch.problems}
    assert codes["no-registry-schema"] is Severity.WARNING
    assert not batch.problems.errors


def test_bad_record_id_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "nominees").mkdir()
    (tmp_path / "nominees" / "Bad Name.json").write_text("{}")
    batch = read_registry(tmp_path)
    assert [p.code for p in batch.problems.errors] == ["bad-id"]


def test_root_is_found_one_level_down(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "registry", tmp_path / "publicgoods-candidates-main")
    assert find_registry_root(tmp_path).name == "publicgoods-candidates-main"
    with pytest.raises(FileNotFoundError):
        find_registry_root(tmp_path / "publicgoods-candidates-main" / "nominees")


def test_real_registry_quirks_are_reported(registry_dir: Path) -> None:
    batch = read_registry(registry_dir)
    assert not batch.problems.errors
    assert batch.files_read == 394
    ids = {r.record_id for r in batch.records}
    assert len(ids) == 230  # 228 nominees + 2 screening files without a nominee
    codes = batch.problems.counts()
    assert codes["orphan-screening"] == 2
    assert codes["name-mismatch"] == 6
    assert codes["duplicate-screening"] == 7  # commcare x3, mifos x4
    commcare = next(r for r in batch.records if r.record_id == "commcare-android")
    assert sorted(commcare.screening_shared_with) == ["commcare", "commcare-cloud"]


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "nominees").mkdir()
    (tmp_path / "nominees" / "latin.json").write_bytes(b'{"name": "Caf\xe9"}')
    batch = read_registry(tmp_path)
    assert batch.problems.errors[0].reason.startswith("not UTF-8")


def test_problem_json_shape() -> None:
    batch = read_registry(BAD)
    data = json.loads(batch.problems.to_json())
    assert set(data[0]) == {"file", "pointer", "reason", "severity", "code"}
