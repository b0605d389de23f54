"""Tests for the fallback SDG vocabulary, and a cross-check against the real UN SDG KOS."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from dpgkg.namespaces import DCTERMS, RDFS, SDG, SDG_SCHEME, SDGO, SKOS
from dpgkg.sdg_fallback import (
    GOAL_SHORT_NAMES,
    all_target_codes,
    fallback_turtle,
    target_codes,
)

UN_KOS_FILE = "sdg-kos-goals-targets-indicators.ttl"


def _shared_data_dir() -> Path:
    # Same rule as the rest of the project: DPGKG_SHARED_DATA wins, else the folder that sits
    # next to the repository (the repository root is the parent of tests/).
    env = os.environ.get("DPGKG_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="module")
def fallback() -> Graph:
    return Graph().parse(data=fallback_turtle(), format="turtle")


@pytest.fixture(scope="module")
def un_kos() -> Graph:
    path = _shared_data_dir() / "sdg" / UN_KOS_FILE
    if not path.is_file():
        pytest.skip(f"UN SDG KOS not available at {path} (set DPGKG_SHARED_DATA to its folder)")
    return Graph().parse(path, format="turtle")


def _goals(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, SDGO.Goal) if isinstance(s, URIRef)}


def _targets(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, SDGO.Target) if isinstance(s, URIRef)}


def _en(g: Graph, s: URIRef, p: URIRef) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


# --- the table ---------------------------------------------------------------------------------


def test_seventeen_goals_with_names() -> None:
    assert sorted(GOAL_SHORT_NAMES) == list(range(1, 18))
    assert all(name.strip() == name and name for name in GOAL_SHORT_NAMES.values())
    assert GOAL_SHORT_NAMES[3] == "Good health and well-being"
    assert GOAL_SHORT_NAMES[17] == "Partnerships for the goals"


def test_169_unique_target_codes_in_un_order() -> None:
    codes = all_target_codes()
    assert len(codes) == 169
    assert len(set(codes)) == 169
    assert all(re.fullmatch(r"([1-9]|1[0-7])\.([1-9]|1[0-9]|[a-z])", c) for c in codes)
    assert codes[:7] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]
    assert codes[-1] == "17.19"
    # Goals appear in order, each goal's numeric targets before its lettered ones.
    assert [int(c.split(".")[0]) for c in codes] == sorted(int(c.split(".")[0]) for c in codes)


def test_target_codes_per_goal() -> None:
    assert target_codes(3) == [f"3.{i}" for i in range(1, 10)] + ["3.a", "3.b", "3.c", "3.d"]
    assert target_codes(8)[8:] == ["8.9", "8.10", "8.a", "8.b"]
    assert target_codes(17) == [f"17.{i}" for i in range(1, 20)]
    assert sum(len(target_codes(g)) for g in GOAL_SHORT_NAMES) == 169
    with pytest.raises(ValueError):
        target_codes(18)


# --- the Turtle --------------------------------------------------------------------------------


def test_turtle_has_17_goals_and_169_targets(fallback: Graph) -> None:
    goals, targets = _goals(fallback), _targets(fallback)
    assert goals == {SDG[str(n)] for n in GOAL_SHORT_NAMES}
    assert targets == {SDG[c] for c in all_target_codes()}
    concepts = set(fallback.subjects(RDF.type, SKOS.Concept))
    assert concepts == goals | targets
    assert len(concepts) == 17 + 169


def test_every_concept_has_one_english_preflabel_and_notation(fallback: Graph) -> None:
    for concept in fallback.subjects(RDF.type, SKOS.Concept):
        assert isinstance(concept, URIRef)
        assert len(_en(fallback, concept, SKOS.prefLabel)) == 1, concept
        code = str(concept).removeprefix(str(SDG))
        assert set(fallback.objects(concept, SKOS.notation)) == {
            Literal(code, datatype=SDGO.SDGCodeCompact)
        }
        assert (concept, SKOS.inScheme, URIRef(SDG_SCHEME)) in fallback


def test_goal_labels_and_top_concepts(fallback: Graph) -> None:
    scheme = URIRef(SDG_SCHEME)
    for n, name in GOAL_SHORT_NAMES.items():
        goal = SDG[str(n)]
        assert _en(fallback, goal, SKOS.prefLabel) == [name]
        assert _en(fallback, goal, SKOS.altLabel) == [name]
        assert (goal, SKOS.topConceptOf, scheme) in fallback
        assert (scheme, SKOS.hasTopConcept, goal) in fallback


def test_every_target_broader_is_its_goal(fallback: Graph) -> None:
    for code in all_target_codes():
        target = SDG[code]
        goal = SDG[code.split(".")[0]]
        assert set(fallback.objects(target, SKOS.broader)) == {goal}, code
        assert (goal, SKOS.narrower, target) in fallback
        assert _en(fallback, target, SKOS.prefLabel) == [f"Target {code}"]
    # narrower is exactly the inverse of broader: no stray links.
    narrower = {(s, o) for s, o in fallback.subject_objects(SKOS.narrower)}
    broader = {(o, s) for s, o in fallback.subject_objects(SKOS.broader)}
    assert narrower == broader


def test_scheme_metadata(fallback: Graph) -> None:
    scheme = URIRef(SDG_SCHEME)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in fallback
    assert _en(fallback, scheme, SKOS.prefLabel) == [
        "Sustainable Development Goals (dpgkg fallback)"
    ]
    assert set(fallback.objects(scheme, DCTERMS.source)) == {scheme}
    comment = " ".join(str(o) for o in fallback.objects(scheme, RDFS.comment))
    assert "dpgkg" in comment and "fallback" in comment.lower()


def test_turtle_is_deterministic() -> None:
    assert fallback_turtle() == fallback_turtle()


# --- against the real UN SDG KOS ---------------------------------------------------------------


def test_matches_un_kos_iris(fallback: Graph, un_kos: Graph) -> None:
    assert _goals(fallback) == _goals(un_kos)
    assert _targets(fallback) == _targets(un_kos)
    for target in _targets(un_kos):
        assert set(un_kos.objects(target, SKOS.broader)) & _goals(un_kos) == set(
            fallback.objects(target, SKOS.broader)
        ), target


def test_short_names_match_un_altlabels(un_kos: Graph) -> None:
    mismatches = {}
    for n, name in GOAL_SHORT_NAMES.items():
        un_names = _en(un_kos, SDG[str(n)], SKOS.altLabel)
        if name.casefold() not in {u.casefold() for u in un_names}:
            mismatches[n] = (name, un_names)
    assert not mismatches, f"fallback short name differs from UN English altLabel: {mismatches}"
