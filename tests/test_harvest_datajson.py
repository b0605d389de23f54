"""The data.json (DCAT-US 1.1) kind: every data.gov sample mapped to DCAT with the counts of
PROVENANCE.md, collections, publishers and no contact data in the output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from dpgkg.catalogues.datajson import KIND, dataset_iri
from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.namespaces import DCAT, DCTERMS, FOAF, ORG, OWL, RDF
from tests.conftest import FIXTURES, _need
from tests.kind_helpers import count, map_file, values

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
POD = "catalogues/datagov-pod/samples"
SAMPLES = {  # PROVENANCE.md: datasets, distributions
    "arm.data.json": (3, 3),
    "collection-1-parent-2-children.data.json": (3, 4),
    "collection-2-parent-4-children.data.json": (6, 8),
    "geospatial.data.json": (2, 4),
    "many-resources.data.json": (1, 11),
    "ny.data.json": (1, 4),
    "usda.gov.data.json": (3, 6),
}


def harvest(path: Path, adopt: bool = False) -> tuple[int, ox.Store, CatalogueOut]:
    return map_file(KIND, path, "pod", adopt=adopt)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_samples_counts_publishers_and_no_contacts(name: str) -> None:
    path = _need(f"{POD}/{name}")
    n, store, out = harvest(path)
    assert (n, count(store, DCAT.Distribution)) == SAMPLES[name]
    assert n == count(store, DCAT.Dataset) == len(values(store, out.catalogue, DCAT.dataset))
    assert not out.problems
    doc = json.loads(path.read_text())
    titles = {t for ds in values(store, out.catalogue, DCAT.dataset)
              for t in values(store, ds, DCTERMS.title)}
    assert titles == {d["title"] for d in doc["dataset"]}
    publishers = {d["publisher"]["name"] for d in doc["dataset"]}
    assert publishers <= values(store, None, FOAF.name)
    data = out.writer.data().decode()
    assert not EMAIL.search(data) and "mailto:" not in data
    for d in doc["dataset"]:
        fn = d["contactPoint"]["fn"]
        if fn not in publishers:  # a contact that is its own publisher names no person
            assert fn not in data, fn
    assert values(store, out.catalogue, DCTERMS.conformsTo) == {
        "https://project-open-data.cio.gov/v1.1/schema"}


@pytest.mark.realdata
def test_collections_are_is_part_of() -> None:
    _, store, out = harvest(_need(f"{POD}/collection-2-parent-4-children.data.json"))
    parent = dataset_iri(out, "IDF6-OPM-0001")
    children = {q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(str(DCTERMS.isPartOf)), ox.NamedNode(parent))}
    assert children == {dataset_iri(out, i) for i in ("IDF6-OPM-0001-AWOL",
                                                      "IDF6-OPM-0001-Retire")}
    assert values(store, parent, RDF.type) == {str(DCAT.Dataset)}


@pytest.mark.realdata
def test_arm_doi_identifier_and_suborganisations() -> None:
    _, store, out = harvest(_need(f"{POD}/arm.data.json"))
    ds = dataset_iri(out, "10.5439/1027266")
    assert values(store, ds, DCTERMS.identifier) == {"10.5439/1027266"}
    assert values(store, ds, OWL.sameAs) == {"https://doi.org/10.5439/1027266"}
    assert values(store, None, ORG.subOrganizationOf) >= {
        f"{out.graph}/agent/U.S.%20Government"}
    assert "018:001" in values(store, ds, "https://project-open-data.cio.gov/v1.1/schema#"
                               "bureauCode")


@pytest.mark.realdata
def test_ny_iri_identifier_theme_and_catalogue_adoption() -> None:
    _, store, out = harvest(_need(f"{POD}/ny.data.json"), adopt=True)
    assert out.catalogue == "https://data.ny.gov/data.json"
    ds = "https://data.ny.gov/api/views/22ew-dxez"
    assert values(store, out.catalogue, DCAT.dataset) == {ds}
    assert {"mortgage", "sonyma"} <= values(store, ds, DCAT.keyword)
    theme = next(iter(values(store, ds, DCAT.theme)))
    assert theme.startswith(out.graph + "/theme/")
    assert values(store, ds, DCAT.landingPage) == {"https://data.ny.gov/d/22ew-dxez"}
    assert values(store, f"{ds}/distribution/0", DCAT.mediaType) == {
        "https://www.iana.org/assignments/media-types/text/csv"}


@pytest.mark.realdata
def test_geospatial_spatial_and_usgs_identifier_is_not_an_iri() -> None:
    _, store, out = harvest(_need(f"{POD}/geospatial.data.json"))
    ds = dataset_iri(out, "USGS:5ec70f9d82ce476925eddc9e")
    assert ds.startswith(out.graph + "/dataset/USGS%3A")
    assert values(store, ds, DCTERMS.spatial)
    assert "Anna Nowicki Jessee" not in out.writer.data().decode()


@pytest.mark.realdata
@pytest.mark.parametrize(("rel", "datasets", "distributions"), [
    ("ckanext-dcat/examples/ckan/catalog.json", 2, 5),
    ("ckanext-dcat/examples/ckan/catalog_datasets_list.json", 2, 5),
    ("ckanext-dcat/examples/ckan/dataset.json", 1, 1),
    ("ckanext-dcat/examples/dcat/catalog_pod.jsonld", 1, 4),
])
def test_dcat_json_variants(rel: str, datasets: int, distributions: int) -> None:
    n, store, out = harvest(_need(f"catalogues/{rel}"))
    assert (n, count(store, DCAT.Distribution)) == (datasets, distributions)
    assert "contact@some.org" not in out.writer.data().decode()


@pytest.mark.realdata
def test_sniff_samples() -> None:
    for name in SAMPLES:
        head = _need(f"{POD}/{name}").read_bytes()[:65536]
        assert KIND.sniff(f"file:///{name}", "", head), name
    hdx = _need("catalogues/hdx/dataset_search_results.json").read_bytes()[:65536]
    assert not KIND.sniff("file:///x.json", "", hdx)


def test_edge_fixture_problems_and_privacy() -> None:
    n, store, out = harvest(FIXTURES / "catalogues/datajson-edge.data.json")
    assert n == 2 == count(store, DCAT.Dataset)
    problems = {(p.pointer, p.reason, p.severity) for p in out.problems}
    assert problems == {
        ("/dataset/0/distribution/0/downloadURL", "not a URL", "error"),
        ("/dataset/1/identifier", "missing: IRI minted from the title", "warning"),
        ("/dataset/2", "dataset without identifier or title: skipped", "error"),
        ("/dataset/3", "not a dataset (a JSON object was expected)", "error"),
    }
    ds = dataset_iri(out, "doi:10.5555/edge.1")
    assert values(store, ds, OWL.sameAs) == {"https://doi.org/10.5555/edge.1"}
    assert len(values(store, ds, DCTERMS.temporal)) == 1
    data = out.writer.data().decode()
    assert "Pat Example" not in data and not EMAIL.search(data)
    assert "[contact name removed]" in data


def test_one_page_and_first_url(tmp_path: Path) -> None:
    page = Page("https://data.ny.gov/data.json", 1, b"{}", "application/json")
    assert KIND.next_url(page, 1, 100) is None
    assert KIND.first_url("https://data.ny.gov", 100) == "https://data.ny.gov/data.json"
    assert KIND.first_url("https://x.gov/a/data.json", 100) == "https://x.gov/a/data.json"
    assert KIND.first_url(str(tmp_path / "d.json"), 1) == (tmp_path / "d.json").as_uri()


def test_unusable_pages(tmp_path: Path) -> None:
    for text, reason in (('{"dataset": [1, 2]}', "holds no objects"),
                         ('{"results": []}', "no \"dataset\" array"),
                         ("{", "not JSON")):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        with pytest.raises(ValueError, match=reason):
            harvest(bad)
