"""Contract tests for the dpgkg OWL ontology, ontology/dpgkg.ttl.

The ontology must define every dpg: term the build writes (the tables in
dpgkg.registry.fields drive both), document each term, stay free of OWL 2 punning,
and give the expected inferences under OWL 2 RL.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import owlrl
import pytest
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent  # the repository root is the parent of tests/
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dpgkg.namespaces import (  # noqa: E402
    DCAT,
    DCTERMS,
    DOAP,
    DPG,
    FOAF,
    ORG,
    PROV,
    SCHEMA,
    SDG,
    VANN,
    XSD,
)
from dpgkg.registry.fields import (  # noqa: E402
    ANSWERS,
    KIND_CLASSES,
    ORG_ROLES,
    SCREENING_FIELDS,
    STAGES,
    Kind,
    ScreeningField,
)

ONTOLOGY_FILE = ROOT / "ontology" / "dpgkg.ttl"
ONTOLOGY = URIRef("https://w3id.org/dpgkg/ontology")
VERSION_IRI = URIRef("https://w3id.org/dpgkg/ontology/0.1.0")
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")

#: The kinds of OWL entity a declaration can give; an IRI may have exactly one.
ENTITY_KINDS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL), str(XSD))

#: Terms of other vocabularies that the build writes, with the OWL kind they must be declared as.
DATA_VOCABULARY = {
    SCHEMA.name: OWL.DatatypeProperty,
    SCHEMA.alternateName: OWL.DatatypeProperty,
    SCHEMA.description: OWL.DatatypeProperty,
    SCHEMA.position: OWL.DatatypeProperty,
    SCHEMA.codeRepository: OWL.ObjectProperty,
    DCTERMS.identifier: OWL.DatatypeProperty,
    DCTERMS.license: OWL.AnnotationProperty,  # also used by the ontology header
    DCTERMS.title: OWL.AnnotationProperty,
    DCTERMS.modified: OWL.AnnotationProperty,
    FOAF.name: OWL.DatatypeProperty,
    FOAF.homepage: OWL.ObjectProperty,
    SKOS.prefLabel: OWL.AnnotationProperty,
    SKOS.inScheme: OWL.ObjectProperty,
    SKOS.exactMatch: OWL.ObjectProperty,
    PROV.wasDerivedFrom: OWL.ObjectProperty,
    PROV.wasGeneratedBy: OWL.ObjectProperty,
    PROV.used: OWL.ObjectProperty,
    PROV.wasAssociatedWith: OWL.ObjectProperty,
    PROV.generatedAtTime: OWL.DatatypeProperty,
    PROV.startedAtTime: OWL.DatatypeProperty,
    PROV.endedAtTime: OWL.DatatypeProperty,
}

#: Alignments the ontology promises (sub-class / sub-property axioms that must be stated).
SUBCLASS_OF = [
    (DPG.DigitalProduct, PROV.Entity),
    (DPG.DigitalProduct, SCHEMA.CreativeWork),
    (DPG.OpenSourceSoftware, SCHEMA.SoftwareApplication),
    (DPG.OpenSourceSoftware, DOAP.Project),
    (DPG.OpenData, DCAT.Dataset),
    (DPG.OpenContent, SCHEMA.CreativeWork),
    (DPG.RecognitionStatus, SKOS.Concept),
    (DPG.Organization, ORG.Organization),
    (DPG.Organization, FOAF.Organization),
    (DPG.Organization, SCHEMA.Organization),
    (DPG.Organization, PROV.Agent),
    (DPG.Role, SKOS.Concept),
    (DPG.License, DCTERMS.LicenseDocument),
    (DPG.Repository, DOAP.Repository),
    (DPG.Screening, PROV.Entity),
    (DPG.Country, DCTERMS.Location),
    (DPG.Country, SCHEMA.Country),
    (DPG.Answer, SKOS.Concept),
    (DPG.Indicator, SKOS.Concept),
    (DPG.Standard, DCTERMS.Standard),
    (DPG.Standard, SCHEMA.CreativeWork),
    (DPG.StatusAssertion, PROV.Entity),
    (DPG.DigitalDevelopmentPrinciple, SKOS.Concept),
    (DPG.Charter, FOAF.Document),
    (DPG.Charter, SCHEMA.CreativeWork),
    (DPG.CharterCommitment, SKOS.Concept),
    (DPG.Endorser, ORG.Organization),
    (DPG.Endorser, FOAF.Organization),
    (DPG.Endorser, SCHEMA.Organization),
    (DPG.Endorser, PROV.Agent),
    (DPG.Pledge, PROV.Entity),
    (DPG.PledgeProgress, PROV.Entity),
    (DPG.DigitalPublicInfrastructure, PROV.Entity),
]
SUBPROPERTY_OF = [
    (DPG.relevantToSDG, DCTERMS.subject),
    (DPG.sector, DCTERMS.subject),
    (DPG.repositoryURL, SCHEMA.url),
    (DPG.website, SCHEMA.url),
    (DPG.organization, PROV.agent),
    (DPG.funder, SCHEMA.funder),
    (DPG.developmentCountry, DCTERMS.spatial),
    (DPG.deploymentCountry, DCTERMS.spatial),
    (DPG.hasIndicator, DCTERMS.hasPart),
    (DPG.ofProduct, SCHEMA.about),
    (DPG.validFrom, SCHEMA.validFrom),
    (DPG.validUntil, SCHEMA.validThrough),
    (DPG.pledgedBy, PROV.wasAttributedTo),
    (DPG.pledgeDate, SCHEMA.dateCreated),
    (DPG.progressOf, SCHEMA.about),
    (DPG.reportedOn, SCHEMA.datePublished),
    (DPG.builtOn, DCTERMS.requires),
    (DPG.deployedIn, DCTERMS.spatial),
]

#: Properties for the Standard, status history, the Charter and DPI:
#: (property, kind, domain, range, functional).
NEW_PROPERTIES = [
    (DPG.hasIndicator, OWL.ObjectProperty, DPG.Standard, DPG.Indicator, False),
    (DPG.statusAssertion, OWL.ObjectProperty, DPG.DigitalProduct, DPG.StatusAssertion, False),
    (DPG.ofProduct, OWL.ObjectProperty, DPG.StatusAssertion, DPG.DigitalProduct, True),
    (DPG.status, OWL.ObjectProperty, DPG.StatusAssertion, DPG.RecognitionStatus, True),
    (DPG.validFrom, OWL.DatatypeProperty, DPG.StatusAssertion, XSD.date, True),
    (DPG.validUntil, OWL.DatatypeProperty, DPG.StatusAssertion, XSD.date, True),
    (DPG.followsPrinciple, OWL.ObjectProperty, DPG.DigitalProduct, SKOS.Concept, False),
    (DPG.endorses, OWL.ObjectProperty, DPG.Endorser, DPG.Charter, False),
    (DPG.pledgedBy, OWL.ObjectProperty, DPG.Pledge, DPG.Endorser, True),
    (DPG.pledgeTo, OWL.ObjectProperty, DPG.Pledge, DPG.CharterCommitment, False),
    (DPG.pledgeDate, OWL.DatatypeProperty, DPG.Pledge, XSD.date, True),
    (DPG.progressOf, OWL.ObjectProperty, DPG.PledgeProgress, DPG.Pledge, True),
    (DPG.progressStatus, OWL.ObjectProperty, DPG.PledgeProgress, SKOS.Concept, True),
    (DPG.reportedOn, OWL.DatatypeProperty, DPG.PledgeProgress, XSD.date, True),
    (DPG.builtOn, OWL.ObjectProperty, DPG.DigitalPublicInfrastructure, DPG.DigitalProduct, False),
    (DPG.deployedIn, OWL.ObjectProperty, DPG.DigitalPublicInfrastructure, DPG.Country, False),
]

#: The Principles for Digital Development (2024 revision): local name -> skos:prefLabel.
PRINCIPLES = {
    "PrincipleUnderstandTheExistingEcosystem": "Understand the existing ecosystem",
    "PrincipleShareReuseAndImprove": "Share, reuse, and improve",
    "PrincipleDesignWithPeople": "Design with people",
    "PrincipleDesignForInclusion": "Design for inclusion",
    "PrincipleBuildForSustainability": "Build for sustainability",
    "PrincipleEstablishPeopleFirstDataPractices": "Establish people-first data practices",
    "PrincipleCreateOpenAndTransparentPractices": "Create open and transparent practices",
    "PrincipleAnticipateAndMitigateHarms": "Anticipate and mitigate harms",
    "PrincipleUseEvidenceToImproveOutcomes": "Use evidence to improve outcomes",
}

#: DPG Standard indicators: notation -> the title used as skos:prefLabel.
INDICATORS = {
    "1": "Relevance to Sustainable Development Goals",
    "2": "Use of approved open licenses",
    "3": "Clear ownership",
    "4": "Platform independence",
    "5": "Documentation",
    "6": "Mechanism for extracting data and content",
    "7": "Adherence to privacy and applicable laws",
    "8": "Adherence to standards & best practices",
    "9": "Do no harm by design",
    "9a": "Data privacy & security",
    "9b": "Inappropriate & illegal content",
    "9c": "Protection from harassment",
}


def _short(term: URIRef) -> str:
    return re.split(r"[/#]", str(term))[-1]


@pytest.fixture(scope="module")
def text() -> str:
    return ONTOLOGY_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def g(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _dpg_terms(g: Graph) -> set[URIRef]:
    """Every dpg: IRI that occurs anywhere in the graph."""
    found: set[URIRef] = set()
    for triple in g:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(str(DPG)):
                found.add(node)
    return found


def _kinds(g: Graph, term: URIRef) -> set[URIRef]:
    return {k for k in ENTITY_KINDS if (term, RDF.type, k) in g}


def _en(g: Graph, term: URIRef, pred: URIRef) -> list[Literal]:
    return [o for o in g.objects(term, pred) if isinstance(o, Literal) and o.language == "en"]


def _closure(g: Graph, sample: list[tuple]) -> Graph:
    work = Graph()
    for triple in g:
        work.add(triple)
    for triple in sample:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(work)
    return work


def _errors(g: Graph) -> list[str]:
    return [str(g.value(m, ERRNS.error)) for m in g.subjects(RDF.type, ERRNS.ErrorMessage)]


# -- the file --------------------------------------------------------------------------------
def test_parses(g: Graph) -> None:
    assert len(g) > 500


def test_prefixes_sorted_unique_and_used(text: str) -> None:
    decls = re.findall(r"^@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*\.\s*$", text, re.M)
    names = [name for name, _ in decls]
    assert names, "no @prefix lines found"
    assert len(re.findall(r"^@prefix", text, re.M)) == len(decls), "unparsed @prefix line"
    assert names == sorted(names), f"@prefix lines are not sorted: {names}"
    assert len(set(names)) == len(names), "duplicate @prefix"
    assert dict(decls)["dpg"] == str(DPG)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("@prefix"))
    unused = [name for name in names if not re.search(rf"(?<![\w-]){name}:", body)]
    assert not unused, f"prefixes declared but not used: {unused}"


def test_ontology_header(g: Graph) -> None:
    onts = list(g.subjects(RDF.type, OWL.Ontology))
    assert onts == [ONTOLOGY]
    assert list(g.objects(ONTOLOGY, OWL.versionIRI)) == [VERSION_IRI]
    assert g.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert list(g.objects(ONTOLOGY, DCTERMS.license)) == [CC_BY_4]
    assert g.value(ONTOLOGY, DCTERMS.creator) == Literal("dpgkg contributors")
    for pred in (DCTERMS.created, DCTERMS.modified):
        assert g.value(ONTOLOGY, pred) == Literal("2026-11-28", datatype=XSD.date)
    assert _en(g, ONTOLOGY, DCTERMS.title) and _en(g, ONTOLOGY, DCTERMS.description)
    assert g.value(ONTOLOGY, VANN.preferredNamespacePrefix) == Literal("dpg")
    assert str(g.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(DPG)


# -- documentation and definitions -----------------------------------------------------------
def test_every_dpg_term_is_documented(g: Graph) -> None:
    subjects = {s for s in g.subjects() if isinstance(s, URIRef) and s.startswith(str(DPG))}
    assert len(subjects) > 100
    problems = []
    for term in sorted(subjects):
        if len(_en(g, term, RDFS.label)) != 1:
            problems.append(f"{term}: needs exactly one English rdfs:label")
        if len(_en(g, term, SKOS.definition)) != 1:
            problems.append(f"{term}: needs exactly one English skos:definition")
        if list(g.objects(term, RDFS.isDefinedBy)) != [ONTOLOGY]:
            problems.append(f"{term}: rdfs:isDefinedBy must be the ontology IRI")
    assert not problems, "\n".join(problems)


def test_labels_are_distinct(g: Graph) -> None:
    seen: dict[str, URIRef] = {}
    clashes = []
    for term in sorted(_dpg_terms(g)):
        for label in _en(g, term, RDFS.label):
            if str(label) in seen:
                clashes.append(f"{seen[str(label)]} and {term} share the label {label!r}")
            seen[str(label)] = term
    assert not clashes, "\n".join(clashes)


def test_every_dpg_term_used_is_defined(g: Graph) -> None:
    undefined = sorted(t for t in _dpg_terms(g) if not _kinds(g, t))
    assert not undefined, f"dpg: terms used but not declared: {undefined}"


def test_no_punning(g: Graph) -> None:
    """Each dpg: term is exactly one kind of OWL entity, and so is every declared IRI."""
    declared = {s for k in ENTITY_KINDS for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}
    mixed = {str(t): sorted(map(str, _kinds(g, t))) for t in declared if len(_kinds(g, t)) != 1}
    assert not mixed, f"IRIs declared as more than one kind of entity: {mixed}"


def test_every_predicate_is_declared(g: Graph) -> None:
    """OWL 2 DL typing: every non-built-in predicate used here is a declared property."""
    undeclared = set()
    for pred in set(g.predicates()):
        if str(pred).startswith(BUILTIN_NAMESPACES):
            continue
        if not any((pred, RDF.type, kind) in g for kind in PROPERTY_KINDS):
            undeclared.add(str(pred))
    assert not undeclared, f"predicates without an OWL declaration: {sorted(undeclared)}"


def test_classes_in_axioms_are_declared(g: Graph) -> None:
    lists = _list_fields()
    problems = []
    for pred in (RDFS.subClassOf, RDFS.domain, RDFS.range, OWL.equivalentClass, RDF.type):
        for s, o in g.subject_objects(pred):
            if not isinstance(o, URIRef) or str(o).startswith(BUILTIN_NAMESPACES):
                if pred == RDFS.range and o == RDF.Seq and s not in lists:
                    problems.append(f"{s}: only list-kind properties may range over rdf:Seq")
                continue
            if (o, RDF.type, OWL.Class) not in g:
                problems.append(f"{s} {pred} {o}: {o} is not declared an owl:Class")
    assert not problems, "\n".join(problems)


def _list_fields() -> set[URIRef]:
    return {DPG[f.local] for f in SCREENING_FIELDS if f.kind is Kind.LIST}


def test_property_axioms_match_property_kinds(g: Graph) -> None:
    """Sub-properties keep their kind; datatype properties range over datatypes only."""
    problems = []
    for sub, sup in g.subject_objects(RDFS.subPropertyOf):
        if _kinds(g, sub) != _kinds(g, sup):
            problems.append(f"{sub} is a sub-property of {sup} of another kind")
    for prop in g.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in g.objects(prop, RDFS.range):
            if not str(rng).startswith(str(XSD)):
                problems.append(f"datatype property {prop} has a non-datatype range {rng}")
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        for rng in g.objects(prop, RDFS.range):
            if str(rng).startswith(str(XSD)):
                problems.append(f"object property {prop} has a datatype range {rng}")
    assert not problems, "\n".join(problems)


def test_no_equivalence_to_external_classes(g: Graph) -> None:
    for s, o in g.subject_objects(OWL.equivalentClass):
        for node in (s, o):
            assert isinstance(node, BNode) or node.startswith(str(DPG)), (s, o)


def test_data_vocabulary_is_declared_with_the_right_kind(g: Graph) -> None:
    wrong = {
        str(t): sorted(map(str, _kinds(g, t)))
        for t, kind in DATA_VOCABULARY.items()
        if _kinds(g, t) != {kind}
    }
    assert not wrong, f"external terms the data uses, declared wrongly or not at all: {wrong}"


@pytest.mark.parametrize(("sub", "sup"), SUBCLASS_OF, ids=_short)
def test_class_alignment(g: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in g


@pytest.mark.parametrize(("sub", "sup"), SUBPROPERTY_OF, ids=_short)
def test_property_alignment(g: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in g


def test_maintainer_is_not_a_doap_maintainer(g: Graph) -> None:
    # doap:maintainer ranges over people; the registry's maintainers are organisations.
    assert (DPG.maintainer, RDFS.subPropertyOf, DOAP.maintainer) not in g


# -- the contract with dpgkg.registry.fields -------------------------------------------------
def test_kind_classes_are_digital_products(g: Graph) -> None:
    for code, local in KIND_CLASSES.items():
        assert (DPG[local], RDF.type, OWL.Class) in g, code
        assert (DPG[local], RDFS.subClassOf, DPG.DigitalProduct) in g, code


def test_stages_are_recognition_statuses(g: Graph) -> None:
    statuses = {**STAGES, "excluded": "StatusExcluded"}
    for code, local in statuses.items():
        status = DPG[local]
        assert _kinds(g, status) == {OWL.NamedIndividual}, local
        assert (status, RDF.type, DPG.RecognitionStatus) in g
        assert (status, RDF.type, SKOS.Concept) in g
        assert list(g.objects(status, SKOS.notation)) == [Literal(code)]
        assert (status, SKOS.inScheme, DPG.RecognitionStatusScheme) in g
        assert _en(g, status, SKOS.prefLabel)
    assert (DPG.RecognitionStatusScheme, RDF.type, SKOS.ConceptScheme) in g


def test_org_roles(g: Graph) -> None:
    for code, (role, prop) in ORG_ROLES.items():
        assert (DPG[role], RDF.type, DPG.Role) in g, role
        assert (DPG[role], RDF.type, SKOS.Concept) in g, role
        assert list(g.objects(DPG[role], SKOS.notation)) == [Literal(code)]
        assert _kinds(g, DPG[prop]) == {OWL.ObjectProperty}, prop
        assert (DPG[prop], RDFS.subPropertyOf, DPG.hasOrganization) in g, prop
        assert g.value(DPG[prop], RDFS.range) == DPG.Organization, prop


def test_answers(g: Graph) -> None:
    for answer in ANSWERS:
        assert (DPG[answer], RDF.type, DPG.Answer) in g, answer
        assert list(g.objects(DPG[answer], SKOS.notation)) == [Literal(answer)]


@pytest.mark.parametrize("field", SCREENING_FIELDS, ids=lambda f: f.local)
def test_screening_property(g: Graph, field: ScreeningField) -> None:
    prop = DPG[field.local]
    kinds = _kinds(g, prop)
    rng = set(g.objects(prop, RDFS.range))
    if field.kind is Kind.ANSWER:
        assert kinds == {OWL.ObjectProperty} and rng == {DPG.Answer}
    elif field.kind is Kind.TEXT:
        assert kinds == {OWL.DatatypeProperty} and rng == {XSD.string}
    elif field.kind is Kind.URL:
        assert kinds == {OWL.ObjectProperty}
        text_prop = DPG[field.local + "Text"]
        assert _kinds(g, text_prop) == {OWL.DatatypeProperty}
        assert set(g.objects(text_prop, RDFS.domain)) == {DPG.Screening}
    elif field.kind is Kind.LIST:
        assert kinds == {OWL.ObjectProperty} and rng == {RDF.Seq}
    elif field.kind is Kind.COUNTRIES:
        assert kinds == {OWL.ObjectProperty} and rng == {DPG.Country}
        assert set(g.objects(prop, RDFS.domain)) == {DPG.DigitalProduct}
        assert _kinds(g, DPG[field.local + "Text"]) == {OWL.DatatypeProperty}
    else:  # pragma: no cover - a new Kind needs a mapping in the ontology
        pytest.fail(f"no ontology rule for kind {field.kind}")
    if field.kind is not Kind.COUNTRIES:
        assert set(g.objects(prop, RDFS.domain)) == {DPG.Screening}


@pytest.mark.parametrize("field", SCREENING_FIELDS, ids=lambda f: f.local)
def test_screening_property_indicator(g: Graph, field: ScreeningField) -> None:
    found = list(g.objects(DPG[field.local], DPG.indicator))
    if not field.indicator:
        assert found == []
        return
    assert found == [DPG[f"Indicator{field.indicator}"]]
    assert list(g.objects(found[0], SKOS.notation)) == [Literal(field.indicator)]


def test_indicator_annotation_property(g: Graph) -> None:
    assert _kinds(g, DPG.indicator) == {OWL.AnnotationProperty}
    assert g.value(DPG.indicator, RDFS.range) == DPG.Indicator


def test_indicators(g: Graph) -> None:
    assert (DPG.DPGStandard, RDF.type, SKOS.ConceptScheme) in g
    members = set(g.subjects(RDF.type, DPG.Indicator))
    assert members == {DPG[f"Indicator{code}"] for code in INDICATORS}
    for code, title in INDICATORS.items():
        ind = DPG[f"Indicator{code}"]
        assert list(g.objects(ind, SKOS.notation)) == [Literal(code)]
        assert _en(g, ind, SKOS.prefLabel) == [Literal(title, lang="en")]
        assert (ind, SKOS.inScheme, DPG.DPGStandard) in g
        broader = list(g.objects(ind, SKOS.broader))
        assert broader == ([DPG.Indicator9] if code in ("9a", "9b", "9c") else []), code


# -- the Standard, status history, principles, the Charter and DPI ---------------------------
def test_the_dpg_standard_document(g: Graph) -> None:
    doc = DPG.TheDPGStandard
    assert _kinds(g, doc) == {OWL.NamedIndividual}
    assert (doc, RDF.type, DPG.Standard) in g
    assert (DPG.Standard, RDF.type, OWL.Class) in g
    assert list(g.objects(doc, OWL.versionInfo)) == [Literal("1.1.7")]
    assert list(g.objects(doc, DCTERMS.issued)) == [Literal("2025-06-26", datatype=XSD.date)]
    assert set(g.objects(doc, DPG.hasIndicator)) == {DPG[f"Indicator{c}"] for c in INDICATORS}


@pytest.mark.parametrize(
    ("prop", "kind", "domain", "rng", "functional"),
    NEW_PROPERTIES,
    ids=[_short(row[0]) for row in NEW_PROPERTIES],
)
def test_new_property_signature(
    g: Graph, prop: URIRef, kind: URIRef, domain: URIRef, rng: URIRef, functional: bool
) -> None:
    assert _kinds(g, prop) == {kind}
    assert set(g.objects(prop, RDFS.domain)) == {domain}
    assert set(g.objects(prop, RDFS.range)) == {rng}
    assert ((prop, RDF.type, OWL.FunctionalProperty) in g) is functional


def test_status_assertion_links_both_ways(g: Graph) -> None:
    assert (DPG.ofProduct, OWL.inverseOf, DPG.statusAssertion) in g
    # The current status stays a single, functional link on the product.
    assert (DPG.recognitionStatus, RDF.type, OWL.FunctionalProperty) in g


def test_principles_for_digital_development(g: Graph) -> None:
    scheme = DPG.PrinciplesForDigitalDevelopment
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    members = set(g.subjects(SKOS.inScheme, scheme))
    assert members == {DPG[local] for local in PRINCIPLES}
    for local, name in PRINCIPLES.items():
        principle = DPG[local]
        assert _kinds(g, principle) == {OWL.NamedIndividual}, local
        assert (principle, RDF.type, SKOS.Concept) in g, local
        assert (principle, RDF.type, DPG.DigitalDevelopmentPrinciple) in g, local
        assert (principle, SKOS.topConceptOf, scheme) in g, local
        assert _en(g, principle, SKOS.prefLabel) == [Literal(name, lang="en")], local


def test_charter(g: Graph) -> None:
    assert (DPG.DPGCharter, RDF.type, DPG.Charter) in g
    assert (DPG.CharterCommitments, RDF.type, SKOS.ConceptScheme) in g
    # The documents dpgkg draws on do not list the commitments; the scheme says where they are.
    assert _en(g, DPG.CharterCommitments, RDFS.comment)
    for commitment in g.subjects(RDF.type, DPG.CharterCommitment):
        assert (commitment, SKOS.inScheme, DPG.CharterCommitments) in g, commitment


def test_records_are_disjoint_from_other_resources(g: Graph) -> None:
    members: set[URIRef] = set()
    for axiom in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members |= set(Collection(g, g.value(axiom, OWL.members)))
    assert {DPG.StatusAssertion, DPG.Pledge, DPG.PledgeProgress, DPG.DigitalProduct} <= members


def test_relevant_to_sdg_chain(g: Graph) -> None:
    chains = list(g.objects(DPG.relevantToSDG, OWL.propertyChainAxiom))
    assert len(chains) == 1
    assert list(Collection(g, chains[0])) == [DPG.sdgRelevance, DPG.sdg]


def test_same_screening_as_is_symmetric(g: Graph) -> None:
    assert (DPG.sameScreeningAs, RDF.type, OWL.SymmetricProperty) in g


# -- reasoning -------------------------------------------------------------------------------
PRODUCT = URIRef("https://example.org/id/dpg/sample")
RELEVANCE = URIRef("https://example.org/id/dpg/sample/sdg-relevance/1")
GOAL = SDG["3"]


def _sample(status: URIRef) -> list[tuple]:
    return [
        (PRODUCT, RDF.type, DPG.DigitalProduct),
        (PRODUCT, DPG.recognitionStatus, status),
        (PRODUCT, DPG.sdgRelevance, RELEVANCE),
        (RELEVANCE, DPG.sdg, GOAL),
    ]


@pytest.fixture(scope="module")
def dpg_closure(g: Graph) -> Graph:
    return _closure(g, _sample(DPG.StatusDPG))


def test_owlrl_infers_digital_public_good(dpg_closure: Graph) -> None:
    assert (PRODUCT, RDF.type, DPG.DigitalPublicGood) in dpg_closure


def test_owlrl_infers_relevant_to_sdg(dpg_closure: Graph) -> None:
    assert (PRODUCT, DPG.relevantToSDG, GOAL) in dpg_closure
    assert (PRODUCT, DCTERMS.subject, GOAL) in dpg_closure


def test_owlrl_closure_is_consistent(dpg_closure: Graph) -> None:
    assert list(dpg_closure.subjects(RDF.type, OWL.Nothing)) == []
    assert _errors(dpg_closure) == []


def test_owlrl_nominee_is_not_a_digital_public_good(g: Graph) -> None:
    closure = _closure(g, _sample(DPG.StatusNominee))
    assert (PRODUCT, RDF.type, DPG.DigitalProduct) in closure
    assert (PRODUCT, RDF.type, DPG.DigitalPublicGood) not in closure
    assert _errors(closure) == []


def test_owlrl_disjointness_catches_a_mistyped_node(g: Graph) -> None:
    closure = _closure(g, [*_sample(DPG.StatusDPG), (PRODUCT, RDF.type, DPG.Organization)])
    assert any("Disjoint" in message for message in _errors(closure))
