"""The catalogue linking rules (dpgkg/catalogues/linking.py, rules*.py) on DCAT fixtures
(tests/fixtures/catalogues/links-*) beside the fixture registry, and on the real registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from dpgkg.catalogues.linking import link_catalogues, read_links
from dpgkg.catalogues.rules import SdgIndex, sdg_mentions
from dpgkg.catalogues.rules_inputs import CROSSWALK_FILE, eu_theme_codes, load_crosswalk
from dpgkg.catalogues.rules_text import name_keys, norm_name, norm_url, site_of
from dpgkg.namespaces import DPG, EU_THEME, OWL, SDG, IRIs
from dpgkg.query import named_queries, run_query
from dpgkg.store import GraphData, OxigraphStore
from tests.conftest import FIXTURES, shared_data

CAT = FIXTURES / "catalogues"
PORTALS = CAT / "links-portals"
IRIS = IRIs()
EX = "https://catalogue.example.net/dataset/"
OPEN_CLINIC, RAIN_ATLAS = IRIS.record("open-clinic"), IRIS.record("rain-atlas")
LINKS = IRIS.graph("links")
CATALOGUES = {"clinic-portal": "links-rules.ttl", "elsewhere": "links-other.ttl",
              "near": "links-near.ttl", "twice": "links-twice.ttl", "hdx": "links-hdx.ttl"}


def _turtle(graph: str, path: Path) -> tuple[str, list[GraphData]]:
    return graph, [GraphData(graph, ox.RdfFormat.TURTLE, path=path)]


def load_fixtures(store: OxigraphStore, names: dict[str, str] = CATALOGUES) -> None:
    graphs = dict(_turtle(IRIS.catalogue_graph(n), CAT / f) for n, f in names.items())
    graphs.update([_turtle(IRIS.graph("test-sdg-mappings"), CAT / "links-sdg-eurovoc.ttl")])
    store.replace_graphs(graphs)


@pytest.fixture(scope="module")
def linked(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    directory = tmp_path_factory.mktemp("linking") / "store"
    shutil.copytree(fixture_store, directory, symlinks=True)
    store = OxigraphStore(directory)
    load_fixtures(store)
    link_catalogues(store, IRIS, portals_dir=PORTALS)
    return store


@pytest.fixture(scope="module")
def rows(linked: OxigraphStore) -> list[dict[str, str]]:
    return read_links(linked, IRIS)


def found(rows: list[dict[str, str]], subject: str, rule: str | None = None
          ) -> dict[str, dict[str, str]]:
    """object -> link row, for the links of SUBJECT (by RULE)."""
    return {r["object"]: r for r in rows
            if r["subject"] == subject and (rule is None or r["rule"] == rule)}


def plain(store: OxigraphStore, s: str, p: str, o: str) -> bool:
    return bool(store.query(f"ASK {{ GRAPH <{LINKS}> {{ <{s}> <{p}> <{o}> }} }}"))


def goal(n: str) -> str:
    return f"{SDG}{n}"


# -- explicit SDG mentions -----------------------------------------------------------------------
def test_sdg_mentions_in_each_field(rows: list[dict[str, str]], linked: OxigraphStore) -> None:
    assert found(rows, EX + "sdg-title")[goal("3")]["field"] == "dcterms:title"
    target = found(rows, EX + "sdg-target", "sdg-mention")
    assert set(target) == {goal("4.1"), goal("5"), goal("6")}
    assert target[goal("4.1")]["text"] == "SDG target 4.1"
    assert found(rows, EX + "sdg-keyword", "sdg-mention")[goal("13")]["field"] == "dcat:keyword"
    res = found(rows, EX + "sdg-resource", "sdg-mention")[goal("4")]
    assert res["field"] == "dcat:distribution/dcterms:title" and res["status"] == "accepted"
    assert plain(linked, EX + "sdg-title", str(DPG.datasetRelevantToSDG), goal("3"))


def test_sdg_mention_negatives(rows: list[dict[str, str]], linked: OxigraphStore) -> None:
    # "SDG 18" is no goal, a pH of 4.1 no target; a bare "goal 3" without any SDG context
    # waits for review and gets no plain triple.
    links = found(rows, EX + "sdg-negative", "sdg-mention")
    assert set(links) == {goal("3")}
    assert links[goal("3")]["status"] == "pending" and float(links[goal("3")]["confidence"]) < .5
    assert not plain(linked, EX + "sdg-negative", str(DPG.datasetRelevantToSDG), goal("3"))


def test_sdg_mention_patterns() -> None:
    sdg = SdgIndex(frozenset({goal(n) for n in ("3", "4", "5", "4.1", "4.a", "17")}))

    def iris(text: str) -> dict[str, float]:
        return {i: c for i, _, c in sdg_mentions(text, sdg)}

    assert set(iris("SDG4 and SDG-05; Goal 17 of the SDGs")) == {goal("4"), goal("5"),
                                                                 goal("17")}
    assert iris("Sustainable Development Goal 4")[goal("4")] == 0.9
    assert set(iris("SDGs 3, 4 and 5")) == {goal("3"), goal("4"), goal("5")}
    assert set(iris("SDG target 4.a")) == {goal("4.a")}
    assert iris("Target 4.1 of the sustainable development agenda") == {goal("4.1"): 0.75}
    assert iris("team goal 4") == {goal("4"): 0.4}
    assert iris("ISDG 4") == {} and iris("SDG 18") == {} and iris("version 4.1") == {}


# -- theme crosswalks ----------------------------------------------------------------------------
def test_eu_theme_crosswalk(rows: list[dict[str, str]], linked: OxigraphStore) -> None:
    links = found(rows, EX + "theme-educ", "eu-theme-crosswalk")
    assert links[goal("4")]["status"] == "accepted"
    assert links[goal("4")]["text"] == f"{EU_THEME}EDUC"
    assert {links[g]["status"] for g in ("6", "13", "14", "15") for g in [goal(g)]} == {
        "pending"}  # ENVI spans four goals: review
    assert len(links) == 5  # OP_DATPRO maps to nothing
    assert plain(linked, EX + "theme-educ", str(DPG.datasetRelevantToSDG), goal("4"))


def test_eurovoc_through_the_un_subject_mappings(rows: list[dict[str, str]]) -> None:
    links = found(rows, EX + "eurovoc", "eurovoc-sdg-mapping")
    assert links[goal("4")]["status"] == "accepted"
    # 5585 maps to goal 16 and to target 17.1, so to two goals: both wait for review.
    assert {links[goal("16")]["status"], links[goal("17")]["status"]} == {"pending"}
    assert len(links) == 3  # EuroVoc concept 1 is mapped to no goal


def test_crosswalk_covers_every_eu_theme() -> None:
    crosswalk = load_crosswalk()
    doc = json.loads(CROSSWALK_FILE.read_text())
    for pairs in doc["themes"].values():
        assert all(0 < p["confidence"] <= 0.6 and len(p["why"]) > 20 for p in pairs)
    assert all(g.startswith(str(SDG)) for pairs in crosswalk.values() for g, _ in pairs)
    base = shared_data()
    skos = base / "catalogues/eu-vocabularies/data-theme-skos.rdf" if base else None
    if skos is None or not skos.is_file():
        pytest.skip("data-theme-skos.rdf not available")
    assert set(eu_theme_codes(skos)) == set(doc["themes"])


# -- publisher = owner or maintainer organisation ------------------------------------------------
def test_publisher_organisation(rows: list[dict[str, str]], linked: OxigraphStore) -> None:
    exact = found(rows, EX + "publisher-exact", "publisher-organisation")
    assert set(exact) == {OPEN_CLINIC, RAIN_ATLAS}  # owner of one, maintainer of the other
    assert float(exact[OPEN_CLINIC]["confidence"]) == 0.95
    name_only = found(rows, EX + "publisher-name-only", "publisher-organisation")
    assert float(name_only[OPEN_CLINIC]["confidence"]) == 0.8
    assert name_only[OPEN_CLINIC]["status"] == "accepted"
    differs = found(rows, EX + "publisher-differs", "publisher-organisation")
    assert differs[OPEN_CLINIC]["status"] == "pending"
    assert not found(rows, EX + "publisher-negative", "publisher-organisation")
    assert plain(linked, EX + "publisher-exact", str(DPG.publishedByOrganizationOf), OPEN_CLINIC)
    assert not plain(linked, EX + "publisher-differs", str(DPG.publishedByOrganizationOf),
                     OPEN_CLINIC)


def test_name_normalisation() -> None:
    assert norm_name("The Open Clinic Foundation, Inc.") == norm_name("Open Clinic Foundation")
    assert norm_name("Médecins Sans Frontières") == "medecins sans frontieres"
    names, acronyms = name_keys("Health Information Systems Programme (HISP), University of Oslo")
    assert "health information systems programme university of oslo" in names
    assert acronyms == {"hisp"}
    assert site_of("https://data.unicef.org/x") == "unicef.org"
    assert site_of("https://www.ons.gov.uk") == "ons.gov.uk"
    assert site_of("https://tico-19.github.io/") == "tico-19.github.io"
    assert norm_url("http://www.Rain-Atlas.example.org/") == norm_url("https://rain-atlas.example.org")


# -- the portal's software -----------------------------------------------------------------------
def test_portal_runs_dpg_software(rows: list[dict[str, str]], linked: OxigraphStore) -> None:
    catalog = "https://portal.open-clinic.example.org/catalog"
    link = found(rows, catalog, "portal-software")[OPEN_CLINIC]
    assert link["status"] == "accepted" and link["predicate"] == str(DPG.runsSoftware)
    assert "clinicportal" in link["text"]
    for ds in ("sdg-title", "same-as", "publisher-negative"):
        assert plain(linked, EX + ds, str(DPG.publishedWith), OPEN_CLINIC)
    # A CKAN portal: CKAN is no DPG in the registry, so no link.
    assert not found(rows, "https://elsewhere.test/dataset/1")
    near = found(rows, "https://data.clinic-network.test/catalog", "portal-software")
    assert near[OPEN_CLINIC]["status"] == "pending"  # only the registrable domain matched
    twice = found(rows, "https://twice.example.net/catalog", "portal-software")
    assert set(twice) == {OPEN_CLINIC, RAIN_ATLAS}
    assert {r["status"] for r in twice.values()} == {"pending"}
    assert all("conflict" in r["reason"] for r in twice.values())


# -- the dataset is a data-type DPG --------------------------------------------------------------
def test_same_as_data_dpg(rows: list[dict[str, str]], linked: OxigraphStore) -> None:
    link = found(rows, EX + "same-as", "same-as-data-dpg")[RAIN_ATLAS]
    assert link["status"] == "accepted" and link["field"] == "dcat:landingPage"
    assert plain(linked, EX + "same-as", str(OWL.sameAs), RAIN_ATLAS)
    # Open Clinic is software, and a page under Rain Atlas's site is not its home page.
    assert not found(rows, EX + "same-as-negative", "same-as-data-dpg")


# -- the HDX UNESCO education dataset ------------------------------------------------------------
def test_hdx_unesco_dataset_fixture_links_to_sdg_4(rows: list[dict[str, str]]) -> None:
    links = found(rows, "https://data.humdata.org/dataset/unesco-data-for-zimbabwe",
                  "sdg-mention")
    assert links[goal("4")]["status"] == "accepted"


def test_hdx_unesco_dataset_from_the_real_file(fixture_store: Path, tmp_path: Path) -> None:
    base = shared_data()
    path = base / "catalogues/hdx/unesco_dataset.json" if base else None
    if path is None or not path.is_file():
        pytest.skip("the HDX sample (shared data) is not available")
    try:
        from dpgkg.catalogues.ckan import KIND
        from dpgkg.catalogues.kinds import CatalogueOut, Page
    except ImportError:
        pytest.skip("the CKAN source kind (dpgkg/catalogues/ckan.py) is not available")
    graph = IRIS.catalogue_graph("hdx-real")
    out = CatalogueOut(IRIS, graph, f"{graph}/catalog")
    page = Page("https://data.humdata.org/api/3/action/package_show?id=unesco-data-for-zimbabwe",
                1, path.read_bytes(), "application/json")
    assert KIND.map_page(page, out) == 1
    store_dir = tmp_path / "store"
    shutil.copytree(fixture_store, store_dir, symlinks=True)
    store = OxigraphStore(store_dir)
    store.replace_graphs({graph: [GraphData(graph, ox.RdfFormat.N_TRIPLES,
                                            data=out.writer.data())]})
    link_catalogues(store, IRIS, portals_dir=None)
    sdg4 = [r for r in read_links(store, IRIS)
            if r["object"] == goal("4") and r["rule"] == "sdg-mention"]
    assert sdg4 and sdg4[0]["status"] == "accepted"


# -- the link resources and the links graph ------------------------------------------------------
def test_link_resources_carry_rule_evidence_confidence_time(linked: OxigraphStore) -> None:
    result = linked.query(f"""SELECT (COUNT(?l) AS ?n) (COUNT(?full) AS ?complete) {{
      GRAPH <{LINKS}> {{ ?l a dpg:Link
        OPTIONAL {{ ?l dpg:rule ?r ; dpg:linkSubject ?s ; dpg:linkPredicate ?p ;
                     dpg:linkObject ?o ; dpg:matchedField ?f ; dpg:matchedText ?t ;
                     dpg:confidence ?c ; dpg:reviewStatus ?st ; prov:generatedAtTime ?time ;
                     prov:wasDerivedFrom ?src .
                   FILTER(DATATYPE(?c) = xsd:decimal && ?c >= 0 && ?c <= 1
                          && ?st IN ("accepted", "pending")) BIND(?l AS ?full) }} }} }}""")
    n, complete = (int(t.value) for t in result.rows[0])  # type: ignore[union-attr, attr-defined]
    assert n > 20 and n == complete
    assert linked.query(f"ASK {{ GRAPH <{LINKS}> {{ <{LINKS}> prov:wasGeneratedBy ?a ; "
                        f"prov:wasDerivedFrom <{IRIS.catalogue_graph('hdx')}> . "
                        f"?a prov:wasAssociatedWith ?agent }} }}")


def test_accepted_links_and_only_they_have_plain_triples(linked: OxigraphStore,
                                                         rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert plain(linked, r["subject"], r["predicate"], r["object"]) == (
            r["status"] == "accepted" or any(
                o["status"] == "accepted" for o in rows if o is not r and
                (o["subject"], o["predicate"], o["object"]) ==
                (r["subject"], r["predicate"], r["object"]))), r


def test_review_list(linked: OxigraphStore, rows: list[dict[str, str]]) -> None:
    review = read_links(linked, IRIS, review=True)
    assert review == [r for r in rows if r["status"] == "pending"]
    assert {r["rule"] for r in review} == {"sdg-mention", "eu-theme-crosswalk",
                                           "eurovoc-sdg-mapping", "publisher-organisation",
                                           "portal-software"}
    assert all(r["reason"] for r in review)


def test_no_personal_data_is_copied(linked: OxigraphStore) -> None:
    # links-rules.ttl has an e-mail address beside "SDG 3"; only the match is evidence.
    assert not linked.query(f"ASK {{ GRAPH <{LINKS}> {{ ?s ?p ?o "
                            f"FILTER(isLiteral(?o) && CONTAINS(STR(?o), '@')) }} }}")


def test_relinking_replaces_the_links_graph(fixture_store: Path, tmp_path: Path) -> None:
    shutil.copytree(fixture_store, tmp_path / "store", symlinks=True)
    store = OxigraphStore(tmp_path / "store")
    load_fixtures(store)
    first = link_catalogues(store, IRIS, portals_dir=PORTALS)
    before = {r["link"] for r in read_links(store, IRIS)}
    again = link_catalogues(store, IRIS, portals_dir=PORTALS)
    assert (again.links, again.accepted) == (first.links, first.accepted)
    assert {r["link"] for r in read_links(store, IRIS)} == before  # stable link IRIs
    # Drop the HDX dataset and relink: its links go, the others stay as they were.
    store.replace_graphs({IRIS.catalogue_graph("hdx"): []})
    link_catalogues(store, IRIS, portals_dir=PORTALS)
    after = read_links(store, IRIS)
    assert not [r for r in after if "humdata" in r["subject"]]
    assert len(after) == first.links - 1


def test_relinking_one_catalogue_keeps_the_others(fixture_store: Path, tmp_path: Path) -> None:
    shutil.copytree(fixture_store, tmp_path / "store", symlinks=True)
    store = OxigraphStore(tmp_path / "store")
    load_fixtures(store)
    first = link_catalogues(store, IRIS, portals_dir=PORTALS)
    report = link_catalogues(store, IRIS, ["hdx"], portals_dir=PORTALS)
    assert report.links == 1 and report.kept == first.links - 1
    rows = read_links(store, IRIS)
    assert len(rows) == first.links
    assert plain(store, EX + "sdg-title", str(DPG.datasetRelevantToSDG), goal("3"))
    with pytest.raises(ValueError, match="no such catalogue"):
        link_catalogues(store, IRIS, ["nope"], portals_dir=PORTALS)


# -- the named queries on the fixtures -----------------------------------------------------------
def _query(store: OxigraphStore, name: str) -> list[dict[str, str]]:
    data = json.loads(run_query(store, named_queries()[name].text, "json"))  # type: ignore[arg-type]
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_query_datasets_per_sdg(linked: OxigraphStore) -> None:
    rows = {int(r["number"]): r for r in _query(linked, "datasets-per-sdg")}
    assert sorted(rows) == list(range(1, 18))
    # sdg-target (via 4.1), sdg-resource, theme-educ, eurovoc and the HDX dataset.
    assert int(rows[4]["datasets"]) == 5 and int(rows[4]["catalogues"]) == 2
    assert int(rows[13]["datasets"]) == 1 and int(rows[16]["datasets"]) == 0


def test_query_sdg_gaps(linked: OxigraphStore) -> None:
    rows = _query(linked, "sdg-gaps")
    gaps = [int(r["number"]) for r in rows if r["gap"] == "true"]
    assert gaps == [4, 5, 6, 13]  # goal 3 has datasets and the Open Clinic DPG
    assert [int(r["number"]) for r in rows[:4]] == gaps


def test_query_datasets_linked_to_dpg(linked: OxigraphStore) -> None:
    rows = [r for r in _query(linked, "datasets-linked-to-dpg") if "dataset" in r]
    rain = {(r["relation"], r["dataset"]) for r in rows if r["product"] == RAIN_ATLAS}
    assert (str(OWL.sameAs), EX + "same-as") in rain
    assert (str(DPG.publishedByOrganizationOf), EX + "publisher-exact") in rain
    clinic = {r["dataset"] for r in rows if r["product"] == OPEN_CLINIC
              and r["relation"] == str(DPG.publishedWith)}
    assert len(clinic) == 13  # every dataset of the clinic portal


def test_query_catalogues_by_dpg_software(linked: OxigraphStore) -> None:
    rows = _query(linked, "catalogues-by-dpg-software")
    assert rows[0]["software"] == OPEN_CLINIC
    assert rows[0]["catalogue"] == "https://portal.open-clinic.example.org/catalog"
    assert int(rows[0]["datasets"]) == 13 and len(rows) == 1


def test_query_links_awaiting_review(linked: OxigraphStore) -> None:
    rows = _query(linked, "links-awaiting-review")
    assert {r["link"] for r in rows} == {r["link"] for r in read_links(linked, IRIS,
                                                                        review=True)}


# -- the real registry ---------------------------------------------------------------------------
@pytest.mark.realdata
def test_portal_listed_as_running_dhis2_links_to_the_dhis2_record(
        real_store: OxigraphStore, tmp_path: Path) -> None:
    base = shared_data()
    portals = base / "catalogues/dataportals-registry" if base else None
    if portals is None or not portals.is_dir():
        pytest.skip("the portals registry (shared data) is not available")
    # dhismohsgovsl: "Sierra Leone Health Management Information System", software dhis2.
    store_dir = tmp_path / "store"
    shutil.copytree(real_store.directory, store_dir, symlinks=True)
    store = OxigraphStore(store_dir)
    graph = IRIS.catalogue_graph("sl-hmis")
    ttl = (b"@prefix dcat: <http://www.w3.org/ns/dcat#> . "
           b"@prefix foaf: <http://xmlns.com/foaf/0.1/> . "
           b"<https://dhis.mohs.gov.sl/hmis/catalog> a dcat:Catalog ; "
           b"foaf:homepage <https://dhis.mohs.gov.sl/hmis> ; dcat:dataset <urn:x-ds:anc> . "
           b"<urn:x-ds:anc> a dcat:Dataset .")
    store.replace_graphs({graph: [GraphData(graph, ox.RdfFormat.TURTLE, data=ttl)]})
    link_catalogues(store, IRIS, portals_dir=portals)
    dhis2 = IRIS.record("dhis2")
    assert plain(store, "https://dhis.mohs.gov.sl/hmis/catalog", str(DPG.runsSoftware), dhis2)
    assert plain(store, "urn:x-ds:anc", str(DPG.publishedWith), dhis2)
    rows = _query(store, "catalogues-by-dpg-software")
    assert rows[0]["software"] == dhis2 and rows[0]["datasets"] == "1"
