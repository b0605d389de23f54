"""Rebuilds registry JSON files from the graph's triples alone.

The inverse of mapping: order from schema:position, prose lists from rdf:Seq,
as-declared values where the graph keeps them. Required fields whose value was an empty
placeholder come back as "" so every file validates against the registry schema.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dpgkg.namespaces import DCTERMS, DPG, RDF, RDFS, SCHEMA, SKOS
from dpgkg.registry.fields import KIND_CLASSES, ORG_ROLES, SCREENING_FIELDS, STAGES, Kind
from dpgkg.registry.reader import NOMINEE_DIR, SCREENING_DIR

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Index = dict[str, dict[str, list[Term]]]

_KIND_CODES = {str(DPG[cls]): code for code, cls in KIND_CLASSES.items()}
_STAGE_CODES = {str(DPG[v]): k for k, v in STAGES.items()}
_ROLE_CODES = {str(DPG[v[0]]): k for k, v in ORG_ROLES.items()}
_ANSWERS = {str(DPG[a]): a for a in ("Yes", "No", "Unknown")}
_MEMBER = f"{RDF}_"


def _key(term: Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def index_quads(quads: Iterable[ox.Quad]) -> Index:
    """subject -> predicate -> objects, for one pass over a graph."""
    idx: Index = defaultdict(lambda: defaultdict(list))
    for q in quads:
        if not isinstance(q.subject, ox.Triple) and not isinstance(q.object, ox.Triple):
            idx[_key(q.subject)][q.predicate.value].append(q.object)
    return idx


class RegistryExporter:
    """Turns an indexed registry graph back into nominee and screening JSON objects."""

    def __init__(self, idx: Index) -> None:
        self.idx = idx

    # -- helpers ----------------------------------------------------------------------
    def values(self, s: str, p: str) -> list[Term]:
        return self.idx.get(s, {}).get(p, [])

    def one(self, s: str, p: str) -> str | None:
        vals = self.values(s, p)
        return vals[0].value if vals else None

    def iris(self, s: str, p: str) -> list[str]:
        return sorted(v.value for v in self.values(s, p) if isinstance(v, ox.NamedNode))

    def ordered(self, s: str, p: str) -> list[str]:
        nodes = self.iris(s, p)
        return sorted(nodes, key=lambda n: int(self.one(n, str(SCHEMA.position)) or 0))

    def url(self, s: str, p: str) -> str | None:
        """Inverse of mapping's URL rule: the prose if kept, else the one IRI."""
        text = self.one(s, p + "Text")
        if text is not None:
            return text
        found = self.iris(s, p)
        return found[0] if found else None

    def seq(self, container: str) -> list[str]:
        """The members of an rdf:Seq in order (rdf:_1, rdf:_2, …)."""
        members: list[tuple[int, str]] = []
        for p, objs in self.idx.get(container, {}).items():
            if p.startswith(_MEMBER):
                tail = p[len(_MEMBER):]
                if tail.isdigit():
                    members.extend((int(tail), o.value) for o in objs)
        return [value for _, value in sorted(members)]

    # -- records ----------------------------------------------------------------------
    def record_ids(self) -> list[tuple[str, str]]:
        subjects = [s for s, props in self.idx.items()
                    if any(isinstance(t, ox.NamedNode) and t.value == str(DPG.DigitalProduct)
                           for t in props.get(str(RDF.type), []))]
        return sorted((self.one(s, str(DCTERMS.identifier)) or "", s) for s in subjects)

    def nominee(self, s: str) -> dict[str, Any] | None:
        name = self.one(s, str(SCHEMA.name))
        if name is None:
            return None
        out: dict[str, Any] = {"name": name}
        aliases = sorted(v.value for v in self.values(s, str(SCHEMA.alternateName)))
        if aliases:
            out["aliases"] = aliases
        out["description"] = self.one(s, str(SCHEMA.description)) or ""
        website = self.url(s, str(DPG.website))
        if website is not None:
            out["website"] = website
        out["license"] = [self.licence(n) for n in self.ordered(s, str(DPG.licenseDeclaration))]
        out["SDGs"] = [self.sdg(n) for n in self.ordered(s, str(DPG.sdgRelevance))]
        sectors = sorted(self.one(c, str(SKOS.prefLabel)) or ""
                         for c in self.iris(s, str(DPG.sector)))
        if sectors:
            out["sectors"] = sectors
        types = [t.value for t in self.values(s, str(RDF.type))]
        out["type"] = sorted(_KIND_CODES[t] for t in types if t in _KIND_CODES)
        repos = [self.repository(n) for n in self.ordered(s, str(DPG.repository))]
        if repos:
            out["repositories"] = repos
        out["organizations"] = [self.organization(n)
                                for n in self.ordered(s, str(DPG.organizationRole))]
        stages = [_STAGE_CODES[v] for v in self.iris(s, str(DPG.recognitionStatus))
                  if v in _STAGE_CODES]
        out["stage"] = stages[0] if stages else ""
        return out

    def licence(self, n: str) -> dict[str, Any]:
        return {"spdx": self.one(n, str(DPG.declaredLicenseId)) or "",
                "licenseURL": self.url(n, str(DPG.licenseURL)) or ""}

    def sdg(self, n: str) -> dict[str, Any]:
        goal = self.iris(n, str(DPG.sdg))[0]
        out: dict[str, Any] = {"SDGNumber": int(goal.rsplit("/", 1)[1])}
        text = self.one(n, str(DPG.evidenceText))
        if text is not None:
            out["evidenceText"] = text
        url = self.url(n, str(DPG.evidenceURL))
        if url is not None:
            out["evidenceURL"] = url
        return out

    def repository(self, n: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        name = self.one(n, str(SCHEMA.name))
        if name is not None:
            out["name"] = name
        out["url"] = self.url(n, str(DPG.repositoryURL)) or ""
        return out

    def organization(self, n: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        orgs = self.iris(n, str(DPG.organization))
        name = self.one(n, str(DPG.declaredName))
        if name is None and orgs:
            name = self.one(orgs[0], str(RDFS.label))
        if name is not None:
            out["name"] = name
        website = self.url(n, str(DPG.website))
        if website is not None:
            out["website"] = website
        roles = [_ROLE_CODES[r] for r in self.iris(n, str(DPG.roleType)) if r in _ROLE_CODES]
        if roles:
            out["org_type"] = roles[0]
        return out

    def screening(self, s: str) -> dict[str, Any] | None:
        screenings = self.iris(s, str(DPG.screening))
        if not screenings:
            return None
        q = screenings[0]
        out: dict[str, Any] = {"name": self.one(q, str(RDFS.label)) or ""}
        for fld in SCREENING_FIELDS:
            value = self.screening_value(s, q, fld.kind, fld.prop)
            if value is not None:
                _put(out, fld.path, value)
        return out

    def screening_value(self, s: str, q: str, kind: Kind, prop: str) -> Any:
        if kind is Kind.ANSWER:
            answers = [_ANSWERS[a] for a in self.iris(q, prop) if a in _ANSWERS]
            return answers[0] if answers else None
        if kind is Kind.TEXT:
            return self.one(q, prop)
        if kind is Kind.URL:
            return self.url(q, prop)
        if kind is Kind.LIST:
            seqs = self.iris(q, prop)
            return self.seq(seqs[0]) if seqs else None
        names = [self.one(c, str(RDFS.label)) or "" for c in self.iris(s, prop)]
        names += [v.value for v in self.values(s, prop + "Text")]
        return sorted(names)


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def fill_required(data: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Add "" / {} / [] for required fields the graph has no value for (dropped placeholders)."""
    props = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in data:
            kind = props.get(name, {}).get("type")
            data[name] = {} if kind == "object" else [] if kind == "array" else ""
    for name, sub in props.items():
        value = data.get(name)
        if isinstance(value, dict) and sub.get("type") == "object":
            fill_required(value, sub)
        elif isinstance(value, list) and isinstance(sub.get("items"), dict):
            for item in value:
                if isinstance(item, dict):
                    fill_required(item, sub["items"])
    return data


def write_registry(idx: Index, out_dir: Path, schemas: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Write DIR/nominees/<id>.json and DIR/digitalpublicgoods/<id>.json; return counts."""
    exporter = RegistryExporter(idx)
    counts = {"nominees": 0, "screenings": 0}
    (out_dir / NOMINEE_DIR).mkdir(parents=True, exist_ok=True)
    (out_dir / SCREENING_DIR).mkdir(parents=True, exist_ok=True)
    for record_id, s in exporter.record_ids():
        nominee = exporter.nominee(s)
        if nominee is not None:
            _dump(out_dir / NOMINEE_DIR / f"{record_id}.json",
                  fill_required(nominee, schemas["nominee"]))
            counts["nominees"] += 1
        screening = exporter.screening(s)
        if screening is not None:
            _dump(out_dir / SCREENING_DIR / f"{record_id}.json",
                  fill_required(screening, schemas["screening"]))
            counts["screenings"] += 1
    return counts


def _dump(path: Path, data: dict[str, Any]) -> None:
    # The registry's own files are 2-space indented with a final newline.
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
