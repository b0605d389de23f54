"""``dpgkg harvest`` end to end: samples served over loopback HTTP (paging, failures, resume),
local folders, the store graph with its PROV, atomic re-harvest, and the command's exits."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dpgkg.catalogues.harvest import HarvestError, default_name, harvest
from dpgkg.catalogues.harvest_cli import harvest_cmd
from dpgkg.config import HarvestSettings, Settings
from dpgkg.store import OxigraphStore
from tests.catalogue_server import CatalogueServer, Route
from tests.conftest import FIXTURES, _need
from tests.test_harvest_dcat import ROWS

PAGED = FIXTURES / "catalogues" / "paged"
TYPES = {".rdf": "application/rdf+xml", ".ttl": "text/turtle",
         ".jsonld": "application/ld+json", ".nt": "application/n-triples"}
Q_COUNT = ("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ GRAPH <{g}> {{ ?d a <{c}> }} }}")
DCAT = "http://www.w3.org/ns/dcat#"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store", cache=tmp_path / "cache",
                    harvest=HarvestSettings(timeout=0.5, retries=1, backoff=0.01))


def serve_file(server: CatalogueServer, path: Path, route: str) -> str:
    return server.add(route, body=path.read_bytes(), content_type=TYPES[path.suffix])


def count(settings: Settings, graph: str, cls: str = DCAT + "Dataset") -> int:
    rows = OxigraphStore(settings.store).query(Q_COUNT.format(g=graph, c=cls))
    return int(next(iter(rows))[0].value)  # type: ignore[call-overload]


def prov(settings: Settings, graph: str) -> dict[str, int]:
    q = (f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ <{graph}> ?p ?o "
         "FILTER(STRENDS(STR(?p), 'Count')) } }")
    return {p.value.rsplit("#", 1)[1]: int(o.value)
            for p, o in OxigraphStore(settings.store).query(q)}  # type: ignore[attr-defined]


def serve_paged(server: CatalogueServer, **page2: object) -> str:
    """The own 3-page fixture at /cat?page=N (relative hydra:next links)."""
    for n in (1, 2, 3):
        route = Route(body=(PAGED / f"page{n}.ttl").read_bytes(), content_type="text/turtle")
        if n == 2:
            for k, v in page2.items():
                setattr(route, k, v)
        server.add(f"/cat?page={n}", route)
    return f"{server.url}/cat?page=1"


def test_paged_catalogue_harvested_with_prov(server: CatalogueServer,
                                             settings: Settings) -> None:
    calls: list[tuple[int, int]] = []
    report = harvest(serve_paged(server), settings, name="paged",
                     progress=lambda p, d: calls.append((p, d)))
    assert (report.pages, report.datasets, report.distributions) == (3, 6, 3)
    assert report.complete and not report.problems and report.kind == "dcat"
    assert calls == [(1, 2), (2, 4), (3, 6)]
    assert count(settings, report.graph) == 6
    assert prov(settings, report.graph) == {"pageCount": 3, "datasetCount": 6,
                                            "distributionCount": 3, "problemCount": 0}
    assert not (settings.cache / "harvest" / "paged").exists()  # completed: cache cleared


def test_hydra_paging_pair_follows_next_page(server: CatalogueServer,
                                             settings: Settings) -> None:
    folder = _need("catalogues/ckanext-dcat/hydra_paging")
    base = "http://some.dcat.file.pagination.rdf/page/"
    for n, name in ((1, "harvest_page1_nextPage.rdf"), (2, "harvest_page2_last.rdf")):
        body = (folder / name).read_bytes().replace(base.encode(),
                                                    f"{server.url}/page/".encode())
        server.add(f"/page/{n}", body=body, content_type="application/rdf+xml")
    report = harvest(f"{server.url}/page/1", settings, kind="dcat", name="hydra")
    assert (report.pages, report.datasets) == (2, 4) and report.complete
    assert count(settings, report.graph) == 4
    assert count(settings, report.graph, DCAT + "Catalog") == 1


@pytest.mark.parametrize(("rel", "expected"), [r for r in ROWS if r[1] is not None]
                         or [("(none)", 0)])
def test_each_sample_served_over_http(server: CatalogueServer, settings: Settings,
                                      rel: str, expected: int) -> None:
    path = _need(f"catalogues/{rel}")
    url = serve_file(server, path, "/" + path.name)
    try:
        report = harvest(url, settings, name="sample")
    except HarvestError:
        assert expected == 0  # e.g. a file of only a licence mapping: nothing to keep
        return
    assert report.datasets == expected, report.problems
    assert count(settings, report.graph) == expected
    assert count(settings, report.graph, DCAT + "Catalog") >= 1  # own or minted


def test_broken_upstream_files_reported_rest_harvested(settings: Settings) -> None:
    folder = _need("catalogues/ckanext-dcat/examples/dcat")
    report = harvest(str(folder), settings, kind="dcat", name="ckanext")
    [problem] = report.errors
    assert problem.url.endswith("/dataset.ttl") and "healthdcatap" in problem.reason
    # 16 datasets in the 14 good files (PROVENANCE.md), 13 distinct IRIs: catalog.rdf and
    # catalog_datasets_list.rdf list the same two, and two health examples the same one.
    assert report.pages == 15 and report.datasets == 13
    assert count(settings, report.graph) == 13


def test_broken_dcat_ap_turtle_reported(settings: Settings) -> None:
    folder = _need("catalogues/dcat-ap/3.0.1/examples")
    report = harvest(str(folder), settings, kind="dcat", name="bees")
    bad = sorted(Path(p.url).name for p in report.errors)
    assert "example-bee-population-dataset-series-api.ttl" in bad
    assert "example-bee-population-dataset-series-combined.ttl" in bad
    assert report.datasets > 0 and report.written


def test_server_error_mid_paging_keeps_pages_then_resumes(server: CatalogueServer,
                                                          settings: Settings) -> None:
    url = serve_paged(server, fail_first=2)  # the first run's request and its one retry
    first = harvest(url, settings, name="resume")
    assert not first.complete and first.pages == 1 and first.datasets == 2
    assert "500" in first.errors[0].reason
    assert count(settings, first.graph) == 2  # the pages so far are loaded
    assert (settings.cache / "harvest" / "resume" / "state.json").is_file()
    second = harvest(url, settings, name="resume")
    assert second.complete and second.resumed == 1 and second.datasets == 6
    assert server.hits["/cat?page=1"] == 1  # page 1 came from the cache
    assert count(settings, second.graph) == 6


def test_partial_reharvest_keeps_a_fuller_graph(server: CatalogueServer,
                                                settings: Settings) -> None:
    url = serve_paged(server)
    assert harvest(url, settings, name="keep").complete
    server.routes["/cat?page=2"].fail_first = 99  # the portal breaks on page 2 from now on
    again = harvest(url, settings, name="keep")
    assert not again.complete and not again.written
    assert "is kept" in again.problems[-1].reason and again.problems[-1].severity == "warning"
    assert count(settings, again.graph) == 6  # the 3-page harvest is still there


def test_restart_ignores_the_cache(server: CatalogueServer, settings: Settings) -> None:
    url = serve_paged(server, fail_first=2)
    harvest(url, settings, name="r")
    report = harvest(url, settings, name="r", resume=False)
    assert report.resumed == 0 and report.complete and server.hits["/cat?page=1"] == 2


def test_stall_mid_paging_is_reported(server: CatalogueServer, settings: Settings) -> None:
    report = harvest(serve_paged(server, stall=3.0), settings, name="stall")
    assert not report.complete and report.pages == 1
    assert "no answer within 0.5 s" in report.errors[0].reason


def test_wrong_type_and_oversized_pages_refused(server: CatalogueServer,
                                                settings: Settings) -> None:
    url = serve_paged(server, content_type="text/html")
    report = harvest(url, settings, kind="dcat", name="html")
    assert "unexpected media type text/html" in report.errors[0].reason
    big = (PAGED / "page2.ttl").read_bytes() + b"#" * 5000 + b"\n"
    url = serve_paged(server, body=big)
    small = Settings(store=settings.store, cache=settings.cache,
                     harvest=HarvestSettings(max_bytes=2000, retries=0))
    report = harvest(url, small, kind="dcat", name="big")
    assert report.pages == 1 and "2000-byte limit" in report.errors[0].reason


def test_reharvest_replaces_the_graph_atomically(server: CatalogueServer,
                                                 settings: Settings) -> None:
    harvest(serve_paged(server), settings, name="keep")
    def one(*numbers: int) -> bytes:
        return "".join(f'<https://example.org/dataset/{n}> a <{DCAT}Dataset> ; '
                       f'<http://purl.org/dc/terms/title> "Dataset {n}" .\n'
                       for n in numbers).encode()

    url = server.add("/one.ttl", body=one(1, 2))
    first = harvest(url, settings, name="swap")
    assert count(settings, first.graph) == 2 and first.complete
    server.routes["/one.ttl"] = Route(body=one(5, 6))
    second = harvest(url, settings, name="swap")
    store = OxigraphStore(settings.store)
    titles = {r[0].value for r in store.query(  # type: ignore[attr-defined]
        f"SELECT ?t WHERE {{ GRAPH <{second.graph}> {{ ?d a <{DCAT}Dataset> ; "
        "<http://purl.org/dc/terms/title> ?t } }")}
    assert titles == {"Dataset 5", "Dataset 6"}  # nothing of the first harvest is left
    assert count(settings, IRIs_graph(settings, "keep")) == 6  # other graphs untouched


def IRIs_graph(settings: Settings, name: str) -> str:
    from dpgkg.namespaces import IRIs

    return IRIs(settings.base_iri).catalogue_graph(name)


def test_paging_loop_is_stopped(server: CatalogueServer, settings: Settings) -> None:
    body = (PAGED / "page1.ttl").read_bytes().replace(b"<?page=2>", b"<?page=1>")
    server.add("/cat?page=1", body=body)
    report = harvest(f"{server.url}/cat?page=1", settings, name="loop")
    assert report.pages == 1 and "loops back" in report.errors[0].reason


def test_default_name() -> None:
    assert default_name("https://data.example.org/catalog.ttl?x=1") == \
        "data-example-org-catalog-ttl"
    assert default_name("/tmp/some/Folder") == "some-folder"


def test_cli_exit_codes(server: CatalogueServer, settings: Settings) -> None:
    runner = CliRunner()
    env = {"DPGKG_CACHE": str(settings.cache)}
    ok = runner.invoke(harvest_cmd, [serve_paged(server), "--name", "cli", "--store",
                                     str(settings.store), "-q"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "harvested 6 datasets" in ok.output and "complete" in ok.output
    folder = FIXTURES / "catalogues"
    some = runner.invoke(harvest_cmd, [str(folder), "--kind", "dcat", "--name", "own",
                                       "--store", str(settings.store)], env=env)
    assert some.exit_code == 1, some.output
    assert "error: file://" in some.output and "broken.ttl: (page): not valid Turtle" in \
        some.output
    assert "warning: " in some.output and "dcat:Catalogue" in some.output
    none = runner.invoke(harvest_cmd, [str(folder / "missing"), "--store",
                                       str(settings.store)], env=env)
    assert none.exit_code == 2 and "no such file or folder" in none.output
    html = server.add("/home", body=b"<html></html>", content_type="text/html")
    bad = runner.invoke(harvest_cmd, [html, "--store", str(settings.store)], env=env)
    assert bad.exit_code == 2 and "text/html" in bad.output
    name = runner.invoke(harvest_cmd, [str(folder), "--name", "Bad Name"], env=env)
    assert name.exit_code == 2 and "bad --name" in name.output
