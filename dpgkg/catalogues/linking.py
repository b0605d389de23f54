"""Linking harvested catalogue datasets to SDGs and DPGs (issue 5, part 3).

``link_catalogues`` reads the datasets of the catalogue graphs, the registry and the SDG
vocabulary from the store with SPARQL, runs the rules of dpgkg/catalogues/rules.py and writes
every link into ``IRIs.graph("links")`` in one atomic ``replace_graphs``: a ``dpg:Link``
resource per link (rule, subject, predicate, object, matched field and text, confidence,
review status, time, PROV) and, for accepted links only, the plain triple. Links under the
threshold, and links of an exclusive rule that disagree for one subject, are ``pending``.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dpgkg import __version__
from dpgkg.catalogues.rules import (
    ACCEPT_THRESHOLD,
    EXCLUSIVE_RULES,
    PORTAL,
    PUBLISHED_WITH,
    RUNS_SOFTWARE,
    Candidate,
    Dataset,
    RegistryIndex,
    SdgIndex,
    ThemeCrosswalk,
    match_portals,
    publisher_rule,
    same_as_rule,
    sdg_mention_rule,
    theme_rule,
)
from dpgkg.catalogues.rules_inputs import (
    CROSSWALK_FILE,
    PortalsRegistry,
    default_portals_dir,
    load_crosswalk,
    load_portals,
)
from dpgkg.catalogues.rules_store import (
    catalogue_graphs,
    catalogue_urls,
    kept_links,
    read_datasets,
    read_registry,
    read_sdg,
    software_products,
)
from dpgkg.namespaces import DCTERMS, DPG, PROV, RDF, RDFS, SD, VOID, XSD, IRIs
from dpgkg.provenance import now
from dpgkg.rdfterms import literal
from dpgkg.store import GraphData, OxigraphStore

LINKS = "links"
STATUSES = ("accepted", "pending", "rejected")
_DT = str(XSD.dateTime)
_DEC = str(XSD.decimal)


@dataclass
class Link:
    candidate: Candidate
    iri: str
    status: str  # accepted | pending
    reason: str = ""  # why it waits for review


@dataclass
class LinkReport:
    """What one linking run did (the CLI prints it)."""

    catalogues: list[str] = field(default_factory=list)
    datasets: int = 0
    links: int = 0
    accepted: int = 0
    pending: int = 0
    kept: int = 0  # links of other catalogues carried over from the previous links graph
    by_rule: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def link_key(rule: str, subject: str, predicate: str, obj: str) -> str:
    """A stable key for one link: the same rule linking the same pair keeps its IRI."""
    return hashlib.sha1("\x1f".join((rule, subject, predicate, obj)).encode()).hexdigest()[:24]


def link_catalogues(store: OxigraphStore, iris: IRIs | None = None,
                    catalogues: Iterable[str] | None = None, *,
                    portals_dir: Path | str | None = "default",
                    crosswalk_file: Path = CROSSWALK_FILE,
                    threshold: float = ACCEPT_THRESHOLD) -> LinkReport:
    """Run every rule over the catalogue graphs (all, or the NAMES given) and replace the links
    graph. With named catalogues, links from the other catalogues are kept as they were."""
    iris = iris or IRIs()
    report = LinkReport()
    clock = time.perf_counter()
    started = now()
    portals = load_portals(default_portals_dir() if portals_dir == "default"
                           else Path(portals_dir) if portals_dir else None)
    eu_themes = load_crosswalk(crosswalk_file)
    with store.reading() as st:
        available = catalogue_graphs(st, iris)
        if catalogues is None:
            graphs = available
        else:
            graphs = [iris.catalogue_graph(n) for n in catalogues]
            missing = sorted(set(graphs) - set(available))
            if missing:
                raise ValueError(f"no such catalogue graph: {', '.join(missing)}")
        report.catalogues = graphs
        reg = read_registry(st, iris)
        sdg = read_sdg(st)
        datasets = read_datasets(st, graphs)
        urls = catalogue_urls(st, graphs)
        kept = kept_links(st, iris.graph(LINKS), graphs) if catalogues is not None else []
    report.seconds["read"] = time.perf_counter() - clock
    clock = time.perf_counter()
    candidates = run_rules(datasets, urls, reg, sdg, eu_themes, portals)
    links = resolve(candidates, iris, threshold)
    report.seconds["rules"] = time.perf_counter() - clock
    clock = time.perf_counter()
    data = serialise(links, kept, iris, graphs, portals, started)
    store.replace_graphs({iris.graph(LINKS): [GraphData(iris.graph(LINKS),
                                                        ox.RdfFormat.N_TRIPLES, data=data)]})
    report.seconds["write"] = time.perf_counter() - clock
    report.datasets = len(datasets)
    report.links = len(links)
    report.accepted = sum(link.status == "accepted" for link in links)
    report.pending = report.links - report.accepted
    report.kept = len({row[0] for row in kept})
    counts: dict[str, int] = defaultdict(int)
    for link in links:
        counts[link.candidate.rule] += 1
    report.by_rule = dict(sorted(counts.items()))
    return report


def run_rules(datasets: list[Dataset], urls: dict[str, tuple[list[str], list[str]]],
              reg: RegistryIndex, sdg: SdgIndex, eu_themes: ThemeCrosswalk,
              portals: PortalsRegistry) -> list[Candidate]:
    """Every candidate link of every rule (before deduplication and review)."""
    out: list[Candidate] = []
    for ds in datasets:
        out.extend(sdg_mention_rule(ds, sdg))
        out.extend(theme_rule(ds, eu_themes, sdg))
        out.extend(publisher_rule(ds, reg))
        out.extend(same_as_rule(ds, reg))
    products = software_products(portals, reg)
    by_graph: dict[str, list[Dataset]] = defaultdict(list)
    for ds in datasets:
        by_graph[ds.graph].append(ds)
    for graph, (catalogs, addresses) in urls.items():
        for m in match_portals(addresses, portals.by_host, portals.by_site, products):
            text = f"{m.host} = {m.portal.id} ({m.portal.software_name})"
            for catalog in catalogs:
                out.append(Candidate(PORTAL, catalog, RUNS_SOFTWARE, m.product,
                                     "dcat:Catalog/foaf:homepage", text, m.confidence, graph,
                                     group=m.portal.software_id))
            for ds in by_graph.get(graph, ()):
                out.append(Candidate(PORTAL, ds.iri, PUBLISHED_WITH, m.product,
                                     "dcat:Catalog/foaf:homepage", text, m.confidence, graph,
                                     group=m.portal.software_id))
    return out


def resolve(candidates: Iterable[Candidate], iris: IRIs,
            threshold: float = ACCEPT_THRESHOLD) -> list[Link]:
    """One link per (rule, subject, predicate, object), with its review status."""
    best: dict[tuple[str, str, str, str], Candidate] = {}
    for c in candidates:
        key = (c.rule, c.subject, c.predicate, c.object)
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in best.values():
        if c.rule in EXCLUSIVE_RULES:
            groups[(c.rule, c.subject)].add(c.group)
    links = []
    for key, c in sorted(best.items()):
        if len(groups.get((c.rule, c.subject), ())) > 1:
            status, reason = "pending", "conflicts with another link of the same rule"
        elif c.confidence < threshold:
            status, reason = "pending", f"confidence below {threshold:g}"
        else:
            status, reason = "accepted", ""
        links.append(Link(c, iris.link(link_key(*key)), status, reason))
    return links


def serialise(links: list[Link], kept: list[tuple[str, str, str]], iris: IRIs,
              graphs: list[str], portals: PortalsRegistry, started: object) -> bytes:
    """The links graph as N-Triples: link resources, accepted plain triples, PROV."""
    ended = now()
    stamp = literal(ended.isoformat().replace("+00:00", "Z"), _DT)
    begun = literal(started.isoformat().replace("+00:00", "Z"), _DT)  # type: ignore[attr-defined]
    g = iris.graph(LINKS)
    activity = f"{g}/build/{ended.strftime('%Y%m%dT%H%M%SZ')}"
    agent = iris.agent()
    t_link, t_type = f"<{DPG.Link}>", f"<{RDF.type}>"
    p = {name: f"<{DPG[name]}>" for name in ("rule", "linkSubject", "linkPredicate",
                                             "linkObject", "matchedField", "matchedText",
                                             "confidence", "reviewStatus")}
    gen_by, gen_at, derived = (f"<{PROV.wasGeneratedBy}>", f"<{PROV.generatedAtTime}>",
                               f"<{PROV.wasDerivedFrom}>")
    comment = f"<{RDFS.comment}>"
    lines: list[str] = []
    add = lines.append
    for link in links:
        c, s = link.candidate, f"<{link.iri}>"
        add(f"{s} {t_type} {t_link} .\n")
        add(f"{s} {p['rule']} {literal(c.rule)} .\n")
        add(f"{s} {p['linkSubject']} <{c.subject}> .\n")
        add(f"{s} {p['linkPredicate']} <{c.predicate}> .\n")
        add(f"{s} {p['linkObject']} <{c.object}> .\n")
        add(f"{s} {p['matchedField']} {literal(c.field)} .\n")
        add(f"{s} {p['matchedText']} {literal(c.text)} .\n")
        add(f"{s} {p['confidence']} {literal(f'{c.confidence:.2f}', _DEC)} .\n")
        add(f"{s} {p['reviewStatus']} {literal(link.status)} .\n")
        add(f"{s} {gen_at} {stamp} .\n")
        add(f"{s} {derived} <{c.source}> .\n")  # the run's activity is on the graph
        if link.reason:
            add(f"{s} {comment} {literal(link.reason)} .\n")
        if link.status == "accepted":
            add(f"<{c.subject}> <{c.predicate}> <{c.object}> .\n")
    accepted_kept: dict[str, list[str]] = defaultdict(list)
    for subject, predicate, obj in kept:  # N-Triples terms of carried-over links
        add(f"{subject} {predicate} {obj} .\n")
        accepted_kept[subject].append(f"{predicate}\x1f{obj}")
    add_plain_of_kept(accepted_kept, p, add)
    sources = [*graphs, iris.graph("registry"), iris.graph("sdg")]
    if portals.source:
        sources.append(portals.source)
    add(f"<{g}> {t_type} <{SD.Graph}> .\n")
    add(f"<{g}> {t_type} <{PROV.Entity}> .\n")
    add(f"<{g}> <{DCTERMS.title}> {literal('Links from catalogue datasets to SDGs and DPGs')} .\n")
    add(f"<{g}> {gen_by} <{activity}> .\n")
    add(f"<{g}> {gen_at} {stamp} .\n")
    add(f"<{g}> <{DCTERMS.modified}> {stamp} .\n")
    add(f"<{activity}> {t_type} <{PROV.Activity}> .\n")
    add(f"<{activity}> <{PROV.startedAtTime}> {begun} .\n")
    add(f"<{activity}> <{PROV.endedAtTime}> {stamp} .\n")
    add(f"<{activity}> <{PROV.wasAssociatedWith}> <{agent}> .\n")
    for src in sources:
        add(f"<{g}> {derived} <{src}> .\n")
        add(f"<{activity}> <{PROV.used}> <{src}> .\n")
    add(f"<{agent}> {t_type} <{PROV.SoftwareAgent}> .\n")
    add(f"<{agent}> <{RDFS.label}> {literal(f'dpgkg {__version__}')} .\n")
    add(f"<{agent}> <{DPG.version}> {literal(__version__)} .\n")
    add(f"<{g}> <{VOID.triples}> {literal(str(len(lines) + 1), str(XSD.integer))} .\n")
    return "".join(lines).encode("utf-8", "replace")


def add_plain_of_kept(kept: dict[str, list[str]], p: dict[str, str], add: object) -> None:
    """The plain triples of carried-over links that were accepted."""
    for values in kept.values():
        props = dict(v.split("\x1f", 1) for v in values)
        if props.get(p["reviewStatus"]) == '"accepted"':
            subject, predicate, obj = (props.get(p[k]) for k in
                                       ("linkSubject", "linkPredicate", "linkObject"))
            if subject and predicate and obj:
                add(f"{subject} {predicate} {obj} .\n")  # type: ignore[operator]


LINK_COLUMNS = ("link", "rule", "status", "confidence", "subject", "predicate", "object",
                "field", "text", "reason", "generated")


def read_links(store: OxigraphStore, iris: IRIs | None = None, *, review: bool = False
               ) -> list[dict[str, str]]:
    """The link resources of the links graph (only the pending ones with REVIEW), sorted by
    status, rule, subject and object."""
    iris = iris or IRIs()
    status = 'FILTER(?status = "pending")' if review else ""
    sparql = f"""SELECT ?link ?rule ?status ?confidence ?subject ?predicate ?object ?field
                        ?text ?reason ?generated {{ GRAPH <{iris.graph(LINKS)}> {{
      ?link a dpg:Link ; dpg:rule ?rule ; dpg:reviewStatus ?status ; dpg:confidence ?confidence ;
            dpg:linkSubject ?subject ; dpg:linkPredicate ?predicate ; dpg:linkObject ?object .
      {status}
      OPTIONAL {{ ?link dpg:matchedField ?field }} OPTIONAL {{ ?link dpg:matchedText ?text }}
      OPTIONAL {{ ?link rdfs:comment ?reason }}
      OPTIONAL {{ ?link prov:generatedAtTime ?generated }} }} }}
      ORDER BY ?status ?rule ?subject ?object"""
    result = store.query(sparql)
    rows = []
    for row in result:  # type: ignore[attr-defined]
        rows.append({name: (term.value if term is not None else "")
                     for name, term in zip(LINK_COLUMNS, row, strict=True)})
    return rows
