"""OWL 2 DL reasoning over ontology/dpgkg.ttl with HermiT, run through owlready2.

tests/test_ontology.py checks the ontology's contracts and its OWL 2 RL inferences with owlrl;
these tests hand the whole ontology, and small sample data, to a complete OWL 2 DL reasoner:
the ontology must be consistent with no unsatisfiable class, sample data using the new terms must
stay consistent (and get the expected inferred types), and deliberately contradictory data must be
reported inconsistent, which shows that the consistency tests can fail.

HermiT is a Java program; the tests are skipped when no ``java`` is on PATH (CI installs a JRE).
owlready2 reads N-Triples best, so the Turtle is converted with rdflib first. The ontology goes to
HermiT unchanged: the rdf:Seq ranges of the list-valued screening properties need no filtering, as
the OWL API that reads HermiT's input takes rdf:Seq for an ordinary class. The only concession is
for xsd:date; see TOLERATED_DATATYPES.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from dpgkg.namespaces import DPG, ORG, PROV, SDG, XSD

owlready2 = pytest.importorskip("owlready2", reason="owlready2 (HermiT runner) is not installed")

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="HermiT needs a Java runtime and no `java` is on PATH (CI installs a JRE)",
)

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "dpgkg.ttl"
EX = Namespace("https://example.org/id/")

#: The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4), which are
#: all and only the datatypes HermiT supports.
OWL2_DATATYPES = {
    OWL.real,
    OWL.rational,
    RDF.PlainLiteral,
    RDF.XMLLiteral,
    RDFS.Literal,
    *(
        XSD[name]
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ),
}
#: Datatypes outside that map that the ontology may still use. xsd:date is the natural range of
#: dpg:validFrom, dpg:validUntil, dpg:pledgeDate and dpg:reportedOn (and is what RDF tools, SPARQL
#: and OWL 2 RL handle), but OWL 2 DL left it out of its datatype map, and HermiT refuses an
#: ontology that uses it in an axiom. HermiT is therefore run with --ignoreUnsupportedDatatypes,
#: which makes it treat xsd:date data ranges and values as opaque; test_unsupported_datatypes
#: keeps that concession to xsd:date alone, so no other datatype can slip past the reasoner.
TOLERATED_DATATYPES = {XSD.date}


def _hermit(graph: Graph, directory: Path) -> tuple[owlready2.World, float]:
    """Run HermiT over the graph; return the world holding its inferences and the run time.

    Raises owlready2.OwlReadyInconsistentOntologyError if the graph is inconsistent.
    """
    path = directory / "input.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load(format="ntriples")
    owlready2.JAVA_EXE = shutil.which("java") or "java"
    start = time.perf_counter()
    owlready2.sync_reasoner_hermit(
        world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
    )
    return world, time.perf_counter() - start


def _with(g: Graph, triples: Iterable[tuple]) -> Graph:
    work = Graph()
    for triple in g:
        work.add(triple)
    for triple in triples:
        work.add(triple)
    return work


def _types(world: owlready2.World, iri: URIRef) -> set[str]:
    """The IRIs of the classes an individual belongs to, told or inferred, with their ancestors."""
    return {c.iri for c in world[str(iri)].INDIRECT_is_a if hasattr(c, "iri")}


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def tbox(g: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[owlready2.World, float]:
    # Any exception, OwlReadyInconsistentOntologyError included, fails every test that uses it.
    return _hermit(g, tmp_path_factory.mktemp("hermit-tbox"))


# -- the ontology alone ----------------------------------------------------------------------
def test_unsupported_datatypes(g: Graph) -> None:
    """Only the tolerated datatypes outside the OWL 2 map occur in logical axioms or data."""
    datatype_properties = set(g.subjects(RDF.type, OWL.DatatypeProperty))
    used = {o for p in datatype_properties for o in g.objects(p, RDFS.range)}
    used |= {
        o.datatype
        for p in datatype_properties
        for o in g.objects(None, p)
        if isinstance(o, Literal) and o.datatype is not None
    }
    assert used - OWL2_DATATYPES <= TOLERATED_DATATYPES, sorted(used - OWL2_DATATYPES)


def test_hermit_finds_the_ontology_consistent(tbox: tuple[owlready2.World, float]) -> None:
    world, seconds = tbox
    assert world[str(DPG.DigitalProduct)] is not None, "the ontology did not reach HermiT"
    assert seconds < 300


def test_hermit_finds_no_unsatisfiable_class(tbox: tuple[owlready2.World, float]) -> None:
    world, _ = tbox
    assert list(world.inconsistent_classes()) == []


# -- sample data -----------------------------------------------------------------------------
PRODUCT = EX["dpg/sample"]
NOMINEE = EX["dpg/nominee"]
RELEVANCE = EX["dpg/sample/sdg-relevance/1"]
ASSERTION = EX["dpg/sample/status/2025-01-15"]
DPGA = EX["org/digital-public-goods-alliance"]
ENDORSER = EX["org/sample-government"]
COMMITMENT = EX["charter/commitment/sample"]
PLEDGE = EX["charter/pledge/1"]
PROGRESS = EX["charter/pledge/1/progress/2024"]
EVIDENCE = EX["charter/pledge/1/progress/2024/evidence"]
UNDER_WAY = EX["charter/progress/under-way"]
SCREENING = EX["dpg/sample/screening"]
STANDARDS = EX["dpg/sample/screening/standardsList"]
DPI = EX["dpi/sample-national-id"]
COUNTRY = EX["country/SL"]
GOAL = SDG["3"]


def _individuals(*iris: URIRef) -> list[tuple]:
    return [(iri, RDF.type, OWL.NamedIndividual) for iri in iris]


SAMPLE = [
    *_individuals(
        PRODUCT,
        NOMINEE,
        RELEVANCE,
        ASSERTION,
        DPGA,
        ENDORSER,
        COMMITMENT,
        PLEDGE,
        PROGRESS,
        EVIDENCE,
        SCREENING,
        STANDARDS,
        UNDER_WAY,
        DPI,
        COUNTRY,
        GOAL,
    ),
    (PRODUCT, RDF.type, DPG.OpenSourceSoftware),
    (PRODUCT, DPG.recognitionStatus, DPG.StatusDPG),
    (PRODUCT, DPG.sdgRelevance, RELEVANCE),
    (PRODUCT, DPG.followsPrinciple, DPG.PrincipleDesignWithPeople),
    (PRODUCT, DPG.statusAssertion, ASSERTION),
    (PRODUCT, DPG.screening, SCREENING),
    (SCREENING, RDF.type, DPG.Screening),
    (SCREENING, DPG.supportStandards, DPG.Yes),
    (SCREENING, DPG.standardsList, STANDARDS),  # a list as the build writes it: an rdf:Seq
    (STANDARDS, RDF.type, RDF.Seq),
    (STANDARDS, URIRef(f"{RDF}_1"), Literal("WCAG 2.1")),
    (RELEVANCE, DPG.sdg, GOAL),
    (RELEVANCE, DPG.evidenceText, Literal("Used by community health workers.")),
    (GOAL, RDF.type, SKOS.Concept),
    (NOMINEE, RDF.type, DPG.OpenData),
    (NOMINEE, DPG.recognitionStatus, DPG.StatusNominee),
    (ASSERTION, RDF.type, DPG.StatusAssertion),
    (ASSERTION, DPG.ofProduct, PRODUCT),
    (ASSERTION, DPG.status, DPG.StatusDPG),
    (ASSERTION, DPG.validFrom, Literal("2025-01-15", datatype=XSD.date)),
    (ASSERTION, DPG.validUntil, Literal("2026-01-14", datatype=XSD.date)),
    (ASSERTION, PROV.wasAttributedTo, DPGA),
    (DPGA, RDF.type, DPG.Organization),
    (ENDORSER, RDF.type, DPG.Endorser),
    (ENDORSER, DPG.endorses, DPG.DPGCharter),
    (COMMITMENT, SKOS.inScheme, DPG.CharterCommitments),
    (PLEDGE, RDF.type, DPG.Pledge),
    (PLEDGE, DPG.pledgedBy, ENDORSER),
    (PLEDGE, DPG.pledgeTo, COMMITMENT),
    (PLEDGE, DPG.pledgeDate, Literal("2023-09-20", datatype=XSD.date)),
    (PROGRESS, RDF.type, DPG.PledgeProgress),
    (PROGRESS, DPG.progressOf, PLEDGE),
    (PROGRESS, DPG.progressStatus, UNDER_WAY),
    (PROGRESS, DPG.reportedOn, Literal("2024-09-30", datatype=XSD.date)),
    (PROGRESS, PROV.wasDerivedFrom, EVIDENCE),
    (UNDER_WAY, RDF.type, SKOS.Concept),
    (DPI, RDF.type, DPG.DigitalPublicInfrastructure),
    (DPI, DPG.builtOn, PRODUCT),
    (DPI, DPG.deployedIn, COUNTRY),
    (COUNTRY, RDF.type, DPG.Country),
    (COUNTRY, DPG.alpha2, Literal("SL")),
]


@pytest.fixture(scope="module")
def abox(g: Graph, tmp_path_factory: pytest.TempPathFactory) -> owlready2.World:
    world, _ = _hermit(_with(g, SAMPLE), tmp_path_factory.mktemp("hermit-abox"))
    return world


def test_hermit_finds_sample_data_consistent(abox: owlready2.World) -> None:
    assert list(abox.inconsistent_classes()) == []


def test_hermit_infers_digital_public_good(abox: owlready2.World) -> None:
    assert str(DPG.DigitalPublicGood) in _types(abox, PRODUCT)
    assert str(DPG.DigitalProduct) in _types(abox, NOMINEE)
    assert str(DPG.DigitalPublicGood) not in _types(abox, NOMINEE)


def test_hermit_infers_types_from_alignments_and_ranges(abox: owlready2.World) -> None:
    assert {str(ORG.Organization), str(PROV.Agent)} <= _types(abox, ENDORSER)
    assert str(PROV.Entity) in _types(abox, ASSERTION)
    assert str(DPG.Charter) in _types(abox, DPG.DPGCharter)
    # The commitment is typed only by the range of dpg:pledgeTo.
    assert {str(DPG.CharterCommitment), str(SKOS.Concept)} <= _types(abox, COMMITMENT)


# -- contradictory data: proves that the consistency tests can fail ---------------------------
CONTRADICTIONS = {
    # dpg:StatusAssertion and dpg:Pledge are members of the same owl:AllDisjointClasses.
    "disjoint-classes": [
        *_individuals(EX["both"]),
        (EX["both"], RDF.type, DPG.StatusAssertion),
        (EX["both"], RDF.type, DPG.Pledge),
    ],
    # dpg:status is functional and the recognition statuses are pairwise different.
    "two-statuses-in-one-assertion": [
        *_individuals(ASSERTION),
        (ASSERTION, RDF.type, DPG.StatusAssertion),
        (ASSERTION, DPG.status, DPG.StatusDPG),
        (ASSERTION, DPG.status, DPG.StatusNominee),
    ],
    # dpg:builtOn ranges over digital products, which are disjoint from countries.
    "built-on-a-country": [
        *_individuals(DPI, COUNTRY),
        (DPI, DPG.builtOn, COUNTRY),
        (COUNTRY, RDF.type, DPG.Country),
    ],
}


@pytest.mark.parametrize("name", sorted(CONTRADICTIONS))
def test_hermit_reports_contradictory_data(g: Graph, tmp_path: Path, name: str) -> None:
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        _hermit(_with(g, CONTRADICTIONS[name]), tmp_path)
