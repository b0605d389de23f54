"""Every dpg: term the graphs use is declared in the ontology (built store, links, PROV)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dpgkg.namespaces import DPG
from dpgkg.resources import ontology_file

USED = (
    "SELECT DISTINCT ?term WHERE { { GRAPH ?g { ?s ?term ?o } } UNION "
    f'{{ GRAPH ?g {{ ?s a ?term }} }} FILTER(STRSTARTS(STR(?term), "{DPG}")) }}'
)


def declared() -> set[str]:
    triples = ox.parse(path=str(ontology_file()), format=ox.RdfFormat.TURTLE)
    return {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}


def used_terms(store: ox.Store) -> set[str]:
    return {row["term"].value for row in store.query(USED)}  # type: ignore[union-attr,index]


def test_fixture_store_uses_only_declared_terms(fixture_store: Path) -> None:
    from dpgkg.store import OxigraphStore

    with OxigraphStore(fixture_store).reading() as store:
        used = used_terms(store)
    assert used, "the query found no dpg: terms at all"
    assert used - declared() == set()


def test_the_check_can_fail() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode(f"{DPG}notATerm"), ox.Literal("x"),
                      ox.NamedNode("urn:g")))
    assert used_terms(store) - declared() == {f"{DPG}notATerm"}


def test_harvest_and_link_graphs_use_only_declared_terms(tmp_path: Path,
                                                         fixture_store: Path) -> None:
    """A harvested catalogue (its PROV counts) and the links graph, over the fixture store."""
    import shutil

    from dpgkg.catalogues.harvest import harvest
    from dpgkg.catalogues.linking import link_catalogues
    from dpgkg.config import Settings
    from dpgkg.store import OxigraphStore
    from tests.conftest import FIXTURES

    store_dir = tmp_path / "store"
    shutil.copytree(fixture_store, store_dir, symlinks=True)
    settings = Settings(store=store_dir, cache=tmp_path / "cache")
    harvest(str(FIXTURES / "catalogues" / "links-rules.ttl"), settings, kind="dcat",
            name="rules")
    link_catalogues(OxigraphStore(store_dir), portals_dir=FIXTURES / "catalogues" /
                    "links-portals")
    with OxigraphStore(store_dir).reading() as store:
        graphs = {g.value for g in store.named_graphs()}
        used = used_terms(store)
    assert {"https://w3id.org/dpgkg/graph/links",
            "https://w3id.org/dpgkg/graph/catalogue/rules"} <= graphs
    assert f"{DPG}pageCount" in used and f"{DPG}Link" in used
    assert used - declared() == set()
