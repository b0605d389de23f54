"""Wikidata alignment: ``skos:exactMatch`` / ``skos:closeMatch`` from DPGs and organisations.

DPG records (name, aliases, website, repository URLs) and organisations (names, the websites
their roles give) are read from the store; any SPARQL endpoint shaped like Wikidata (default
the public one) is asked, in batches with VALUES, for items whose source code repository
(P1324) or official website (P856) is one of their URLs, or whose English label is one of
their names; the candidates' labels, URLs and types (P31/P279* software Q7397, organisation
Q43229) are then fetched and compared here, after URL and label normalisation. Each link is a
``dpg:Link`` resource with its evidence, plus the plain SKOS triple when it is accepted; all of
it goes into ``IRIs.graph("wikidata")`` in one atomic replacement, with PROV.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyoxigraph as ox

from dpgkg.catalogues.links_graph import write_link

# DEFAULT_ENDPOINT and EndpointError are re-exported: wikidata_cli and the tests import the
# endpoint client from this module.
from dpgkg.catalogues.wikidata_endpoint import DEFAULT_ENDPOINT as DEFAULT_ENDPOINT
from dpgkg.catalogues.wikidata_endpoint import Endpoint
from dpgkg.catalogues.wikidata_endpoint import EndpointError as EndpointError
from dpgkg.namespaces import RDF, RDFS, SKOS, VOID, WD, WDT, IRIs
from dpgkg.provenance import GraphOrigin, describe, now, stamp
from dpgkg.rdfterms import QuadWriter, integer, iri
from dpgkg.store import GraphData, OxigraphStore

GRAPH_NAME = "wikidata"
SOFTWARE, ORGANISATION = str(WD.Q7397), str(WD.Q43229)
RDFS_LABEL = str(RDFS.label)
#: Wikidata writes schema:name with http://schema.org/; dpgkg's own schema: is https://.
SCHEMA_NAMES = ("http://schema.org/name", "https://schema.org/name")
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")
#: Hosts many unrelated things share: a match of the host alone means nothing there.
SHARED_HOSTS = frozenset((*CODE_HOSTS, "sourceforge.net", "google.com", "sites.google.com",
                          "facebook.com", "twitter.com", "x.com", "linkedin.com", "medium.com",
                          "youtube.com", "wikipedia.org", "en.wikipedia.org", "wordpress.com",
                          "blogspot.com", "notion.site", "gitbook.io", "zenodo.org", "doi.org"))
ACCEPT_FROM = 0.7  # confidence at which a link is accepted; below, it waits for review


# -- normalisation ---------------------------------------------------------------------
def url_key(url: str) -> str | None:
    """URL as a comparison key: no scheme, ``www.``, trailing slash, ``.git``, query or
    fragment; lower-case host; code hosts reduced to ``host/owner/repo`` in lower case."""
    text = url.strip()
    scp = re.match(r"^git@([^:/]+):(.+)$", text)  # git@github.com:owner/repo.git
    if scp:
        text = f"https://{scp.group(1)}/{scp.group(2)}"
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    path = re.sub(r"/+", "/", parts.path).rstrip("/").removesuffix(".git").rstrip("/")
    if host in CODE_HOSTS:
        segments = [s for s in path.split("/") if s]
        if host == "github.com":
            segments = segments[:2]  # /tree/main, /issues, … still mean the repository
        elif "-" in segments:
            segments = segments[:segments.index("-")]  # GitLab's /-/tree/…
        path = "/" + "/".join(segments).lower() if segments else ""
    return host + path


def host_of(key: str) -> str:
    return key.split("/", 1)[0]


def url_variants(url: str, *, repository: bool = False, root: bool = False) -> set[str]:
    """The IRIs a Wikidata statement may spell URL as (scheme, www., slash, case, .git);
    with ROOT, the site's home page instead."""
    key = url_key(url)
    if key is None:
        return set()
    host, _, path = key.partition("/")
    given = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    paths = {""} if root else {"/" + path if path else ""}
    if not root and given.path.rstrip("/").removesuffix(".git").rstrip("/"):
        paths.add(given.path.rstrip("/").removesuffix(".git").rstrip("/"))  # as written
    out = set()
    for scheme in ("https", "http"):
        for h in (host, "www." + host):
            for p in paths:
                for tail in ("", "/", *((".git",) if repository and p else ())):
                    out.add(f"{scheme}://{h}{p}{tail}")
    return out


def label_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name ("Rain-Atlas" = "rain atlas")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())


