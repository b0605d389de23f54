"""Mapping records to RDF: IRIs, normalised links, and as-declared values kept."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dpgkg.build import map_registry
from dpgkg.namespaces import PREFIXES, IRIs
from dpgkg.registry.mapping import slug
from dpgkg.registry.reader import read_registry
from tests.conftest import FIXTURES

BASE = "https://w3id.org/dpgkg/"


@pytest.fixture(scope="module")
def graph() -> ox.Store:
    batch = read_registry(FIXTURES / "registry")
    out, _ = map_registry(batch, IRIs(), IRIs().graph("registry"))
    store = ox.Store()
    store.bulk_load(out.data(), ox.RdfFormat.N_QUADS)
    return store


def ask(store: ox.Store, body: str) -> bool:
    return bool(store.query(f"ASK {{ {body} }}", prefixes=PREFIXES,
                            use_default_graph_as_union=True))


def values(store: ox.Store, sparql: str) -> list[str]:
    return sorted(row[0].value for row in store.query(
        sparql, prefixes=PREFIXES, use_default_graph_as_union=True))


REC = f"<{BASE}id/dpg/open-clinic>"


def test_record_iri_types_and_status(graph: ox.Store) -> None:
    assert ask(graph, f"{REC} a dpg:DigitalProduct, dpg:OpenSourceSoftware, dpg:OpenContent ;"
                      f" dpg:recognitionStatus dpg:StatusDPG ; dcterms:identifier 'open-clinic'")
    assert ask(graph, f"<{BASE}id/dpg/rain-atlas> a dpg:OpenData ;"
                      " dpg:recognitionStatus dpg:StatusNominee")


def test_sdgs_link_to_un_iris_with_evidence(graph: ox.Store) -> None:
    assert values(graph, f"SELECT ?g {{ {REC} dpg:relevantToSDG ?g }}") == [
        "http://metadata.un.org/sdg/10", "http://metadata.un.org/sdg/3"]
    # Prose in an evidence URL field: both IRIs extracted, the text kept.
    assert values(graph, f"SELECT ?u {{ {REC} dpg:sdgRelevance ?r . ?r dpg:sdg sdg:10 ;"
                         " dpg:evidenceURL ?u }") == ["https://example.org/a",
                                                     "https://example.org/b"]
    assert ask(graph, f"{REC} dpg:sdgRelevance [ dpg:sdg sdg:10 ;"
                      " dpg:evidenceURLText 'See https://example.org/a, https://example.org/b' ]")


def test_licences_normalised_to_spdx_and_declared_id_kept(graph: ox.Store) -> None:
    lic = f"<{BASE}id/license/GPL-3.0-only>"
    assert ask(graph, f"{REC} dcterms:license {lic} . {lic} dpg:spdxId 'GPL-3.0-only' ;"
                      " dpg:spdxLicense <http://spdx.org/licenses/GPL-3.0-only>")
    assert ask(graph, f"{REC} dpg:licenseDeclaration [ dpg:declaredLicenseId 'GPL-3.0' ;"
                      " schema:position 1 ]")


def test_countries_resolved_deduplicated_and_unknown_kept(graph: ox.Store) -> None:
    assert values(graph, f"SELECT ?a {{ {REC} dpg:deploymentCountry/dpg:alpha3 ?a }}") == [
        "CZE", "KEN"]
    assert values(graph, f"SELECT ?t {{ {REC} dpg:deploymentCountryText ?t }}") == ["Atlantis"]
    assert values(graph, f"SELECT ?a {{ {REC} dpg:developmentCountry/dpg:alpha3 ?a }}") == [
        "NOR", "VNM"]
    assert ask(graph, f"<{BASE}id/country/KEN> skos:exactMatch "
                      "<http://publications.europa.eu/resource/authority/country/KEN>")


def test_organisations_shared_with_roles(graph: ox.Store) -> None:
    org = f"<{BASE}id/organization/{slug('Open Clinic Foundation')}>"
    assert ask(graph, f"{REC} dpg:owner {org} . <{BASE}id/dpg/rain-atlas> dpg:maintainer {org}")
    assert ask(graph, f"{org} a dpg:Organization ; rdfs:label 'Open Clinic Foundation'")
    # Each record's declared website is kept on its role, not merged into the organisation.
    assert values(graph, f"SELECT ?w {{ ?r dpg:organization {org} ; dpg:website ?w }}") == [
        "https://open-clinic.example.org", "https://open-clinic.example.org/foundation"]


def test_screening_answers_and_ordered_lists(graph: ox.Store) -> None:
    scr = f"<{BASE}id/dpg/open-clinic/screening>"
    assert ask(graph, f"{REC} dpg:screening {scr} . {scr} dpg:isPrivacyCompliant dpg:Yes ;"
                      " dpg:userInteraction dpg:No ; rdfs:label 'Open clinic'")
    assert _list(graph, scr, "typesOfDataCollected") == [
        "Examples include:", "name", "date of birth"]
    assert ask(graph, f"{scr} dpg:typesOfDataCollected <{BASE}id/dpg/open-clinic/screening/"
                      "typesOfDataCollected>")
    # Placeholders are dropped, not stored as empty strings.
    assert not ask(graph, f"{scr} dpg:adherenceSteps ?x")
    assert not ask(graph, "?s ?p '' ")


def _list(store: ox.Store, subject: str, prop: str) -> list[str]:
    """The members of an rdf:Seq, in rdf:_n order."""
    rows = store.query(f"SELECT ?p ?i {{ {subject} dpg:{prop} ?seq . ?seq ?p ?i }}",
                       prefixes=PREFIXES, use_default_graph_as_union=True)
    members = {int(r[0].value.rsplit("_", 1)[1]): r[1].value for r in rows}
    return [members[k] for k in sorted(members)]


def test_personal_data_never_mapped(graph: ox.Store) -> None:
    assert not ask(graph, "?s ?p ?o FILTER(isLiteral(?o) && (CONTAINS(?o, 'jane.roe') ||"
                          " CONTAINS(LCASE(?o), 'jane roe') || CONTAINS(?o, 'abuse@')))")
    assert ask(graph, f"{REC} dpg:sdgRelevance [ dpg:evidenceText ?t ]"
                      " FILTER(CONTAINS(?t, '[contact name removed]'))")


def test_every_record_has_provenance(graph: ox.Store) -> None:
    source = f"<{BASE}id/source/nominees/open-clinic.json>"
    assert ask(graph, f"{REC} prov:wasDerivedFrom {source} . {source} dpg:sha256 ?h"
                      " FILTER(STRLEN(?h) = 64)")


def test_base_iri_is_configurable() -> None:
    batch = read_registry(FIXTURES / "registry")
    out, _ = map_registry(batch, IRIs("https://example.org/kg"), "https://example.org/kg/g")
    text = out.data().decode()
    assert "<https://example.org/kg/id/dpg/open-clinic>" in text
    assert "w3id.org/dpgkg/id/" not in text


@pytest.mark.parametrize("text,expected", [
    ("Open Clinic Foundation", "open-clinic-foundation"),
    ("Fundação Getúlio Vargas", "fundacao-getulio-vargas"),
    ("  HISP (UiO) ", "hisp-uio"),
])
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected
