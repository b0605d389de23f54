"""Benchmark: linking 10,000 synthetic catalogue datasets against the real registry.

    .venv/bin/python benchmarks/bench_linking.py [--datasets 10000] [--baseline-datasets 2000]

Builds the real registry and SDG vocabulary into a temporary store, writes N synthetic DCAT
datasets into one catalogue graph (a mix of explicit SDG mentions, EU data themes, EuroVoc
subjects, publishers named like real DPG owner/maintainer organisations with their web sites,
landing pages equal to data DPGs' websites, and plain datasets), whose catalogue homepage is a
portal the portals registry lists as running DHIS2, and times ``link_catalogues`` (target
<= 10 s for 10,000). The baseline runs the same rules the naive way in the same invocation:
rdflib in memory, each dataset's fields read with graph lookups, organisations and data DPGs
scanned linearly per dataset with no indexes; it runs on a subset and its per-dataset time
is scaled up, reported as a ratio. Prints figures and peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dpgkg.build import build  # noqa: E402
from dpgkg.catalogues import rules  # noqa: E402
from dpgkg.catalogues.linking import link_catalogues  # noqa: E402
from dpgkg.catalogues.rules_inputs import load_crosswalk  # noqa: E402
from dpgkg.catalogues.rules_store import read_sdg  # noqa: E402
from dpgkg.catalogues.rules_text import norm_name, norm_url, site_of  # noqa: E402
from dpgkg.config import Settings, shared_data_dir  # noqa: E402
from dpgkg.namespaces import DCAT, DCTERMS, DPG, FOAF, RDF, IRIs  # noqa: E402
from dpgkg.rdfterms import literal  # noqa: E402
from dpgkg.store import GraphData, OxigraphStore  # noqa: E402

IRIS = IRIs()
GRAPH = IRIS.catalogue_graph("synthetic")
HOMEPAGE = "https://dhis.mohs.gov.sl/hmis"  # dataportals-registry: dhismohsgovsl, dhis2
THEMES = ["EDUC", "HEAL", "ENVI", "AGRI", "ENER", "ECON", "SOCI", "TRAN", "OP_DATPRO"]
EUROVOC = ["668", "512", "5585", "4199", "2281", "100159"]
WORDS = ["rainfall", "clinic", "school", "market", "road", "survey", "census", "water",
         "energy", "forest", "price", "yield", "district", "household", "migration", "vaccine",
         "teacher", "harvest"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def registry_facts(store: OxigraphStore) -> tuple[list[tuple[str, str]], list[str]]:
    """(organisation name, its role web site) pairs and data DPGs' websites."""
    orgs = store.query("""SELECT DISTINCT ?name ?web { ?p dpg:organizationRole ?r .
      ?r dpg:roleType ?t ; dpg:organization ?o . ?o foaf:name ?name .
      OPTIONAL { ?r dpg:website ?web } FILTER(?t IN (dpg:OwnerRole, dpg:MaintainerRole)) }""")
    data = store.query("SELECT DISTINCT ?w { ?p a dpg:OpenData ; dpg:website ?w }")
    pairs = [(r[0].value, r[1].value if r[1] is not None else "")  # type: ignore[union-attr]
             for r in orgs]  # type: ignore[attr-defined]
    return pairs, [r[0].value for r in data]  # type: ignore[attr-defined, union-attr]


def synthetic(n: int, orgs: list[tuple[str, str]], data_sites: list[str]) -> bytes:
    rnd = random.Random(5)
    t = str(RDF.type)
    lines = [f"<{GRAPH}/catalog> <{t}> <{DCAT.Catalog}> .\n",
             f"<{GRAPH}/catalog> <{FOAF.homepage}> <{HOMEPAGE}> .\n"]
    for i in range(n):
        ds = f"https://synthetic.example.org/dataset/{i}"
        add = lines.append
        add(f"<{ds}> <{t}> <{DCAT.Dataset}> .\n")
        add(f"<{GRAPH}/catalog> <{DCAT.dataset}> <{ds}> .\n")
        title = " ".join(rnd.choice(WORDS) for _ in range(4))
        kind = i % 10
        if kind in (0, 1):
            title += f" (SDG {rnd.randint(1, 17)})"
        add(f"<{ds}> <{DCTERMS.title}> {literal(title.capitalize())} .\n")
        desc = " ".join(rnd.choice(WORDS) for _ in range(40))
        if kind == 2:
            desc += f" Tracks SDG target {rnd.randint(1, 16)}.{rnd.randint(1, 5)}."
        if kind == 3:
            desc += f" Our goal {rnd.randint(1, 17)} is coverage."
        add(f"<{ds}> <{DCTERMS.description}> {literal(desc)} .\n")
        for word in rnd.sample(WORDS, 3) + (["sdg-4"] if kind == 4 else []):
            add(f"<{ds}> <{DCAT.keyword}> {literal(word)} .\n")
        if kind in (4, 5):
            add(f"<{ds}> <{DCAT.theme}> <http://publications.europa.eu/resource/authority/"
                f"data-theme/{rnd.choice(THEMES)}> .\n")
            add(f"<{ds}> <{DCAT.theme}> <http://eurovoc.europa.eu/{rnd.choice(EUROVOC)}> .\n")
        if kind in (6, 7) and orgs:
            name, web = rnd.choice(orgs)
            agent = f"{ds}/publisher"
            add(f"<{ds}> <{DCTERMS.publisher}> <{agent}> .\n")
            add(f"<{agent}> <{FOAF.name}> {literal(name)} .\n")
            if web and kind == 6:
                add(f"<{agent}> <{FOAF.homepage}> <{web}> .\n")
        if kind == 8 and data_sites and rnd.random() < 0.5:
            add(f"<{ds}> <{DCAT.landingPage}> <{rnd.choice(data_sites)}> .\n")
        dist = f"{ds}/distribution/1"
        add(f"<{ds}> <{DCAT.distribution}> <{dist}> .\n")
        add(f"<{dist}> <{DCTERMS.title}> {literal(title + ' (CSV)')} .\n")
    return "".join(lines).encode()


