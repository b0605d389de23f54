"""The schema.org Dataset kind: the ESIP samples mapped to DCAT with the local schema.org
context (never fetched) and without it, DOIs, organisations kept, persons dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.catalogues.schemaorg import KIND, SchemaOrgKind
from dpgkg.namespaces import ADMS, DCAT, DCTERMS, FOAF, OWL
from tests.conftest import FIXTURES, _need
from tests.kind_helpers import count, map_file, values

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SAMPLES = {  # PROVENANCE.md: schema:Dataset nodes; and distributions (DataDownload)
    "dataset/full.jsonld": (1, 1),
    "dataset/minimal.jsonld": (1, 0),
    "dataset/temporalCoverage.jsonld": (7, 0),
    "dataset/variableMeasured-gridDataset-altVersion.jsonld": (1, 0),
    "dataset/variableMeasured-gridDataset.jsonld": (1, 0),
    "dataset/variableMeasured_AstroMaterials_analysis.jsonld": (1, 0),
    "dataset/variableMeasured_LarvalKrill.jsonld": (1, 1),
    "dataset/variableMeasured_NGDSBoreholeTemperature.jsonld": (1, 0),
    "dataset/variableMeasured_USGS-NWIS_surfaceWater.jsonld": (1, 0),
}
DIRECT = SchemaOrgKind(context="/nonexistent/schemaorg-context")


def harvest(path: Path, kind: SchemaOrgKind = KIND, adopt: bool = False
            ) -> tuple[int, ox.Store, CatalogueOut]:
    return map_file(kind, path, "so", adopt=adopt)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema.org context must come from the local copy: any fetch fails the test."""
    import urllib.request

    import rdflib.parser

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access: {args}")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(rdflib.parser, "_urlopen", refuse)  # what rdflib fetches contexts with


@pytest.mark.realdata
@pytest.mark.parametrize("kind", [KIND, DIRECT], ids=["json-ld", "direct"])
@pytest.mark.parametrize("rel", sorted(SAMPLES))
def test_samples_counts(rel: str, kind: SchemaOrgKind) -> None:
    _need("catalogues/schemaorg-dataset/context")
    n, store, out = harvest(_need(f"catalogues/schemaorg-dataset/{rel}"), kind)
    assert (n, count(store, DCAT.Distribution)) == SAMPLES[rel]
    assert n == count(store, DCAT.Dataset) == len(values(store, out.catalogue, DCAT.dataset))
    assert not out.problems
    assert not EMAIL.search(out.writer.data().decode())


@pytest.mark.realdata
def test_expansion_mode() -> None:
    _need("catalogues/schemaorg-dataset/context")
    assert KIND.expansion == "json-ld"
    assert DIRECT.expansion == "direct"


@pytest.mark.realdata
@pytest.mark.parametrize("kind", [KIND, DIRECT], ids=["json-ld", "direct"])
def test_full_dataset_fields(kind: SchemaOrgKind) -> None:
    _, store, out = harvest(_need("catalogues/schemaorg-dataset/dataset/full.jsonld"), kind)
    ds = "http://lod.example-data-repository.org/id/dataset/3300"
    assert next(iter(values(store, ds, DCTERMS.title))).startswith("Larval krill studies")
    assert {"OCEANS", "ice core studies", "Baked Clay"} == values(store, ds, DCAT.keyword)
    assert values(store, ds, OWL.sameAs) == {"https://doi.org/10.1234/1234567890"}
    assert values(store, ds, DCTERMS.identifier) == {"doi:10.1234/1234567890"}
    assert len(values(store, ds, ADMS.identifier)) == 1
    assert values(store, ds, DCAT.landingPage) == {
        "https://www.example-data-repository.org/dataset/3300"}
    publisher = next(iter(values(store, ds, DCTERMS.publisher)))
    assert values(store, publisher, FOAF.name) == {"Example Data Repository"}
    assert values(store, ds, DCTERMS.license) == {"https://creativecommons.org/licenses/by/4.0/"}
    assert values(store, ds, DCTERMS.issued) == {"2010-02-03"}
    assert len(values(store, ds, DCTERMS.temporal)) == 1
    assert len(values(store, ds, DCTERMS.spatial)) == 1
    dist = next(iter(values(store, ds, DCAT.distribution)))
    assert values(store, dist, DCAT.downloadURL) == {
        "https://www.example-data-repository.org/dataset/3300/data/larval-krill.tsv"}
    assert values(store, dist, DCAT.mediaType) == {
        "https://www.iana.org/assignments/media-types/text/tab-separated-values"}
    data = out.writer.data().decode()
    assert "Langdon Quetin" not in data and "Robin Ross" not in data  # Person creators
    assert values(store, ds, DCTERMS.creator) == set()


