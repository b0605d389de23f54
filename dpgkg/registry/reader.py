"""Reads a registry folder: nominee and screening halves, joined by file name.

Each file is parsed and checked on its own, so one bad file never stops the batch:
a bad nominee drops that record, a bad screening file drops only the screening half.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from dpgkg.problems import ProblemLog, Severity
from dpgkg.registry.checks import NOMINEE, SCREENING, RecordChecker

NOMINEE_DIR = "nominees"
SCREENING_DIR = "digitalpublicgoods"

#: A record id becomes an IRI path segment: keep it to what the registry's file names use.
RECORD_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class SourceFile:
    """One input file: where it is (relative to the registry root) and what it hashed to."""

    rel_path: str
    sha256: str
    data: dict[str, Any] | None = None


@dataclass
class RegistryRecord:
    """A record id with its nominee half, its screening half, or both."""

    record_id: str
    nominee: SourceFile | None = None
    screening: SourceFile | None = None
    #: Other record ids whose screening file has the same bytes (upstream symlinks).
    screening_shared_with: list[str] = field(default_factory=list)


@dataclass
class RegistryBatch:
    root: Path
    records: list[RegistryRecord]
    problems: ProblemLog
    files_read: int

    def sha256(self) -> str:
        """One hash over every file read (path and content hash), stable across machines."""
        h = hashlib.sha256()
        for rec in self.records:
            for half in (rec.nominee, rec.screening):
                if half is not None:
                    h.update(f"{half.rel_path}\0{half.sha256}\n".encode())
        return h.hexdigest()


def find_registry_root(path: Path) -> Path:
    """The folder holding ``nominees/``: PATH itself, or the one folder below it that does."""
    if (path / NOMINEE_DIR).is_dir():
        return path
    candidates = [p for p in path.iterdir() if p.is_dir() and (p / NOMINEE_DIR).is_dir()]
    if len(candidates) == 1:
        return candidates[0]
    raise FileNotFoundError(f"{path}: no '{NOMINEE_DIR}/' folder found (is it a DPG registry?)")


def _read(path: str, rel: str, problems: ProblemLog) -> SourceFile | None:
    with open(path, "rb") as fh:
        raw = fh.read()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # orjson is fast; the standard library says where the problem is.
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            problems.add(rel, "", f"not UTF-8 text: {exc.reason} at byte {exc.start}",
                         code="not-json")
            return None
        except json.JSONDecodeError as exc:
            problems.add(rel, "", f"not JSON: {exc.msg} (line {exc.lineno}, column "
                         f"{exc.colno})", code="not-json")
            return None
    if not isinstance(data, dict):
        problems.add(rel, "", f"not a JSON object but a {type(data).__name__}", code="not-json")
        return None
    return SourceFile(rel, digest, data)


def _files(folder: Path) -> dict[str, str]:
    """File name without ".json" -> path, for the folder's JSON files.

    Paths are plain strings: a Path object per file was a measurable cost at 100k files.
    """
    if not folder.is_dir():
        return {}
    # scandir's entries know their type without a stat() per file (100k-file folders).
    with os.scandir(folder) as entries:
        return {e.name[:-5]: e.path for e in entries if e.name.endswith(".json") and e.is_file()}


class RegistryReader:
    """Streams a registry's records in id order; problems collect in ``problems``.

    Streaming keeps memory flat for large registries: each record's JSON is read when it
    is reached. Screening files shared by several records (upstream symlinks) are only
    known at the end: ``shared_screenings()`` after the iteration.
    """

    def __init__(self, path: Path, checker: RecordChecker | None = None,
                 lenient: bool = False) -> None:
        #: lenient: keep a file that fails its checks, minus the values that failed, so a
        #: validator can still assess everything else in it (the build is strict).
        self.lenient = lenient
        self.root = find_registry_root(path)
        self.checker = checker or RecordChecker(self.root)
        self.problems = ProblemLog()
        self.files_read = 0
        self._by_hash: dict[str, list[str]] = {}
        nominees = _files(self.root / NOMINEE_DIR)
        screenings = _files(self.root / SCREENING_DIR)
        self._files = (nominees, screenings)
        self.ids = sorted(set(nominees) | set(screenings))

    def __len__(self) -> int:
        return len(self.ids)

    def shared_screenings(self) -> dict[str, list[str]]:
        """After iterating: record id -> the other records with byte-identical screening."""
        shared: dict[str, list[str]] = {}
        for ids in self._by_hash.values():
            if len(ids) > 1:
                for rid in ids:
                    shared[rid] = sorted(i for i in ids if i != rid)
                    self.problems.add(f"{SCREENING_DIR}/{rid}.json", "", "same screening file "
                                      "as " + ", ".join(shared[rid]), Severity.WARNING,
                                      "duplicate-screening")
        return shared

    def __iter__(self) -> Iterator[RegistryRecord]:
        if not self.checker.has_registry_schemas():
            self.problems.add(str(self.root), "", "registry JSON schemas not found beside the "
                              "records; only dpgkg's strict checks ran", Severity.WARNING,
                              "no-registry-schema")
        nominees, screenings = self._files
        for rid in self.ids:
            rec = RegistryRecord(rid)
            for files, folder, kind in ((nominees, NOMINEE_DIR, NOMINEE),
                                        (screenings, SCREENING_DIR, SCREENING)):
                if rid in files:
                    self.files_read += 1
                    half = self._half(files[rid], f"{folder}/{rid}.json", rid, kind)
                    if kind == NOMINEE:
                        rec.nominee = half
                    else:
                        rec.screening = half
            if rec.nominee is None and rec.screening is None:
                continue
            if rec.screening is not None:
                self._by_hash.setdefault(rec.screening.sha256, []).append(rid)
            _note_pairing(rec, rid in nominees, self.problems)
            yield rec

    def _half(self, file: str, rel: str, rid: str, kind: str) -> SourceFile | None:
        if not RECORD_ID.match(rid):
            self.problems.add(rel, "", f"file name {os.path.basename(file)!r} is not a valid "
                              "record id "
                              "(lower-case letters, digits, '.', '-', '_')", code="bad-id")
            return None
        source = _read(file, rel, self.problems)
        if source is None or source.data is None:
            return None
        found = self.checker.check(kind, source.data, rel)
        if found:
            self.problems.extend(found)
            if not self.lenient:
                return None
            for problem in found:
                prune(source.data, problem.pointer)
        return source


def read_registry(path: Path, checker: RecordChecker | None = None) -> RegistryBatch:
    """Read and check every record below PATH; problems are collected, never raised."""
    reader = RegistryReader(path, checker)
    records = list(reader)
    shared = reader.shared_screenings()
    for rec in records:
        rec.screening_shared_with = shared.get(rec.record_id, [])
    return RegistryBatch(reader.root, records, reader.problems, reader.files_read)


def _note_pairing(rec: RegistryRecord, has_nominee_file: bool, problems: ProblemLog) -> None:
    nominee = rec.nominee.data if rec.nominee else None
    screening = rec.screening.data if rec.screening else None
    if rec.screening is not None and not has_nominee_file:
        problems.add(rec.screening.rel_path, "", "screening file has no nominee file of the "
                     "same name; kept as a screening-only record", Severity.WARNING,
                     "orphan-screening")
    if rec.nominee is not None and nominee and nominee.get("stage") == "DPG" and not screening:
        problems.add(rec.nominee.rel_path, "/stage", "stage is 'DPG' but there is no "
                     "usable screening file", Severity.WARNING, "missing-screening")
    if rec.screening is not None and nominee and screening:
        a, b = nominee.get("name"), screening.get("name")
        if isinstance(a, str) and isinstance(b, str) and a != b:
            how = "in case only" if a.casefold() == b.casefold() else "entirely"
            problems.add(rec.screening.rel_path, "/name",
                         f"name {b!r} differs {how} from the nominee's {a!r}",
                         Severity.WARNING, "name-mismatch")




def prune(data: Any, pointer: str) -> None:
    """Remove what POINTER names; a bad list item goes whole (its siblings stay)."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts:
        return
    # "/SDGs/0/SDGNumber" -> drop SDGs[0]: an item without its key field means nothing.
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].isdigit():
            parts = parts[: i + 1]
            break
    node = data
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return
    last = parts[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        node[int(last)] = None  # keep indices of later pointers valid; mapping skips None
