"""Linking harvested catalogue datasets to SDGs and DPGs (issue 5, part 3).

``link_catalogues`` reads the datasets of the catalogue graphs, the registry and the SDG
vocabulary from the store with SPARQL, runs the rules of dpgkg/catalogues/rules.py and writes
every link into ``IRIs.graph("links")`` in one atomic ``replace_graphs``: a ``dpg:Link``
resource per link (rule, subject, predicate, object, matched field and text, confidence,
review status, time, PROV) and, for accepted links only, the plain triple. Links under the
threshold, and links of an exclusive rule that disagree for one subject, are ``pending``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dpgkg.catalogues.links_graph import write_link
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
    software_products,
    theme_rule,
)
from dpgkg.catalogues.rules_inputs import PortalsRegistry, load_crosswalk, load_portals
from dpgkg.catalogues.rules_store import (
    catalogue_graphs,
    catalogue_urls,
    kept_links,
    read_datasets,
    read_registry,
    read_sdg,
)
from dpgkg.namespaces import DPG, VOID, IRIs
from dpgkg.provenance import GraphOrigin, describe, now, stamp
from dpgkg.rdfterms import QuadWriter, integer, iri
from dpgkg.store import GraphData, OxigraphStore

LINKS = "links"
#: N-Triples terms of the link properties read back from carried-over links.
_STATUS, _SUBJECT, _PREDICATE, _OBJECT = (f"<{DPG[name]}>" for name in (
    "reviewStatus", "linkSubject", "linkPredicate", "linkObject"))


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
                    portals_dir: Path | None,
                    threshold: float = ACCEPT_THRESHOLD) -> LinkReport:
    """Run every rule over the catalogue graphs (all, or the NAMES given) and replace the links
    graph. With named catalogues, links from the other catalogues are kept as they were.
    PORTALS_DIR is the portals registry (``rules_inputs.default_portals_dir()`` is the shared
    one; None: no portal-software links)."""
    iris = iris or IRIs()
    report = LinkReport()
    clock = time.perf_counter()
    started = now()
    portals = load_portals(portals_dir)
    eu_themes = load_crosswalk()
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
              graphs: list[str], portals: PortalsRegistry, started: dt.datetime) -> bytes:
    """The links graph as N-Triples: link resources, accepted plain triples, PROV."""
    ended = now()
    when = stamp(ended)
    g = iris.graph(LINKS)
    out = QuadWriter(None)
    for link in links:
        c = link.candidate
        write_link(out, link.iri, c.rule, c.subject, c.predicate, c.object, c.field, c.text,
                   c.confidence, link.status, when, source=c.source, reason=link.reason)
    kept_props: dict[str, dict[str, str]] = defaultdict(dict)
    for node, prop, value in kept:  # N-Triples terms of carried-over links
        out.add(node, prop[1:-1], value)
        kept_props[node][prop] = value
    for props in kept_props.values():  # the plain triples of those that were accepted
        if props.get(_STATUS) == '"accepted"':
            subject, predicate, obj = (props.get(k) for k in (_SUBJECT, _PREDICATE, _OBJECT))
            if subject and predicate and obj:
                out.add(subject, predicate[1:-1], obj)
    sources = [*graphs, iris.graph("registry"), iris.graph("sdg")]
    if portals.source:
        sources.append(portals.source)
    origin = GraphOrigin(g, "Links from catalogue datasets to SDGs and DPGs", sources[0], None,
                         started, used=tuple(sources[1:]))
    describe(out, iris, origin, ended)
    out.add(iri(g), str(VOID.triples), integer(len(out) + 1))  # this triple included
    return out.data()


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
