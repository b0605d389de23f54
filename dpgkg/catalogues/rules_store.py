"""Reading what the linking rules need from the store, with SPARQL.

One query per field over all catalogue graphs at once (``VALUES ?g``) rather than one per
dataset: 10,000 datasets cost ten queries, not 100,000.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from dpgkg.catalogues.rules import Dataset, RegistryIndex, SdgIndex
from dpgkg.catalogues.rules_text import doi_of, is_generic_host, name_keys, norm_name, norm_url
from dpgkg.catalogues.rules_text import site_of as _site
from dpgkg.namespaces import ADMS, DCAT, DCTERMS, FOAF, OWL, PREFIXES, RDF, SDG, SKOS, IRIs

_D, _T, _F, _O = str(DCAT), str(DCTERMS), str(FOAF), str(OWL)
#: Dataset field -> (property, property of the node it points to, or None for the value).
DATASET_FIELDS: dict[str, list[tuple[str, str | None]]] = {
    "titles": [(f"{_T}title", None)],
    "descriptions": [(f"{_T}description", None)],
    "keywords": [(f"{_D}keyword", None)],
    "resource_names": [(f"{_D}distribution", f"{_T}title")],
    "themes": [(f"{_D}theme", None), (f"{_T}subject", None)],
    "publisher_names": [(f"{_T}publisher", f"{_F}name")],
    "publisher_homepages": [(f"{_T}publisher", f"{_F}homepage")],
    "landing_pages": [(f"{_D}landingPage", None)],
    "identifiers": [(f"{_T}identifier", None), (f"{_O}sameAs", None),
                    (f"{ADMS}identifier", f"{SKOS}notation")],
}
IRI_FIELDS = {"themes"}
_TYPE, _DATASET = str(RDF.type), f"{_D}Dataset"


def _select(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    result = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


def _values(graphs: list[str]) -> str:
    return "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"


def catalogue_graphs(store: ox.Store, iris: IRIs) -> list[str]:
    prefix = iris.catalogue_graph("")
    return sorted(g.value for g in store.named_graphs()
                  if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))


def read_datasets(store: ox.Store, graphs: list[str]) -> list[Dataset]:
    """The datasets of GRAPHS, read in one pass over each graph's quads (a SPARQL query per
    field took four times as long for 10,000 datasets)."""
    out: list[Dataset] = []
    for graph in graphs:
        props: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(
            lambda: defaultdict(list))
        datasets: list[str] = []
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if isinstance(s, ox.NamedNode):
                key = s.value
            elif isinstance(s, ox.BlankNode):  # unskolemised nodes (fixtures) stay reachable
                key = f"urn:x-bnode:{s.value}"
            else:
                continue
            if p == _TYPE and isinstance(o, ox.NamedNode) and o.value == _DATASET:
                datasets.append(key)
            elif isinstance(o, ox.NamedNode | ox.Literal):
                props[key][p].append(o)
            elif isinstance(o, ox.BlankNode):
                props[key][p].append(ox.NamedNode(f"urn:x-bnode:{o.value}"))
        for iri in sorted(set(datasets)):
            ds = Dataset(iri, graph)
            mine = props.get(iri, {})
            for name, paths in DATASET_FIELDS.items():
                values = getattr(ds, name)
                for prop, then in paths:
                    for value in mine.get(prop, ()):
                        if then is not None:
                            values.extend(v.value for v in props.get(value.value, {}).get(
                                then, ()))
                        elif name not in IRI_FIELDS or isinstance(value, ox.NamedNode):
                            values.append(value.value)
            out.append(ds)
    return out


def catalogue_urls(store: ox.Store, graphs: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """graph -> (its dcat:Catalog IRIs, the URLs that say where it lives: the catalogues'
    homepages and the graph's PROV source)."""
    out: dict[str, tuple[list[str], list[str]]] = {g: ([], []) for g in graphs}
    if not graphs:
        return out
    sparql = f"""SELECT ?g ?cat ?url {{ {_values(graphs)} GRAPH ?g {{
      {{ ?cat a dcat:Catalog OPTIONAL {{ ?cat foaf:homepage|dcat:landingPage ?url }} }}
      UNION {{ ?g prov:wasDerivedFrom ?src . {{ BIND(?src AS ?url) }}
               UNION {{ ?src dpg:sourceLocation ?url }} }} }} }}"""
    for row in _select(store, sparql):
        catalogs, urls = out[row["g"].value]
        cat, url = row["cat"], row["url"]
        if isinstance(cat, ox.NamedNode) and cat.value not in catalogs:
            catalogs.append(cat.value)
        if isinstance(url, ox.NamedNode | ox.Literal) and url.value not in urls:
            urls.append(url.value)
    return out


def read_registry(store: ox.Store, iris: IRIs) -> RegistryIndex:
    """Organisations that own or maintain products, product names, sites and identities."""
    reg = RegistryIndex()
    graph = f"<{iris.graph('registry')}>"
    orgs = f"""SELECT ?product ?org ?name ?web {{ GRAPH {graph} {{
      ?product dpg:organizationRole ?r . ?r dpg:roleType ?role ; dpg:organization ?org .
      FILTER(?role IN (dpg:OwnerRole, dpg:MaintainerRole))
      OPTIONAL {{ ?org foaf:name ?name }}
      OPTIONAL {{ {{ ?r dpg:website ?web }} UNION {{ ?org foaf:homepage ?web }} }} }} }}"""
    for row in _select(store, orgs):
        product, org = row["product"].value, row["org"].value
        reg.org_products.setdefault(org, set()).add(product)
        name, web = row["name"], row["web"]
        if isinstance(name, ox.Literal):
            names, acronyms = name_keys(name.value)
            for key in names:
                reg.org_by_name.setdefault(key, set()).add(org)
            for key in acronyms:
                reg.org_by_acronym.setdefault(key, set()).add(org)
        if isinstance(web, ox.NamedNode):
            site = _site(web.value)
            if site and not is_generic_host(site):
                reg.org_sites.setdefault(org, set()).add(site)
                reg.org_by_site.setdefault(site, set()).add(org)
    products = f"""SELECT ?product ?name ?web ?data {{ GRAPH {graph} {{
      ?product a dpg:DigitalProduct .
      BIND(EXISTS {{ ?product a dpg:OpenData }} AS ?data)
      {{ ?product schema:name|schema:alternateName|dcterms:identifier ?name }}
      UNION {{ ?product dpg:website|schema:codeRepository|schema:sameAs ?web }} }} }}"""
    for row in _select(store, products):
        product = row["product"].value
        name, web, data = row["name"], row["web"], row["data"]
        is_data = isinstance(data, ox.Literal) and data.value == "true"
        if isinstance(name, ox.Literal):
            reg.product_by_name.setdefault(norm_name(name.value), set()).add(product)
        if isinstance(web, ox.NamedNode):
            site = _site(web.value)
            if site and not is_generic_host(site):
                reg.product_by_site.setdefault(site, set()).add(product)
            if is_data:
                reg.data_by_url.setdefault(norm_url(web.value), set()).add(product)
                doi = doi_of(web.value)
                if doi:
                    reg.data_by_doi.setdefault(doi, set()).add(product)
    return reg


def read_sdg(store: ox.Store) -> SdgIndex:
    """Goal and target IRIs, and EuroVoc concepts the UN maps to goals or targets (read from
    the union of graphs, so the real SDG graph and test fixtures both serve)."""
    concepts = frozenset(
        row["c"].value for row in _select(
            store, "SELECT DISTINCT ?c { VALUES ?t { sdgo:Goal sdgo:Target } ?c a ?t }"))
    eurovoc: dict[str, set[str]] = defaultdict(set)
    sparql = """SELECT ?c ?ev { ?c dcterms:subject ?ev
      FILTER(STRSTARTS(STR(?ev), "http://eurovoc.europa.eu/"))
      FILTER(STRSTARTS(STR(?c), "http://metadata.un.org/sdg/")) }"""
    for row in _select(store, sparql):
        c = row["c"].value
        if c in concepts:  # goals and targets; the many series-level mappings are too broad
            goal = f"{SDG}{c[len(str(SDG)):].split('.')[0]}"
            eurovoc[row["ev"].value].add(goal)
    return SdgIndex(concepts, {k: frozenset(v) for k, v in eurovoc.items()})


def kept_links(store: ox.Store, links_graph: str, relinked: list[str]
               ) -> list[tuple[str, str, str]]:
    """Triples (as N-Triples terms) of existing link resources derived from other graphs."""
    not_in = ", ".join(f"<{g}>" for g in relinked) or "<urn:x-none>"
    sparql = f"""SELECT ?l ?p ?o {{ GRAPH <{links_graph}> {{
      ?l a dpg:Link ; prov:wasDerivedFrom ?src . FILTER(?src NOT IN ({not_in})) ?l ?p ?o }} }}"""
    return [(str(r["l"]), str(r["p"]), str(r["o"])) for r in _select(store, sparql)]

