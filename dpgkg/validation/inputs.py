"""What ``dpgkg validate`` reads: registry JSON (files or folders), RDF files, or the store.

Everything becomes one in-memory Oxigraph dataset of records; registry files are read
leniently, so a record that breaks the registry schema is still assessed on every field
that can be read, its schema problems reported as results of their own.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from dpgkg.namespaces import IRIs
from dpgkg.problems import Problem, Severity
from dpgkg.rdfterms import QuadWriter
from dpgkg.registry.fields import SCREENING_FIELDS
from dpgkg.registry.mapping import MapContext, map_record, map_shared_screenings
from dpgkg.registry.reader import NOMINEE_DIR, SCREENING_DIR, RegistryReader, find_registry_root
from dpgkg.validation.subgraphs import owner_of

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig",
                ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3"}
NOMINEE_INDICATORS = {"SDGs": "1", "license": "2", "organizations": "3"}


class InputError(ValueError):
    """No usable input at all (exit code 2)."""


@dataclass
class Inputs:
    """Records to validate, with what was found while reading them."""

    texts: list[str] = field(default_factory=list)  # N-Triples / N-Quads of the records
    #: Mapped registry records: (record IRI, its N-Triples lines), one block per record.
    blocks: list[tuple[str, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # file-level, per record
    unreadable: list[str] = field(default_factory=list)  # files that gave nothing at all


def pointer_indicator(file: str, pointer: str) -> str:
    """The indicator a registry field belongs to ("" when none)."""
    parts = pointer.strip("/").split("/")
    if file.startswith(NOMINEE_DIR) or "/nominees/" in file:
        return NOMINEE_INDICATORS.get(parts[0], "")
    for fld in SCREENING_FIELDS:
        if tuple(parts[: len(fld.path)]) == fld.path or tuple(fld.path[: len(parts)]) == \
                tuple(parts):
            return fld.indicator[:1]
    return ""


def _registry_roots(paths: Iterable[Path], tmp: Path) -> list[Path]:
    """Folders as they are; single JSON files staged with their other half beside them."""
    roots, staged = [], tmp / "staged"
    for path in paths:
        if path.is_dir():
            roots.append(find_registry_root(path))
            continue
        kind = path.parent.name if path.parent.name in (NOMINEE_DIR, SCREENING_DIR) else \
            NOMINEE_DIR
        other = SCREENING_DIR if kind == NOMINEE_DIR else NOMINEE_DIR
        for half, folder in ((path, kind), (path.parent.parent / other / path.name, other)):
            if half.is_file():
                (staged / folder).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(half, staged / folder / half.name)
    if staged.is_dir():
        roots.append(staged)
    return roots


def read_registry_json(paths: list[Path], iris: IRIs, inputs: Inputs) -> None:
    with tempfile.TemporaryDirectory(prefix="dpgkg-validate-") as tmp:
        for root in _registry_roots(paths, Path(tmp)):
            reader = RegistryReader(root, lenient=True)
            out = QuadWriter(None)  # plain triples: the validator's fastest input
            ctx = MapContext(iris, out, reader.problems)
            blocks: dict[str, list[str]] = {}
            for rec in reader:
                start = len(out.lines)
                map_record(ctx, rec)
                blocks[iris.record(rec.record_id)] = out.lines[start:]
            tail = len(out.lines)
            map_shared_screenings(ctx, reader.shared_screenings())
            for line in out.lines[tail:]:  # sameScreeningAs links: to their record's block
                owner = owner_of(line[1:line.index(">")], blocks)
                if owner is not None:
                    blocks[owner].append(line)
            inputs.blocks.extend(blocks.items())
            for p in reader.problems:
                if p.severity is Severity.ERROR:
                    inputs.problems.append(p)


def read_rdf(path: Path, inputs: Inputs) -> None:
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    ds = rdflib.Dataset()
    try:
        ds.parse(path, format=fmt) if fmt else ds.parse(path)
    except Exception as exc:  # rdflib raises many types; the message names line/position
        inputs.problems.append(Problem(str(path), "", f"RDF does not parse: {exc}",
                                       Severity.ERROR, "rdf-syntax"))
        inputs.unreadable.append(str(path))
        return
    # Through Oxigraph, whose N-Quads lines are in the canonical form the index expects.
    store = ox.Store()
    store.bulk_load(ds.serialize(format="nquads").encode(), ox.RdfFormat.N_QUADS)
    inputs.texts.append((store.dump(format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8"))


def collect(paths: list[Path], iris: IRIs) -> Inputs:
    """Read every path; raise InputError only when nothing at all can be read."""
    inputs = Inputs()
    registry = [p for p in paths if p.is_dir() or p.suffix.lower() == ".json"]
    rdf = [p for p in paths if p.is_file() and p.suffix.lower() in RDF_SUFFIXES]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    others = [p for p in paths if p not in registry and p not in rdf]
    if others:
        raise InputError(f"{others[0]}: not registry JSON or RDF ({', '.join(RDF_SUFFIXES)})")
    try:
        if registry:
            read_registry_json(registry, iris, inputs)
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from exc
    for path in rdf:
        read_rdf(path, inputs)
    nothing = not any(t.strip() for t in inputs.texts) and not inputs.blocks
    if nothing and all(p.code == "rdf-syntax" for p in inputs.problems):
        # No record at all: the input is unusable (exit 2), not a record with a problem.
        reasons = "; ".join(f"{p.file}: {p.reason}" for p in inputs.problems)
        raise InputError(reasons or "no records found in the input")
    return inputs
