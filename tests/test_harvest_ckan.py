"""The CKAN Action API kind: real HDX / ckanext-dcat packages and edge-case fixtures mapped
to DCAT, paging arithmetic, and no personal data in the output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from dpgkg.catalogues.ckan import KIND, portal_of
from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.namespaces import DCAT, DCTERMS, FOAF, OWL, IRIs
from tests.conftest import FIXTURES, _need
from tests.kind_helpers import count, map_file, values

HDX = "https://data.humdata.org"
SEARCH = f"{HDX}/api/3/action/package_search"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def harvest(path: Path, url: str | None = None, catalogue: str = HDX
            ) -> tuple[int, ox.Store, CatalogueOut]:
    return map_file(KIND, path, "test", url=url, catalogue=catalogue)


def text_of(store: ox.Store) -> str:
    return "\n".join(q.object.value for q in store if isinstance(q.object, ox.Literal))


def personal(pkg: dict[str, Any]) -> set[str]:
    """Contact names and e-mails of a package (a name equal to its org is no person)."""
    org = pkg.get("organization") or {}
    orgs = {str(org.get("name", "")).casefold(), str(org.get("title", "")).casefold()}
    found = {v for k in ("author_email", "maintainer_email") if (v := pkg.get(k))}
    found |= {v for k in ("author", "maintainer") if (v := pkg.get(k))
              and v.casefold() not in orgs and not re.fullmatch(r"[0-9a-f-]{36}", v)}
    return found


# -- real data --------------------------------------------------------------------------
@pytest.mark.realdata
def test_hdx_search_results_ten_datasets_with_countries() -> None:
    path = _need("catalogues/hdx/dataset_search_results.json")
    n, store, out = harvest(path, f"{SEARCH}?rows=10&start=0")
    assert n == 10 == count(store, DCAT.Dataset) == out.datasets
    assert count(store, DCAT.Distribution) == 3
    assert not out.problems
    libya = f"{HDX}/dataset/acled-conflict-data-for-libya"
    assert values(store, libya, DCTERMS.title) == {"ACLED Conflict Data for Libya"}
    assert values(store, libya, DCAT.keyword) == {"conflict", "political violence", "protests",
                                                  "war"}
    assert values(store, libya, DCTERMS.spatial) == {
        "http://publications.europa.eu/resource/authority/country/LBY"}
    assert values(store, libya, DCAT.theme) == {f"{HDX}/group/lby"}
    assert values(store, libya, DCTERMS.publisher) == {f"{HDX}/organization/acled"}
    assert values(store, f"{HDX}/organization/acled", FOAF.name) == {"ACLED Conflict Data Project"}
    assert values(store, libya, DCTERMS.license) == {
        "http://www.opendefinition.org/licenses/cc-by-sa"}
    assert values(store, libya, DCTERMS.modified) == {"2016-03-29T17:33:22.912275"}
    assert values(store, None, DCAT.dataset) >= {libya}
    doc = json.loads(path.read_text())
    leaks = set().union(*(personal(p) for p in doc["results"]))
    assert leaks and not any(leak in text_of(store) for leak in leaks)
    assert not EMAIL.search(out.writer.data().decode())


@pytest.mark.realdata
def test_hdx_unesco_education_dataset() -> None:
    path = _need("catalogues/hdx/unesco_dataset.json")
    n, store, out = harvest(path)
    ds = f"{HDX}/dataset/unesco-data-for-zimbabwe"
    assert n == 1 and not out.problems
    assert values(store, ds, DCTERMS.title) == {"Zimbabwe - Education Indicators"}
    assert "SDG 4" in next(iter(values(store, ds, DCTERMS.description)))
    assert {"education", "indicators"} <= values(store, ds, DCAT.keyword)
    assert values(store, f"{HDX}/organization/unesco", FOAF.name) == {"UNESCO"}
    assert values(store, ds, DCTERMS.spatial) == {
        "http://publications.europa.eu/resource/authority/country/ZWE"}
    assert count(store, DCAT.Distribution) == 9
    dist = f"{ds}/distribution/0"
    assert values(store, dist, DCTERMS["format"]) == {"CSV"}
    assert values(store, dist, DCAT.mediaType) == {
        "https://www.iana.org/assignments/media-types/text/csv"}
    assert values(store, dist, DCAT.downloadURL)  # an upload: the URL downloads it


CKANEXT = {  # file: (datasets, distributions)
    "ckan_dataset.json": (1, 1),
    "ckan_dataset_multilingual.json": (1, 1),
    "ckan_dcat_ap_dataset_series.json": (1, 0),
    "ckan_full_dataset_croissant.json": (1, 1),
    "ckan_full_dataset_dcat_ap.json": (1, 1),
    "ckan_full_dataset_dcat_ap_legacy.json": (1, 1),
    "ckan_full_dataset_dcat_ap_vocabularies.json": (1, 1),
    "ckan_full_dataset_dcat_us_vocabularies.json": (1, 1),
    "full_ckan_dataset_legacy.json": (1, 1),
    "health_dcat_ap.json": (1, 1),
}
PERSONAL = ("John Doe", "johndoe@example.com", "Contact 1", "contact1@example.org",
            "Contact 2", "creator@example.org", "publisher@example.org", "info@gs.org")


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(CKANEXT))
def test_ckanext_dcat_packages(name: str) -> None:
    path = _need(f"catalogues/ckanext-dcat/examples/ckan/{name}")
    n, store, out = harvest(path)
    assert (n, count(store, DCAT.Distribution)) == CKANEXT[name]
    assert not out.problems
    data = out.writer.data().decode()
    assert not EMAIL.search(data)
    assert not any(p in data for p in PERSONAL)


@pytest.mark.realdata
def test_ckanext_dcat_full_dataset_fields() -> None:
    _, store, _ = harvest(_need("catalogues/ckanext-dcat/examples/ckan/"
                                "ckan_full_dataset_dcat_ap.json"))
    ds = f"{HDX}/dataset/test-dataset-shacl"
    assert values(store, ds, DCAT.theme) == {f"https://example.org/uri/theme{i}"
                                             for i in (1, 2, 3)}
    assert values(store, ds, DCTERMS.language) == {
        f"http://publications.europa.eu/resource/authority/language/{c}"
        for c in ("ENG", "CAT", "SPA")}
    assert values(store, "http://example.org/publisher-id", FOAF.name) == {"Test Publisher"}
    assert values(store, ds, DCTERMS.issued) == {"2024-05-01"}
    assert len(values(store, ds, DCTERMS.temporal)) == 2
    assert values(store, ds, DCTERMS.spatial) >= {"https://sws.geonames.org/6361390/"}
    # the creator is typed public_body: an organisation, mapped; contacts never are
    assert values(store, "http://example.org/creator-id", FOAF.name) == {"Test Creator"}


@pytest.mark.realdata
@pytest.mark.parametrize("rel", ["hdx/organization_show_results.json",
                                 "hdx/resource_formats.json",
                                 "ckanext-dcat/examples/ckan/catalog.json"])
def test_not_package_responses_are_unusable_pages(rel: str) -> None:
    with pytest.raises(ValueError, match="no CKAN packages"):
        harvest(_need(f"catalogues/{rel}"))


@pytest.mark.realdata
def test_showcases_are_not_datasets() -> None:
    n, store, out = harvest(_need("catalogues/hdx/showcase_all_search_results.json"))
    assert n == 0 == count(store, DCAT.Dataset) and not out.problems


@pytest.mark.realdata
def test_sniff_real_samples() -> None:
    for rel in ("hdx/dataset_search_results.json", "hdx/unesco_dataset.json"):
        assert KIND.sniff("file:///x.json", "", _need(f"catalogues/{rel}").read_bytes()[:65536])
    pod = _need("catalogues/datagov-pod/samples/ny.data.json").read_bytes()
    assert not KIND.sniff("file:///ny.data.json", "", pod)


# -- fixtures -----------------------------------------------------------------------------
def test_bad_records_are_page_problems_and_the_rest_is_mapped() -> None:
    n, store, out = harvest(FIXTURES / "catalogues/ckan-bad-page.json",
                            "https://demo.ckan.org/api/3/action/package_search?rows=4&start=0")
    assert n == 2 == count(store, DCAT.Dataset)  # the string and the showcase are skipped
    where = {(p.pointer, p.reason) for p in out.problems}
    assert where == {("/result/results/1/resources/0/url", "not a URL"),
                     ("/result/results/2", "not a CKAN package (a JSON object was expected)")}
    water = "https://demo.ckan.org/dataset/water-points"
    assert values(store, water, DCTERMS.license) == {"http://spdx.org/licenses/CC-BY-4.0"}
    assert values(store, water, OWL.sameAs) == {"https://doi.org/10.5555/water.1"}
    # "ind" titled "Industry" is no country; "ken" titled "Kenya" is
    assert values(store, water, DCTERMS.spatial) == {
        "http://publications.europa.eu/resource/authority/country/KEN"}
    assert values(store, water, DCTERMS.issued) == {"2021-03-01T10:00:00.123456"}
    health = "https://demo.ckan.org/dataset/health-sites"
    assert values(store, f"{health}/distribution/1", DCAT.accessURL) == {
        "https://example.org/health%20sites.geojson"}
    assert values(store, f"{health}/distribution/0", DCAT.accessURL) == set()
    data = out.writer.data().decode()
    assert "Jane Roe" not in data and not EMAIL.search(data)
    assert "[contact name removed]" in data  # the notes named the maintainer


def test_catalogue_adopts_the_portal_on_page_one() -> None:
    iris = IRIs()
    graph = iris.catalogue_graph("demo")
    out = CatalogueOut(iris, graph, f"{graph}/catalog", adopt_catalogue=True)
    body = (FIXTURES / "catalogues/ckan-bad-page.json").read_bytes()
    KIND.map_page(Page("https://demo.ckan.org/api/3/action/package_search?rows=4&start=0", 1,
                       body, "application/json"), out)
    assert out.catalogue == "https://demo.ckan.org"
    assert "<https://demo.ckan.org> <http://www.w3.org/ns/dcat#dataset> " in \
        out.writer.data().decode()


def test_success_false_is_an_unusable_page() -> None:
    with pytest.raises(ValueError, match=r"success: false.*Access denied"):
        harvest(FIXTURES / "catalogues/ckan-error.json")


def test_not_json_is_an_unusable_page(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"success": true, "result": ')
    with pytest.raises(ValueError, match="not JSON"):
        harvest(bad)


# -- paging -------------------------------------------------------------------------------
def page(url: str, count_: int, results: int) -> Page:
    body = {"success": True, "result": {"count": count_, "results": [{}] * results}}
    return Page(url, 1, json.dumps(body).encode(), "application/json")


def test_first_url_forms(tmp_path: Path) -> None:
    assert KIND.first_url("https://data.humdata.org/", 100) == \
        f"{SEARCH}?rows=100&start=0"
    assert KIND.first_url(f"{SEARCH}?q=water&fq=organization:unesco&rows=5", 50) == \
        f"{SEARCH}?q=water&fq=organization%3Aunesco&rows=50&start=0"
    local = tmp_path / "search.json"
    assert KIND.first_url(str(local), 10) == local.resolve().as_uri()
    assert portal_of(f"{SEARCH}?rows=1") == HDX
    assert portal_of("https://x.org/ckan/api/action/package_show?id=a") == "https://x.org/ckan"


def test_next_url_arithmetic() -> None:
    url = f"{SEARCH}?q=water&rows=10&start=0"
    assert KIND.next_url(page(url, 25, 10), 10, 10) == f"{SEARCH}?q=water&rows=10&start=10"
    assert KIND.next_url(page(f"{SEARCH}?q=water&rows=10&start=10", 25, 10), 10, 10) == \
        f"{SEARCH}?q=water&rows=10&start=20"
    assert KIND.next_url(page(f"{SEARCH}?rows=10&start=20", 25, 5), 5, 10) is None
    assert KIND.next_url(page(f"{SEARCH}?rows=10&start=0", 10, 10), 10, 10) is None  # exact
    assert KIND.next_url(page(f"{SEARCH}?rows=10&start=0", 0, 0), 0, 10) is None
    # a portal capping rows (ckan.search.rows_max) answers fewer: step by what came
    assert KIND.next_url(page(f"{SEARCH}?rows=5000&start=0", 2500, 1000), 1000, 5000) == \
        f"{SEARCH}?rows=5000&start=1000"
    # no rows in the URL: the harvester's page size
    assert KIND.next_url(page(f"{SEARCH}?start=0", 30, 20), 20, 20) == f"{SEARCH}?start=20"
    # local files and failed responses end paging
    assert KIND.next_url(page("file:///tmp/search.json", 30, 10), 10, 10) is None
    err = Page(url, 1, b'{"success": false, "error": {}}', "application/json")
    assert KIND.next_url(err, 0, 10) is None