# -- what is aligned ---------------------------------------------------------------------
@dataclass
class Subject:
    """A DPG record or an organisation, with what can identify it on Wikidata."""

    iri: str
    kind: str  # "dpg" | "organization"
    names: set[str] = field(default_factory=set)
    websites: set[str] = field(default_factory=set)
    repositories: set[str] = field(default_factory=set)


def _read(store: OxigraphStore, sparql: str, kind: str, into: dict[str, Subject]) -> None:
    result = store.query(sparql)
    for s, fld, o in result:  # type: ignore[attr-defined]
        if not isinstance(s, ox.NamedNode) or o is None:
            continue
        subject = into.setdefault(s.value, Subject(s.value, kind))
        value = o.value if isinstance(o, ox.NamedNode | ox.Literal) else ""
        getattr(subject, fld.value).add(value)


def read_subjects(store: OxigraphStore, iris: IRIs) -> list[Subject]:
    """Every DPG record and organisation of the registry graph, in IRI order."""
    graph, prefix = iris.graph("registry"), iris.record("")
    found: dict[str, Subject] = {}
    _read(store, f"""SELECT ?s ?f ?o WHERE {{ GRAPH <{graph}> {{
        ?s schema:name [] .
        FILTER(STRSTARTS(STR(?s), "{prefix}") && !CONTAINS(STRAFTER(STR(?s), "{prefix}"), "/"))
        {{ ?s schema:name|schema:alternateName ?o BIND("names" AS ?f) }}
        UNION {{ ?s dpg:website ?o FILTER(isIRI(?o)) BIND("websites" AS ?f) }}
        UNION {{ ?s dpg:repository/dpg:repositoryURL ?o FILTER(isIRI(?o))
                 BIND("repositories" AS ?f) }} }} }}""", "dpg", found)
    _read(store, f"""SELECT ?s ?f ?o WHERE {{ GRAPH <{graph}> {{ ?s a dpg:Organization .
        {{ ?s foaf:name ?o BIND("names" AS ?f) }}
        UNION {{ [] dpg:organization ?s ; dpg:declaredName ?o BIND("names" AS ?f) }}
        UNION {{ [] dpg:organization ?s ; dpg:website ?o FILTER(isIRI(?o))
                 BIND("websites" AS ?f) }} }} }}""", "organization", found)
    return [found[k] for k in sorted(found)]


@dataclass
class Item:
    """What a Wikidata item says about itself."""

    iri: str
    labels: set[str] = field(default_factory=set)
    websites: set[str] = field(default_factory=set)
    repositories: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)  # of SOFTWARE, ORGANISATION


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"@en'


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def candidates_query(subjects: Iterable[Subject]) -> str:
    """Items whose P1324/P856 is one of the subjects' URLs or home pages, or whose label
    is one of their names (exact: Wikidata has no cheap case-insensitive lookup)."""
    urls: set[str] = set()
    names: set[str] = set()
    for s in subjects:
        for u in s.repositories:
            urls |= url_variants(u, repository=True)
        for u in s.websites:
            urls |= url_variants(u)
            key = url_key(u)
            if key and host_of(key) not in SHARED_HOSTS:
                urls |= url_variants(u, root=True)  # evidence for "the website host matches"
        names |= {n.strip() for n in s.names if n.strip()}
    blocks = []
    if urls:
        values = " ".join(f"<{u}>" for u in sorted(urls) if ">" not in u and " " not in u)
        blocks.append(f"{{ VALUES ?url {{ {values} }} ?item <{WDT.P1324}>|<{WDT.P856}> ?url }}")
    if names:
        values = " ".join(_string(n) for n in sorted(names))
        blocks.append(f"{{ VALUES ?name {{ {values} }} ?item <{RDFS_LABEL}> ?name }}")
    return "SELECT DISTINCT ?item WHERE { " + " UNION ".join(blocks) + " }"


def details_query(items: Iterable[str]) -> str:
    values = " ".join(f"<{i}>" for i in sorted(items))
    return f"""SELECT ?item ?p ?o WHERE {{ VALUES ?item {{ {values} }}
      {{ VALUES ?p {{ <{RDFS_LABEL}> {" ".join(f"<{n}>" for n in SCHEMA_NAMES)} }} ?item ?p ?o
         FILTER(LANGMATCHES(LANG(?o), "en") || LANG(?o) = "mul") }}
      UNION {{ VALUES ?p {{ <{WDT.P856}> <{WDT.P1324}> }} ?item ?p ?o }}
      UNION {{ VALUES ?o {{ <{SOFTWARE}> <{ORGANISATION}> }} ?item <{WDT.P31}>/<{WDT.P279}>* ?o
               BIND(<{WDT.P31}> AS ?p) }} }}"""


