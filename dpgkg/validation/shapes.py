"""The shapes graph: loading, and which DPG Standard indicator each shape checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import rdflib

from dpgkg.namespaces import DPG, RDFS, SH
from dpgkg.resources import resource_dir

#: Shape sets by name, for ``--shapes NAME``; a path to a file or folder works too.
SHAPE_SETS = {"dpg-standard": "dpg-standard.ttl"}
#: Shape sets from the shared data folder that validate a whole data graph (a harvested
#: catalogue), not DPG records: name -> files under <shared data>/catalogues/.
#: DCAT-AP 3.0.1's complete shapes (PROVENANCE.md section 2); its ranges.ttl is left out:
#: it re-declares the same property shapes without sh:path, which pySHACL rejects.
GRAPH_SHAPE_SETS = {"dcat-ap": ("dcat-ap/3.0.1/shacl/dcat-ap-SHACL.ttl",)}


class ShapesError(ValueError):
    """The shapes cannot be used (missing file, Turtle syntax error)."""


def shapes_files(spec: str | None) -> list[Path]:
    """The files of a named shape set, a file, or every .ttl in a folder."""
    if spec is None or spec in SHAPE_SETS:
        return [resource_dir("shapes") / SHAPE_SETS[spec or "dpg-standard"]]
    if spec in GRAPH_SHAPE_SETS:
        return _shared_shapes(spec)
    path = Path(spec)
    if path.is_dir():
        files = sorted(path.glob("*.ttl"))
        if not files:
            raise ShapesError(f"--shapes {spec}: no .ttl files in the folder")
        return files
    if path.is_file():
        return [path]
    names = ", ".join([*SHAPE_SETS, *GRAPH_SHAPE_SETS])
    raise ShapesError(f"--shapes {spec}: not a shape set ({names}), file or folder")


def _shared_shapes(name: str) -> list[Path]:
    """The files of a shape set kept in the shared data folder (not shipped with dpgkg)."""
    from dpgkg.config import shared_data_dir

    base = shared_data_dir()
    rels = GRAPH_SHAPE_SETS[name]
    if base is None:
        raise ShapesError(f"--shapes {name}: the shared data folder is not available (set "
                          "DPGKG_SHARED_DATA or place shared/data beside the project); "
                          f"it holds catalogues/{rels[0]}")
    files = [base / "catalogues" / rel for rel in rels]
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise ShapesError(f"--shapes {name}: {missing[0]} not found in the shared data folder")
    return files


@dataclass
class ShapesGraph:
    """Parsed shapes with their Turtle text (for engines) and the shape -> indicator map."""

    files: list[Path]
    graph: rdflib.Graph = field(default_factory=rdflib.Graph)
    #: True for shape sets that validate a whole data graph (DCAT-AP), not DPG records.
    whole_graph: bool = False

    @classmethod
    def load(cls, spec: str | None = None) -> ShapesGraph:
        files = shapes_files(spec)
        shapes = cls(files, whole_graph=spec in GRAPH_SHAPE_SETS)
        for f in files:
            try:
                shapes.graph.parse(f, format="turtle")
            except Exception as exc:  # rdflib raises several types for syntax errors
                raise ShapesError(f"{f}: shapes do not parse: {exc}") from exc
        return shapes

    @cached_property
    def dangling(self) -> list[tuple[str, str]]:
        """(shape, property shape) references to property shapes that are never defined.

        DCAT-AP 3.0.1's dcat-ap-SHACL.ttl lists two such sh:property of DataServiceShape:
        the shacl engine skips them, pySHACL refuses the whole shapes graph. A shape with no
        triples constrains nothing, so whole-graph shape sets drop the references.
        """
        return sorted((str(s), str(o)) for s, o in self.graph.subject_objects(SH.property)
                      if isinstance(o, rdflib.URIRef) and not any(self.graph.triples((o, None,
                                                                                      None))))

    @cached_property
    def turtle(self) -> str:
        """The shapes as one Turtle text for the engines (the files as written, joined;
        for whole-graph shape sets without the dangling references)."""
        if self.whole_graph and self.dangling:
            repaired = rdflib.Graph()
            for prefix, ns in self.graph.namespaces():
                repaired.bind(prefix, ns)
            drop = {(rdflib.URIRef(s), SH.property, rdflib.URIRef(o)) for s, o in self.dangling}
            for triple in self.graph:
                if triple not in drop:
                    repaired.add(triple)
            return repaired.serialize(format="turtle")
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