def baseline(store: OxigraphStore, n: int) -> tuple[float, int]:
    """The naive linking of N datasets: rdflib lookups and linear scans, no indexes."""
    import rdflib

    def triples(graph: str) -> bytes:
        quads = store.quads(graph)
        return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES) or b""

    g = rdflib.Graph()
    for name in ("registry", "sdg"):
        g.parse(data=triples(IRIS.graph(name)), format="nt")
    cat = rdflib.Graph()
    cat.parse(data=triples(GRAPH), format="nt")
    start = time.perf_counter()
    with store.reading() as st:
        sdg = read_sdg(st)
    themes = load_crosswalk()
    found = 0
    U = rdflib.URIRef
    org_rows = list(g.query(f"""SELECT ?p ?o ?name ?web WHERE {{
      ?p <{DPG.organizationRole}> ?r . ?r <{DPG.organization}> ?o . ?o <{FOAF.name}> ?name
      OPTIONAL {{ ?r <{DPG.website}> ?web }} }}"""))
    data_rows = [(p, w) for p in g.subjects(RDF.type, U(str(DPG.OpenData)))
                 for w in g.objects(p, U(str(DPG.website)))]
    datasets = list(cat.subjects(RDF.type, U(str(DCAT.Dataset))))[:n]
    for ds in datasets:
        texts = [str(o) for p in (DCTERMS.title, DCTERMS.description, DCAT.keyword)
                 for o in cat.objects(ds, U(str(p)))]
        texts += [str(o) for d in cat.objects(ds, U(str(DCAT.distribution)))
                  for o in cat.objects(d, U(str(DCTERMS.title)))]
        for text in texts:
            found += sum(1 for _ in rules.sdg_mentions(text, sdg))
        for theme in cat.objects(ds, U(str(DCAT.theme))):
            found += len(themes.get(str(theme), ())) + len(sdg.eurovoc.get(str(theme), ()))
        for agent in cat.objects(ds, U(str(DCTERMS.publisher))):
            names = {norm_name.__wrapped__(str(o)) for o in cat.objects(agent, U(str(FOAF.name)))}
            sites = {site_of.__wrapped__(str(o))
                     for o in cat.objects(agent, U(str(FOAF.homepage)))}
            for _product, _org, name, web in org_rows:  # a linear scan per dataset
                if norm_name.__wrapped__(str(name)) in names or (
                        web is not None and site_of.__wrapped__(str(web)) in sites):
                    found += 1
        for page in cat.objects(ds, U(str(DCAT.landingPage))):
            found += sum(norm_url.__wrapped__(str(w)) == norm_url.__wrapped__(str(page))
                         for _p, w in data_rows)
    return time.perf_counter() - start, found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=int, default=10_000)
    ap.add_argument("--baseline-datasets", type=int, default=2_000)
    args = ap.parse_args()
    shared = shared_data_dir()
    if shared is None:
        sys.exit("needs the shared data folder (DPGKG_SHARED_DATA or ../shared/data)")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(registry=str(shared / "dpg-registry"), sdg=str(shared / "sdg"),
                            store=Path(tmp) / "store", cache=Path(tmp) / "cache")
        build(settings)
        store = OxigraphStore(settings.store)
        orgs, data_sites = registry_facts(store)
        payload = synthetic(args.datasets, orgs, data_sites)
        t0 = time.perf_counter()
        store.replace_graphs({GRAPH: [GraphData(GRAPH, ox.RdfFormat.N_TRIPLES, data=payload)]})
        load = time.perf_counter() - t0
        triples = payload.count(b"\n")
        print(f"synthetic catalogue: {args.datasets} datasets, {triples} triples,"
              f" loaded in {load:.2f} s")
        t0 = time.perf_counter()
        report = link_catalogues(store, IRIS, portals_dir=shared / "catalogues" /
                                 "dataportals-registry")
        total = time.perf_counter() - t0
        split = ", ".join(f"{k} {v:.2f} s" for k, v in report.seconds.items())
        print(f"dpgkg linking: {total:.2f} s (target <= 10 s; {split}); {report.links} links, "
              f"{report.accepted} accepted, {report.pending} pending; by rule: "
              f"{report.by_rule}")
        print(f"peak RSS after linking: {rss_mb():.0f} MB")
        n = min(args.baseline_datasets, args.datasets)
        seconds, found = baseline(store, n)
        scaled = seconds * args.datasets / n
        rules_only = report.seconds["read"] + report.seconds["rules"]
        print(f"naive rdflib baseline: {seconds:.2f} s for {n} datasets ({found} candidates), "
              f"scaled to {args.datasets}: {scaled:.1f} s (excluding rdflib loading); "
              f"ratio to dpgkg's read+rules {rules_only:.2f} s: {scaled / rules_only:.1f}x; "
              f"to dpgkg's whole run: {scaled / total:.1f}x")
        print(f"peak RSS: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