def fetch_items(endpoint: Endpoint, subjects: list[Subject], batch_size: int) -> dict[str, Item]:
    """Candidate items for SUBJECTS (BATCH_SIZE subjects per request) and their details."""
    found: set[str] = set()
    for i in range(0, len(subjects), batch_size):
        for row in endpoint.select(candidates_query(subjects[i:i + batch_size])):
            if row.get("item", {}).get("type") == "uri":
                found.add(row["item"]["value"])
    items: dict[str, Item] = {}
    for chunk in _chunks(sorted(found), batch_size):
        for row in endpoint.select(details_query(chunk)):
            if {"item", "p", "o"} - row.keys():
                continue
            item = items.setdefault(row["item"]["value"], Item(row["item"]["value"]))
            p, o = row["p"]["value"], row["o"]["value"]
            if p == str(WDT.P31):
                item.types.add(o)
            elif p == str(WDT.P856):
                item.websites.add(o)
            elif p == str(WDT.P1324):
                item.repositories.add(o)
            else:
                item.labels.add(o)
    return items


# -- matching ----------------------------------------------------------------------------
@dataclass
class Link:
    """One alignment with its evidence (a ``dpg:Link`` resource in the graph)."""

    subject: str
    predicate: str  # skos:exactMatch | skos:closeMatch
    item: str
    rule: str  # wikidata-repository | wikidata-website | wikidata-label
    field: str  # the subject's field that matched: repositoryURL | website | name
    text: str  # its value
    confidence: float
    status: str = "accepted"  # accepted | pending

    def as_dict(self) -> dict[str, object]:
        return {"subject": self.subject, "predicate": self.predicate.rsplit("#", 1)[-1],
                "item": self.item, "rule": self.rule, "field": self.field, "text": self.text,
                "confidence": self.confidence, "status": self.status}


def _keys(urls: Iterable[str]) -> dict[str, str]:
    """Normalised key -> the URL as written (first in sorted order)."""
    out: dict[str, str] = {}
    for u in sorted(urls):
        key = url_key(u)
        if key is not None:
            out.setdefault(key, u)
    return out


@dataclass(frozen=True)
class _SubjectKeys:
    """A subject's URLs and names normalised once (match_all compares it with every item)."""

    repos: dict[str, str]  # url key -> the URL as written
    sites: dict[str, str]
    names: list[tuple[str, str]]  # (name, label key), names in sorted order

    @classmethod
    def of(cls, subject: Subject) -> _SubjectKeys:
        return cls(_keys(subject.repositories), _keys(subject.websites),
                   [(n, label_key(n)) for n in sorted(subject.names)])


@dataclass(frozen=True)
class _ItemKeys:
    """An item's URL keys, unshared hosts and label keys."""

    repos: frozenset[str]
    sites: frozenset[str]
    hosts: frozenset[str]
    labels: frozenset[str]

    @classmethod
    def of(cls, item: Item) -> _ItemKeys:
        sites = frozenset(_keys(item.websites))
        return cls(frozenset(_keys(item.repositories)), sites,
                   frozenset({host_of(k) for k in sites} - SHARED_HOSTS),
                   frozenset(label_key(x) for x in item.labels))


def match(subject: Subject, item: Item) -> Link | None:
    """The link SUBJECT -> ITEM the evidence supports, or None."""
    return _match(subject, item, _SubjectKeys.of(subject), _ItemKeys.of(item))


def _match(subject: Subject, item: Item, sk: _SubjectKeys, ik: _ItemKeys) -> Link | None:
    expected, other = (SOFTWARE, ORGANISATION) if subject.kind == "dpg" else \
        (ORGANISATION, SOFTWARE)
    if other in item.types and expected not in item.types:
        return None  # a product's website is often also its maker's: the type tells them apart
    repos, sites = sk.repos, sk.sites
    repo = next((repos[k] for k in repos if k in ik.repos), None)
    site = next((sites[k] for k in sites if k in ik.sites), None)
    host = next((sites[k] for k in sites if host_of(k) in ik.hosts), None)
    name = next((n for n, key in sk.names if key and key in ik.labels), None)
    exact, close = str(SKOS.exactMatch), str(SKOS.closeMatch)
    if repo and name:
        link = Link(subject.iri, exact, item.iri, "wikidata-repository", "repositoryURL",
                    repo, 0.95)
    elif site and name:
        link = Link(subject.iri, exact, item.iri, "wikidata-website", "website", site, 0.9)
    elif repo:
        link = Link(subject.iri, close, item.iri, "wikidata-repository", "repositoryURL",
                    repo, 0.75)
    elif name and host:
        link = Link(subject.iri, close, item.iri, "wikidata-label", "name", name, 0.7)
    elif site:
        link = Link(subject.iri, close, item.iri, "wikidata-website", "website", site, 0.6)
    elif host:
        link = Link(subject.iri, close, item.iri, "wikidata-website", "website", host, 0.4)
    else:
        return None  # a label alone, or nothing: too weak (namesakes abound)
    # An untyped item (or a data set, a standard) is not penalised: many DPGs are not
    # software, and Wikidata's typing is patchy; only the opposite type rules an item out.
    link.status = "accepted" if link.confidence >= ACCEPT_FROM else "pending"
    return link


