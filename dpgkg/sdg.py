"""The UN SDG vocabulary: the UN KOS files when given, else dpgkg's own fallback."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dpgkg.namespaces import SDG
from dpgkg.sdg_fallback import fallback_turtle
from dpgkg.store import GraphData

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class SdgSourceError(ValueError):
    """The SDG vocabulary path is unusable."""


@dataclass
class SdgSource:
    """What goes into the SDG graph and where it came from."""

    label: str
    parts: list[GraphData]
    sha256: str
    fallback: bool
    files: list[str] = field(default_factory=list)


def goal_iri(number: int) -> str:
    return f"{SDG}{number}"


def resolve_sdg(path: str | None, graph: str) -> SdgSource:
    """Collect the SDG vocabulary files at PATH (a folder or file), or the fallback."""
    if path is None:
        text = fallback_turtle().encode("utf-8")
        return SdgSource("dpgkg fallback SDG vocabulary (17 goals, 169 targets)",
                         [GraphData(graph, ox.RdfFormat.TURTLE, data=text)],
                         hashlib.sha256(text).hexdigest(), True)
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix.lower() in RDF_SUFFIXES and f.is_file())
    elif p.is_file():
        files = [p]
    else:
        raise SdgSourceError(f"--sdg {path}: no such file or folder")
    if not files:
        raise SdgSourceError(f"--sdg {path}: no RDF files ({', '.join(sorted(RDF_SUFFIXES))})")
    h = hashlib.sha256()
    for f in files:
        h.update(f"{f.name}\0{hashlib.sha256(f.read_bytes()).hexdigest()}\n".encode())
    parts = [GraphData(graph, RDF_SUFFIXES[f.suffix.lower()], path=f) for f in files]
    return SdgSource(f"UN SDG vocabulary from {p}", parts, h.hexdigest(), False,
                     [f.name for f in files])
