"""Inputs of the linking rules that live in files, not in the store: the EU theme -> SDG
crosswalk (project data, dpgkg/data/eu-theme-sdg-crosswalk.json) and the portals registry
(../shared/data/catalogues/dataportals-registry/*.jsonl: which portal runs which software).

Every path is a function argument; the defaults come from dpgkg.config.shared_data_dir().
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from dpgkg.catalogues.rules import Portal, ThemeCrosswalk
from dpgkg.catalogues.rules_text import site_of, url_host
from dpgkg.namespaces import EU_THEME, SDG

CROSSWALK_FILE = Path(__file__).resolve().parent.parent / "data" / "eu-theme-sdg-crosswalk.json"
PORTALS_REL = Path("catalogues") / "dataportals-registry"


def default_portals_dir() -> Path | None:
    """The portals registry in the shared data folder, when there is one."""
    from dpgkg.config import shared_data_dir

    base = shared_data_dir()
    path = base / PORTALS_REL if base else None
    return path if path and path.is_dir() else None


def load_crosswalk(path: Path = CROSSWALK_FILE) -> ThemeCrosswalk:
    """EU data theme IRI -> [(goal IRI, confidence)]."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f"{EU_THEME}{code}": [(f"{SDG}{e['goal']}", float(e["confidence"])) for e in pairs]
            for code, pairs in data["themes"].items()}


@dataclass
class PortalsRegistry:
    """The portals registry, indexed for the portal-software rule."""

    portals: list[Portal] = field(default_factory=list)
    by_host: dict[str, list[Portal]] = field(default_factory=dict)
    by_site: dict[str, list[Portal]] = field(default_factory=dict)
    software: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> name, website
    source: str = ""  # a file: IRI of the folder, for provenance


def load_portals(directory: Path | None) -> PortalsRegistry:
    """Read catalogs*.jsonl and software.jsonl from DIRECTORY (missing: an empty registry).

    Only the fields the rule needs are kept; the owner, rights and description fields are not
    read, so nothing beyond a portal's name, link and software reaches the links graph.
    """
    reg = PortalsRegistry()
    if directory is None or not directory.is_dir():
        return reg
    reg.source = directory.resolve().as_uri()
    software_file = directory / "software.jsonl"
    if software_file.is_file():
        for line in software_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                reg.software[item["id"]] = {"name": item.get("name") or item["id"],
                                            "website": item.get("website") or ""}
    by_host: dict[str, list[Portal]] = defaultdict(list)
    by_site: dict[str, list[Portal]] = defaultdict(list)
    for path in sorted(directory.glob("catalogs*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            software = item.get("software") or {}
            if not software.get("id"):
                continue
            urls = [item.get("link") or ""] + [e.get("url") or "" for e in
                                               item.get("endpoints") or []]
            hosts = frozenset(h for h in map(url_host, urls) if h)
            portal = Portal(item["id"], item.get("name") or item["id"], hosts,
                            software["id"], software.get("name") or software["id"])
            reg.portals.append(portal)
            for host in hosts:
                by_host[host].append(portal)
            for site in {site_of(h) for h in hosts} - {None}:
                by_site[str(site)].append(portal)
    reg.by_host, reg.by_site = dict(by_host), dict(by_site)
    return reg


def eu_theme_codes(path: Path) -> dict[str, str]:
    """EU data theme code -> English label, from the Publications Office SKOS file."""
    import pyoxigraph as ox

    labels: dict[str, str] = {}
    pref = "http://www.w3.org/2004/02/skos/core#prefLabel"
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.RDF_XML):
        subject = quad.subject
        if (isinstance(subject, ox.NamedNode) and subject.value.startswith(str(EU_THEME))
                and quad.predicate.value == pref and isinstance(quad.object, ox.Literal)
                and quad.object.language == "en"):
            labels[subject.value[len(str(EU_THEME)):]] = quad.object.value
    return labels