def match_all(subjects: list[Subject], items: dict[str, Item]) -> list[Link]:
    """Every supported link; competing exact matches are left for review."""
    item_keys = [(items[i], _ItemKeys.of(items[i])) for i in sorted(items)]
    links: list[Link] = []
    for s in subjects:
        sk = _SubjectKeys.of(s)
        links.extend(link for item, ik in item_keys if (link := _match(s, item, sk, ik)))
    exact = [k for k in links if k.predicate == str(SKOS.exactMatch)]
    per_subject: dict[str, int] = {}
    per_item: dict[str, int] = {}
    for k in exact:
        per_subject[k.subject] = per_subject.get(k.subject, 0) + 1
        per_item[k.item] = per_item.get(k.item, 0) + 1
    for k in exact:
        if per_subject[k.subject] > 1 or per_item[k.item] > 1:
            k.status = "pending"  # one thing, two items (or the reverse): a person decides
    return links


# -- the graph ---------------------------------------------------------------------------
@dataclass
class AlignmentReport:
    endpoint: str
    graph: str
    subjects: int
    records: int
    organizations: int
    candidates: int
    requests: int
    links: list[Link]
    seconds: float = 0.0

    def count(self, predicate: str, status: str | None = None) -> int:
        return sum(1 for k in self.links if k.predicate.endswith(predicate)
                   and (status is None or k.status == status))

    def as_dict(self) -> dict[str, object]:
        return {"endpoint": self.endpoint, "graph": self.graph, "subjects": self.subjects,
                "records": self.records, "organizations": self.organizations,
                "candidates": self.candidates, "requests": self.requests,
                "exactMatch": self.count("exactMatch"), "closeMatch": self.count("closeMatch"),
                "pending": sum(k.status == "pending" for k in self.links),
                "seconds": round(self.seconds, 3), "links": [k.as_dict() for k in self.links]}


def write_links(out: QuadWriter, iris: IRIs, links: list[Link], when: dt.datetime) -> None:
    generated = stamp(when)
    for k in links:
        key = hashlib.sha256(f"wikidata {k.subject} {k.predicate} {k.item}".encode())
        write_link(out, iris.link(key.hexdigest()[:32]), k.rule, k.subject, k.predicate, k.item,
                   k.field, k.text, k.confidence, k.status, generated)


def align(store: OxigraphStore, iris: IRIs, endpoint: Endpoint, batch_size: int = 25
          ) -> AlignmentReport:
    """Align the store's DPGs and organisations with ENDPOINT; replace the wikidata graph.

    Raises EndpointError (the store untouched) when the endpoint cannot be used, StoreError
    when there is no built store.
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    started, clock = now(), time.monotonic()
    subjects = read_subjects(store, iris)
    items = fetch_items(endpoint, subjects, batch_size) if subjects else {}
    links = match_all(subjects, items)
    graph = iris.graph(GRAPH_NAME)
    out = QuadWriter(graph)
    ended = now()
    write_links(out, iris, links, ended)
    for pred in ("exactMatch", "closeMatch"):  # link counts as VoID linksets
        linkset = f"{graph}/linkset/{pred}"
        out.rel(linkset, str(RDF.type), str(VOID.Linkset))
        out.rel(linkset, str(VOID.linkPredicate), str(SKOS[pred]))
        out.rel(linkset, str(VOID.objectsTarget), str(WD))
        out.add(iri(linkset), str(VOID.triples),
                integer(sum(k.predicate.endswith(pred) and k.status == "accepted"
                            for k in links)))
    records = sum(s.kind == "dpg" for s in subjects)
    origin = GraphOrigin(graph, "Wikidata alignment of DPGs and organisations", endpoint.url,
                         endpoint.digest.hexdigest(), started, location=endpoint.url,
                         counts={"record": records, "triples": len(out)})
    describe(out, iris, origin, ended)
    store.replace_graphs({graph: [GraphData(graph, ox.RdfFormat.N_QUADS, data=out.data())]})
    return AlignmentReport(endpoint.url, graph, len(subjects), records, len(subjects) - records,
                           len(items), endpoint.requests, links, time.monotonic() - clock)
