"""Locates the project's own RDF and SPARQL files (ontology/, shapes/, queries/).

In a source checkout they sit beside the package; in a wheel they are packaged under
``dpgkg/_resources`` (see pyproject.toml), so both layouts are looked up.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder NAME (``ontology``, ``shapes`` or ``queries``)."""
    for candidate in (_PACKAGE.parent / name, _PACKAGE / "_resources" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dpgkg resource folder {name!r} not found")


def ontology_file() -> Path:
    return resource_dir("ontology") / "dpgkg.ttl"
