"""The shapes graph: loading, and which DPG Standard indicator each shape checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import rdflib

from dpgkg.namespaces import DPG, RDFS
from dpgkg.resources import resource_dir

#: Shape sets by name, for ``--shapes NAME``; a path to a file or folder works too.
SHAPE_SETS = {"dpg-standard": "dpg-standard.ttl"}


class ShapesError(ValueError):
    """The shapes cannot be used (missing file, Turtle syntax error)."""


def shapes_files(spec: str | None) -> list[Path]:
    """The files of a named shape set, a file, or every .ttl in a folder."""
    if spec is None or spec in SHAPE_SETS:
        return [resource_dir("shapes") / SHAPE_SETS[spec or "dpg-standard"]]
    path = Path(spec)
    if path.is_dir():
        files = sorted(path.glob("*.ttl"))
        if not files:
            raise ShapesError(f"--shapes {spec}: no .ttl files in the folder")
        return files
    if path.is_file():
        return [path]
    raise ShapesError(f"--shapes {spec}: not a shape set ({', '.join(SHAPE_SETS)}), "
                      "file or folder")


@dataclass
class ShapesGraph:
    """Parsed shapes with their Turtle text (for engines) and the shape -> indicator map."""

    files: list[Path]
    graph: rdflib.Graph = field(default_factory=rdflib.Graph)

    @classmethod
    def load(cls, spec: str | None = None) -> ShapesGraph:
        files = shapes_files(spec)
        shapes = cls(files)
        for f in files:
            try:
                shapes.graph.parse(f, format="turtle")
            except Exception as exc:  # rdflib raises several types for syntax errors
                raise ShapesError(f"{f}: shapes do not parse: {exc}") from exc
        return shapes

    @cached_property
    def turtle(self) -> str:
        """The shapes as one Turtle text for the engines (the files as written, joined)."""
        return "\n".join(f.read_text(encoding="utf-8") for f in self.files)

    @cached_property
    def indicators(self) -> dict[str, str]:
        """Shape IRI -> indicator code ("1" … "9"; 9a-9c count as 9)."""
        out: dict[str, str] = {}
        prefix = str(DPG) + "Indicator"
        for shape, target in self.graph.subject_objects(RDFS.seeAlso):
            code = str(target)
            if isinstance(shape, rdflib.URIRef) and code.startswith(prefix):
                out[str(shape)] = code[len(prefix):][:1]
        return out