@pytest.mark.realdata
@pytest.mark.parametrize("kind", [KIND, DIRECT], ids=["json-ld", "direct"])
def test_minimal_spdx_licence_and_keywords(kind: SchemaOrgKind) -> None:
    _, store, _ = harvest(_need("catalogues/schemaorg-dataset/dataset/minimal.jsonld"), kind)
    ds = "https://example.org/datasets/1234567890"
    assert values(store, ds, DCTERMS.license) == {"http://spdx.org/licenses/CC-BY-4.0"}
    assert values(store, ds, DCAT.keyword) == {"ocean acidification", "OA", "oceans"}
    assert values(store, ds, OWL.sameAs) == {"https://doi.org/10.1234/1234567890"}


@pytest.mark.realdata
@pytest.mark.parametrize("rel", ["data-repository/full.jsonld", "data-repository/minimal.jsonld",
                                 "context/schemaorgcontext.jsonld"])
def test_pages_without_datasets_are_unusable(rel: str) -> None:
    with pytest.raises(ValueError, match=r"no schema\.org Dataset"):
        harvest(_need(f"catalogues/schemaorg-dataset/{rel}"))


@pytest.mark.realdata
def test_broken_upstream_croissant_is_reported_not_fatal() -> None:
    path = _need("catalogues/ckanext-dcat/examples/croissant/full_croissant_dataset.jsonld")
    with pytest.raises(ValueError, match=r"not JSON: .* line 78"):
        harvest(path)


@pytest.mark.realdata
def test_sniff_samples() -> None:
    for rel in SAMPLES:
        head = _need(f"catalogues/schemaorg-dataset/{rel}").read_bytes()[:65536]
        assert KIND.sniff("file:///x.jsonld", "", head), rel
    pod = _need("catalogues/datagov-pod/samples/ny.data.json").read_bytes()
    assert not KIND.sniff("file:///ny.data.json", "", pod)


@pytest.mark.parametrize("kind", [KIND, DIRECT], ids=["json-ld", "direct"])
def test_person_creator_with_email_is_dropped(kind: SchemaOrgKind) -> None:
    n, store, out = harvest(FIXTURES / "catalogues/schemaorg-person-creator.jsonld", kind)
    assert n == 1
    ds = next(iter(values(store, out.catalogue, DCAT.dataset)))
    assert values(store, ds, OWL.sameAs) == {"https://doi.org/10.5555/soil.7"}
    assert values(store, ds, DCAT.keyword) == {"soil", "moisture", "Kenya"}
    creator = values(store, ds, DCTERMS.creator)
    assert {n for c in creator for n in values(store, c, FOAF.name)} == {"Rift Soil Lab"}
    data = out.writer.data().decode()
    assert "Ada Example" not in data and not EMAIL.search(data)
    assert "[contact name removed]" in data
    assert [(p.pointer, p.reason) for p in out.problems] == [
        ("/distribution/1/contentUrl", "not a URL")]
    assert count(store, DCAT.Distribution) == 2
    assert values(store, "https://repo.example.edu", DCAT.dataset) == {ds}


@pytest.mark.parametrize("kind", [KIND, DIRECT], ids=["json-ld", "direct"])
def test_html_data_catalogue(kind: SchemaOrgKind) -> None:
    n, store, out = harvest(FIXTURES / "catalogues/schemaorg-catalog.html", kind, adopt=True)
    assert n == 2
    assert out.catalogue == "https://data.example.org/"
    assert values(store, out.catalogue, DCTERMS.title) == {"Example Open Data"}
    assert values(store, "https://data.example.org/d/1", OWL.sameAs) == {
        "https://doi.org/10.5555/roads"}
    assert "Sam Sample" not in out.writer.data().decode()
    assert [p.pointer for p in out.problems] == ["script[1]"]  # the broken block only


def test_other_remote_context_is_read_directly_never_fetched(tmp_path: Path) -> None:
    doc = tmp_path / "remote.jsonld"
    doc.write_text('{"@context": ["https://schema.org/", "https://example.org/ctx.jsonld"], '
                   '"@type": "Dataset", "@id": "https://example.org/d/9", "name": "Nine", '
                   '"keywords": ["a", "b"]}')
    n, store, _ = harvest(doc)
    assert n == 1
    assert values(store, "https://example.org/d/9", DCTERMS.title) == {"Nine"}


def test_paging_and_first_url(tmp_path: Path) -> None:
    page = Page("https://x.org/d.jsonld", 1, b"{}", "application/ld+json")
    assert KIND.next_url(page, 1, 10) is None
    assert KIND.first_url("https://x.org/d", 10) == "https://x.org/d"
    assert KIND.first_url(str(tmp_path / "d.jsonld"), 10) == (tmp_path / "d.jsonld").as_uri()
