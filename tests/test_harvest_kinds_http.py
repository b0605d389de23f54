"""Each of the four source kinds harvested from a local HTTP server into its own graph, with
the dataset counts of the shared data's PROVENANCE.md (CKAN paged by rows/start)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dpgkg.catalogues.harvest import harvest
from dpgkg.config import HarvestSettings, Settings
from dpgkg.namespaces import IRIs
from dpgkg.store import OxigraphStore
from tests.catalogue_server import CatalogueServer
from tests.conftest import _need
from tests.test_harvest import count


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", cache=tmp_path / "cache",
                    harvest=HarvestSettings(timeout=5, retries=1, backoff=0.01))


def serve_ckan_pages(server: CatalogueServer, search: dict[str, object], rows: int) -> str:
    """HDX's package_search answer re-served as a paged CKAN Action API (rows/start)."""
    results: list[object] = search["results"]  # type: ignore[assignment]
    for start in range(0, len(results), rows):
        page = {"success": True, "result": {"count": len(results),
                                            "results": results[start:start + rows]}}
        server.add(f"/api/3/action/package_search?rows={rows}&start={start}",
                   body=json.dumps(page).encode(), content_type="application/json")
    return f"{server.url}/"


def test_four_kinds_each_into_its_own_graph(server: CatalogueServer,
                                            settings: Settings) -> None:
    base = _need("catalogues")
    search = json.loads((base / "hdx" / "dataset_search_results.json").read_text())
    sources = {
        "hdx": (serve_ckan_pages(server, search, rows=4), "auto", 10, 3),
        "arm": (server.add("/data.json", body=(base / "datagov-pod" / "samples" /
                                                "arm.data.json").read_bytes(),
                           content_type="application/json"), "auto", 3, 1),
        "so": (server.add("/full.jsonld", body=(base / "schemaorg-dataset" / "dataset" /
                                                "full.jsonld").read_bytes(),
                          content_type="application/ld+json"), "schemaorg", 1, 1),
        "ckanext": (server.add("/catalog.rdf", body=(base / "ckanext-dcat" / "examples" /
                                                      "dcat" / "catalog.rdf").read_bytes(),
                               content_type="application/rdf+xml"), "auto", 2, 1),
    }
    for name, (url, kind, expected, pages) in sources.items():
        report = harvest(url, settings, kind=kind, name=name, page_size=4)
        assert report.datasets == expected, (name, report.problems)
        assert report.pages == pages, name
        assert count(settings, IRIs().catalogue_graph(name)) == expected
    graphs = set(OxigraphStore(settings.store).named_graphs())
    assert {IRIs().catalogue_graph(n) for n in sources} <= graphs
