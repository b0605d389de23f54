"""The ``dcat`` source kind: parsing, counts against the samples' PROVENANCE.md, Hydra links,
skolemised blank nodes, the dcat:Catalogue misspelling, offline JSON-LD contexts, sniffing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dpgkg.catalogues.dcat import ContextResolver, DcatKind
from dpgkg.catalogues.kinds import CatalogueOut, Page
from dpgkg.config import Settings
from dpgkg.namespaces import IRIs
from dpgkg.rdfterms import QuadWriter
from tests.conftest import FIXTURES, _need, shared_data

OWN = FIXTURES / "catalogues"
RDF_SUFFIXES = (".rdf", ".ttl", ".jsonld", ".nt")


def provenance_rows() -> list[tuple[str, int | None]]:
    """(path, dcat:Dataset count or None for 'does not parse') of the DCAT sample files."""
    base = shared_data()
    if base is None or not (base / "catalogues" / "PROVENANCE.md").is_file():
        return []
    rows: list[tuple[str, int | None]] = []
    for line in (base / "catalogues" / "PROVENANCE.md").read_text().splitlines():
        m = re.match(r"\| `([^`]+)` \| [^|]+ \| [^|]+ \| ([^|]+) \|", line)
        if not m or not m.group(1).endswith(RDF_SUFFIXES):
            continue
        path, content = m.groups()
        if "context" in content or "shacl" in path or path.startswith(
                ("eu-vocabularies", "schemaorg-dataset")):
            continue  # contexts, shapes, SKOS and schema.org are not DCAT catalogues
        if "DOES NOT PARSE" in content:
            rows.append((path, None))
        else:
            n = re.search(r"(\d+) dcat:Dataset\b", content)
            rows.append((path, int(n.group(1)) if n else 0))
    return rows


def out_for(name: str = "t") -> CatalogueOut:
    iris = IRIs()
    graph = iris.catalogue_graph(name)
    return CatalogueOut(iris, graph, f"{graph}/catalog", writer=QuadWriter(graph),
                        adopt_catalogue=True)


def page_of(path: Path, url: str | None = None, ctype: str = "") -> Page:
    return Page(url or path.resolve().as_uri(), 1, path.read_bytes(), ctype)


def kind() -> DcatKind:
    return DcatKind(ContextResolver(Settings.from_env()))


ROWS = provenance_rows()


def test_provenance_table_is_read() -> None:
    if not ROWS:
        pytest.skip("real data catalogues/PROVENANCE.md not available")
    assert len(ROWS) > 60
    assert ("ckanext-dcat/examples/dcat/catalog.rdf", 2) in ROWS
    assert ("ckanext-dcat/examples/dcat/dataset.ttl", None) in ROWS


@pytest.mark.parametrize(("rel", "expected"), ROWS or [("(none)", 0)],
                         ids=[r[0] for r in ROWS] or ["no-shared-data"])
def test_dataset_counts_match_provenance(rel: str, expected: int | None) -> None:
    path = _need(f"catalogues/{rel}")
    out = out_for()
    k = kind()
    if expected is None:  # broken upstream: a clear error, never a crash
        with pytest.raises(ValueError, match="not valid"):
            k.map_page(page_of(path), out)
        return
    assert k.map_page(page_of(path), out) == expected
    assert out.datasets == expected


def test_distributions_and_services_kept() -> None:
    path = _need("catalogues/ckanext-dcat/examples/dcat/dataset.rdf")
    out = out_for()
    kind().map_page(page_of(path), out)
    text = "".join(out.writer.lines)
    assert text.count("<http://www.w3.org/ns/dcat#Distribution> ") == 1
    assert "<http://www.w3.org/ns/dcat#DataService>" in text
    assert "_:" not in text  # blank nodes are skolemised under the graph
    assert f"<{out.graph}/.well-known/genid/p1b0>" in text


@pytest.mark.parametrize(("name", "expected"), [
    ("paging_both_next_and_nextPage.rdf", "http://example.com/catalog.xml?page=next"),
    ("paging_deprecated_nextPage_only.rdf", "http://example.com/catalog.xml?page=2"),
    ("paging_hydra_next_only.rdf", "http://example.com/catalog.xml?page=2"),
    ("paging_PartialCollectionView.rdf", "http://example.com/catalog.xml?page=2"),
    ("harvest_page1_nextPage.rdf", "http://some.dcat.file.pagination.rdf/page/2"),
    ("harvest_page2_last.rdf", None),
])
def test_hydra_next_links(name: str, expected: str | None) -> None:
    path = _need(f"catalogues/ckanext-dcat/hydra_paging/{name}")
    k = kind()
    page = page_of(path)
    out = out_for()
    k.map_page(page, out)
    assert k.next_url(page, 0, 100) == expected
    assert "hydra" not in "".join(out.writer.lines)  # paging triples are dropped


def test_relative_next_resolved_against_the_page_url() -> None:
    page = page_of(OWN / "paged" / "page1.ttl", "http://host/cat?page=1", "text/turtle")
    k = kind()
    out = out_for()
    assert k.map_page(page, out) == 2
    assert k.next_url(page, 2, 100) == "http://host/cat?page=2"
    # The source's catalogue is adopted as the harvest's catalogue.
    assert out.catalogue == "https://example.org/catalog"
    last = page_of(OWN / "paged" / "page3.ttl", "http://host/cat?page=3", "text/turtle")
    assert k.next_url(last, 2, 100) is None


def test_misspelt_catalogue_flagged_and_typed_catalog() -> None:
    out = out_for()
    page = page_of(OWN / "misspelt.ttl")
    assert kind().map_page(page, out) == 1
    text = "".join(out.writer.lines)
    assert ("<https://example.org/cat> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<http://www.w3.org/ns/dcat#Catalog>") in text
    assert "<http://www.w3.org/ns/dcat#Catalogue>" in text  # the source triple is kept
    [problem] = out.problems
    assert "dcat:Catalogue" in problem.reason and problem.severity == "warning"
    # The blank-node dataset is listed by the catalogue (skolem IRI, no blank node).
    assert "<https://example.org/cat> <http://www.w3.org/ns/dcat#dataset> <" in text


def test_unresolvable_context_reported_not_fetched(tmp_path: Path) -> None:
    resolver = ContextResolver(Settings(cache=tmp_path))
    with pytest.raises(ValueError, match=r"no-such-context\.jsonld is not available locally"):
        DcatKind(resolver).map_page(page_of(OWN / "remote-context.jsonld"), out_for())


def test_dcat_ap_context_resolved_from_local_copy() -> None:
    path = _need("catalogues/dcat-ap/3.0.1/examples/example-bee-population-dataset-series-"
                 "combined.jsonld")
    out = out_for()
    assert kind().map_page(page_of(path), out) == 4


def test_context_from_cache_folder(tmp_path: Path) -> None:
    contexts = tmp_path / "jsonld-contexts"
    contexts.mkdir()
    (contexts / "no-such-context.jsonld").write_text(
        '{"@context": {"@vocab": "http://www.w3.org/ns/dcat#", '
        '"title": "http://purl.org/dc/terms/title"}}')
    k = DcatKind(ContextResolver(Settings(cache=tmp_path, shared_data=tmp_path)))
    assert k.map_page(page_of(OWN / "remote-context.jsonld"), out_for()) == 1


def test_invalid_syntax_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not valid Turtle"):
        kind().map_page(page_of(OWN / "broken.ttl"), out_for())


def test_sniff() -> None:
    k = kind()
    assert k.sniff("http://x/c", "text/turtle", b"@prefix")
    assert k.sniff("file:///x/c.rdf", "", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                   b'22-rdf-syntax-ns#">')
    assert not k.sniff("http://x/", "text/html", b"<html>")
    assert k.sniff("http://x/c.jsonld", "application/ld+json",
                   b'{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}}')
    pod = b'{"@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"}'
    assert not k.sniff("http://x/data.json", "application/json", pod)
    assert not k.sniff("http://x/d.jsonld", "application/ld+json",
                       b'{"@context": "https://schema.org/", "@type": "Dataset"}')
