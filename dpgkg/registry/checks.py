"""Checks a registry file against the registry's own JSON schema and dpgkg's stricter one.

fastjsonschema answers the common case (a valid file) quickly; only a failing file is
re-checked with jsonschema, which lists every error with its JSON pointer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from dpgkg.problems import Problem, Severity, json_pointer
from dpgkg.registry.normalise import normalise_licence

#: Field names of older registry formats, with what replaced them (schema CHANGELOG).
OLD_FIELDS: dict[str, str] = {
    "repositoryURL": "'repositories' (a list of {name, url}) since registry schema v0.3.0",
    "license_link": "'license[].licenseURL' since registry schema v0.2.0",
    "supported_by": "'organizations' since registry schema v0.3.0",
    "licenseURL": "'license[].licenseURL' since registry schema v0.2.0",
}

NOMINEE = "nominee"
SCREENING = "screening"


def _load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return data


def bundled_schema(kind: str) -> dict[str, Any]:
    text = resources.files("dpgkg.data").joinpath(f"{kind}.strict.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def find_registry_schema(root: Path, kind: str) -> Path | None:
    """The registry's own schema: ``schema/<kind>-schema.json``, or at the root (upstream)."""
    for candidate in (root / "schema" / f"{kind}-schema.json", root / f"{kind}-schema.json"):
        if candidate.is_file():
            return candidate
    return None


class _Validator:
    """A JSON schema compiled twice: fast yes/no, then full error listing on failure."""

    def __init__(self, schema: dict[str, Any], origin: str) -> None:
        self.origin = origin
        self._fast: Callable[[Any], Any] = fastjsonschema.compile(schema)
        self._full = jsonschema.Draft7Validator(schema)

    def problems(self, data: Any, file: str) -> list[Problem]:
        try:
            self._fast(data)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        out = []
        for err in sorted(self._full.iter_errors(data), key=lambda e: list(map(str, e.path))):
            for path, reason in _located(err):
                out.append(Problem(file, json_pointer(path), f"{reason} ({self.origin})",
                                   Severity.ERROR, "schema"))
        return out


def _located(err: jsonschema.ValidationError) -> list[tuple[list[object], str]]:
    """Point 'required' and 'additionalProperties' errors at the field itself."""
    base = list(err.absolute_path)
    instance = err.instance if isinstance(err.instance, dict) else {}
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in instance]
        return [([*base, k], f"missing required field {k!r}") for k in missing]
    if err.validator == "additionalProperties":
        known = set((err.schema or {}).get("properties", {}))
        extra = [k for k in instance if k not in known]
        return [([*base, k], f"unknown field {k!r}") for k in extra]
    return [(base, _short(err.message))]


def _short(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


class RecordChecker:
    """Checks nominee and screening files; schemas are compiled once per batch."""

    def __init__(self, registry_root: Path | None = None) -> None:
        self.registry_root = registry_root

    def _registry_validator(self, kind: str) -> _Validator | None:
        if self.registry_root is None:
            return None
        path = find_registry_schema(self.registry_root, kind)
        if path is None:
            return None
        return _Validator(_load_json(path), f"registry {kind} schema")

    @cached_property
    def validators(self) -> dict[str, list[_Validator]]:
        out: dict[str, list[_Validator]] = {}
        for kind in (NOMINEE, SCREENING):
            vals = [_Validator(bundled_schema(kind), "dpgkg strict check")]
            reg = self._registry_validator(kind)
            if reg is not None:
                vals.insert(0, reg)
            out[kind] = vals
        return out

    def has_registry_schemas(self) -> bool:
        return all(len(v) == 2 for v in self.validators.values())

    def check(self, kind: str, data: dict[str, Any], file: str) -> list[Problem]:
        """Every problem of one parsed file; an empty list means it may be built."""
        found = _old_format_problems(kind, data, file)
        flagged = {p.pointer for p in found}
        for validator in self.validators[kind]:
            for problem in validator.problems(data, file):
                # One reason per field: the old-format message explains it better.
                if not any(problem.pointer.startswith(f) for f in flagged):
                    found.append(problem)
                    flagged.add(problem.pointer)
        if kind == NOMINEE:
            found.extend(p for p in _licence_problems(data, file) if p.pointer not in flagged)
        return found


def _old_format_problems(kind: str, data: dict[str, Any], file: str) -> list[Problem]:
    out = []
    for key, replacement in OLD_FIELDS.items():
        if key in data:
            out.append(Problem(file, json_pointer([key]),
                               f"old field name {key!r}: use {replacement}", code="old-format"))
    if kind == NOMINEE:
        sdgs = data.get("SDGs")
        if isinstance(sdgs, list):
            for i, item in enumerate(sdgs):
                if isinstance(item, (int, list)):
                    out.append(Problem(
                        file, json_pointer(["SDGs", i]),
                        f"old SDG format {item!r}: since registry schema v0.7.0 each SDG is an "
                        "object {SDGNumber, evidenceText, evidenceURL}", code="old-format"))
        if "stage" not in data:
            out.append(Problem(file, json_pointer(["stage"]),
                               "missing 'stage' (required since registry schema v0.6.0)",
                               code="old-format"))
    return out


def _licence_problems(data: dict[str, Any], file: str) -> list[Problem]:
    out: list[Problem] = []
    licences = data.get("license")
    if not isinstance(licences, list):
        return out
    for i, item in enumerate(licences):
        spdx = item.get("spdx") if isinstance(item, dict) else None
        if isinstance(spdx, str) and normalise_licence(spdx) is None:
            out.append(Problem(file, json_pointer(["license", i, "spdx"]),
                               f"unknown licence {spdx!r}: not an SPDX licence id",
                               code="unknown-licence"))
    return out
