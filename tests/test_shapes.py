"""The shapes of shapes/dpg-standard.ttl: fixtures for every shape, metadata, meta-SHACL, terms.

Every named shape with a constraint has a failing fixture (and a passing one when the base
record does not exercise it) in tests/fixtures/shapes/: SPARQL Updates applied to the base,
the fixture registry's ``open-clinic`` record mapped to RDF (its own subgraph, as
``dpgkg validate`` sees it). Both engines must agree on every fixture.

Fixture header lines: ``# also: dpgsh:x …`` names shapes a fail fixture may fire as well;
``# exercised-if: ASK {…}`` must hold in a pass fixture's graph.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH

from dpgkg.build import map_registry
from dpgkg.namespaces import IRIs
from dpgkg.registry.reader import read_registry
from dpgkg.validation.engine import ENGINES, Finding, validate_data
from dpgkg.validation.subgraphs import record_graphs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHAPE_FIXTURES = FIXTURES / "shapes"
SHAPES_FILE = ROOT / "shapes" / "dpg-standard.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "dpgkg.ttl"
DPG = rdflib.Namespace("https://w3id.org/dpgkg/ontology#")
DPGSH = rdflib.Namespace("https://w3id.org/dpgkg/shapes#")
RECORD = IRIs().record("open-clinic")
PYSHACL_ASSETS = files("pyshacl") / "assets"

#: Terms of the well-known vocabularies the shapes may use (no vocabulary file is loaded).
WELL_KNOWN = frozenset({
    RDF.type, RDF.first, RDF.rest, RDF.nil,
    RDFS.label, RDFS.comment, RDFS.seeAlso,
    OWL.Ontology, OWL.versionInfo,
    DCTERMS.creator, DCTERMS.description, DCTERMS.license, DCTERMS.title,
})
CHECKED_NAMESPACES = tuple(str(ns) for ns in (SH, DPG, DPGSH, RDF, RDFS, rdflib.namespace.XSD,
                                               OWL, DCTERMS))


# --- graphs ---------------------------------------------------------------------------------

@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle")


@cache
def shacl_vocabulary() -> rdflib.Graph:
    """The W3C SHACL vocabulary (shacl.ttl) as pySHACL ships it."""
    text = (PYSHACL_ASSETS / "shacl.ttl").read_text(encoding="utf-8")
    return rdflib.Graph().parse(data=text, format="turtle")


@cache
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")


def constraint_parameters() -> set[rdflib.term.Node]:
    """Parameters of SHACL Core's constraint components (sh:minCount, sh:or, …).

    sh:property is left out: a node shape that only groups named property shapes carries
    no constraint of its own.
    """
    vocab = shacl_vocabulary()
    return {param for component in vocab.subjects(RDF.type, SH.ConstraintComponent)
            for parameter in vocab.objects(component, SH.parameter)
            for param in vocab.objects(parameter, SH.path)} - {SH.property}


def constrained_shapes(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    params = constraint_parameters()
    return sorted({s for s, p in graph.subject_predicates()
                   if isinstance(s, rdflib.URIRef) and p in params})


SHAPES = constrained_shapes(shapes_graph())


def local(shape: rdflib.URIRef) -> str:
    return str(shape).removeprefix(str(DPGSH))


# --- fixtures -------------------------------------------------------------------------------

@cache
def base_ntriples() -> str:
    """open-clinic's subgraph of the fixture registry, as `dpgkg validate` hands it over."""
    batch = read_registry(FIXTURES / "registry")
    out, _ = map_registry(batch, IRIs(), IRIs().graph("registry"))
    store = ox.Store()
    store.bulk_load(out.data(), ox.RdfFormat.N_QUADS)
    graphs = {g.record: g.ntriples for g in
              record_graphs(store.quads_for_pattern(None, None, None, None))}
    return graphs[RECORD]


def fixture(shape: rdflib.URIRef, kind: str) -> Path | None:
    path = SHAPE_FIXTURES / f"{local(shape)}.{kind}.ru"
    return path if path.is_file() else None


def header(path: Path, key: str) -> list[str]:
    prefix = f"# {key}:"
    return [line[len(prefix):].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(prefix)]


def patched(update: Path | None) -> ox.Store:
    store = ox.Store()
    store.bulk_load(base_ntriples(), ox.RdfFormat.N_TRIPLES)
    if update is not None:
        store.update(update.read_text(encoding="utf-8"))
    return store


@cache
def findings(update: Path | None, engine: str) -> tuple[Finding, ...]:
    data = patched(update).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    assert data is not None
    _, results = validate_data(data.decode(), "ntriples", SHAPES_FILE.read_text("utf-8"), engine)
    return tuple(results)


def expand(curie: str) -> str:
    prefix, _, name = curie.partition(":")
    assert prefix == "dpgsh", f"# also: expects dpgsh: names, got {curie!r}"
    return str(DPGSH[name])


# --- 1. every shape passes on the base (+ pass fixture) and fails on its fail fixture --------

def test_there_are_shapes() -> None:
    assert len(SHAPES) >= 30
    assert all(str(s).startswith(str(DPGSH)) for s in SHAPES)


def test_every_shape_has_a_fail_fixture_and_no_fixture_is_stale() -> None:
    missing = [local(s) for s in SHAPES if fixture(s, "fail") is None]
    assert not missing, f"shapes without a .fail.ru: {missing}"
    names = {local(s) for s in SHAPES}
    for path in sorted(SHAPE_FIXTURES.glob("*")):
        name, kind, ext = [*path.name.rsplit(".", 2), "", ""][:3]
        assert ext == "ru" and kind in ("pass", "fail"), f"{path.name}: not <shape>.(pass|fail).ru"
        assert name in names, f"{path.name}: no constrained shape dpgsh:{name}"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and not first.startswith(("# also:", "# exercised-if:")), \
            f"{path.name}: must start with a comment saying what it changes"
        for curie in " ".join(header(path, "also")).split():
            assert rdflib.URIRef(expand(curie)) in SHAPES, f"{path.name}: also {curie}?"
        if kind == "fail":
            assert not header(path, "exercised-if"), f"{path.name}: exercised-if is for passes"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_shape_passes(shape: rdflib.URIRef, engine: str) -> None:
    results = findings(fixture(shape, "pass"), engine)
    assert not results, [(f.shape, f.focus, f.message) for f in results]


@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_pass_graph_exercises_the_shape(shape: rdflib.URIRef) -> None:
    """The pass is not vacuous: the shape's targets exist, and so does its "if yes" case."""
    graph, store = shapes_graph(), patched(fixture(shape, "pass"))
    holders = [shape, *graph.subjects(SH.property, shape)]
    targets = [c for h in holders for c in graph.objects(h, SH.targetClass)]
    assert targets, f"{local(shape)} has no sh:targetClass (directly or via its node shape)"
    for cls in targets:
        assert store.query(f"ASK {{ ?focus a <{cls}> }}"), f"no {cls} in the pass graph"
        # A conditional follow-up is sh:or ( [ sh:not [ sh:path P ; sh:hasValue V ] ] … ):
        # the pass must make the condition hold (P V), else it passes by not applying.
        for alternatives in graph.objects(shape, SH["or"]):
            for alternative in Collection(graph, alternatives):
                for negated in graph.objects(alternative, SH["not"]):
                    path = graph.value(negated, SH.path)
                    value = graph.value(negated, SH.hasValue)
                    ask = f"ASK {{ ?focus a <{cls}> ; <{path}> <{value}> }}"
                    assert store.query(ask), f"{local(shape)} is not exercised: {ask}"
    update = fixture(shape, "pass")
    if update is not None:
        for ask in header(update, "exercised-if"):
            assert store.query(ask), f"{update.name}: {ask} does not hold"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_shape_fails(shape: rdflib.URIRef, engine: str) -> None:
    update = fixture(shape, "fail")
    assert update is not None
    results = findings(update, engine)
    severity = shapes_graph().value(shape, SH.severity)
    own = [f for f in results if f.shape == str(shape)]
    assert own, f"{update.name} makes {local(shape)} report nothing ({engine})"
    assert {f.severity for f in own} == {str(severity).rsplit("#", 1)[-1]}
    allowed = {str(shape)} | {expand(c) for c in " ".join(header(update, "also")).split()}
    others = {f.shape for f in results} - allowed
    assert not others, f"{update.name} also fires {sorted(others)} (list them in # also:)"


# --- 2. shape metadata ------------------------------------------------------------------------

def test_constrained_shapes_are_the_shapes_with_messages() -> None:
    graph = shapes_graph()
    with_message = {s for s in graph.subjects(SH.message) if isinstance(s, rdflib.URIRef)}
    assert set(SHAPES) == with_message


@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_shape_metadata(shape: rdflib.URIRef) -> None:
    graph = shapes_graph()
    for prop in (SH.name, SH.message):
        values = list(graph.objects(shape, prop))
        assert values and all(isinstance(v, rdflib.Literal) and v.language == "en"
                              for v in values), f"{local(shape)}: {prop}"
    assert list(graph.objects(shape, SH.severity)) in ([SH.Violation], [SH.Warning], [SH.Info])
    see_also = list(graph.objects(shape, RDFS.seeAlso))
    assert len(see_also) == 1, f"{local(shape)}: rdfs:seeAlso {see_also}"
    assert str(see_also[0]).startswith(str(DPG) + "Indicator")
    assert (see_also[0], RDF.type, DPG.Indicator) in ontology(), f"{see_also[0]} undefined"


# --- 3. meta-SHACL -----------------------------------------------------------------------------

def meta_check(shapes_turtle: str, engine: str) -> tuple[bool, str]:
    """Validate a shapes graph against W3C SHACL-for-SHACL (pySHACL's bundled copy)."""
    shsh = (PYSHACL_ASSETS / "shacl-shacl.ttl").read_text(encoding="utf-8")
    if engine == "shacl":
        import shacl

        report = shacl.Shapes.from_turtle(shsh).validate_text(shapes_turtle, "turtle")
        return bool(report.conforms), " ".join(f"{r.focus_node} {r.component}"
                                               for r in report.results)
    conforms, _, text = pyshacl.validate(
        rdflib.Graph().parse(data=shapes_turtle, format="turtle"),
        shacl_graph=rdflib.Graph().parse(data=shsh, format="turtle"), inference="rdfs")
    return bool(conforms), str(text)


@pytest.mark.parametrize("engine", ENGINES)
def test_shapes_pass_meta_shacl(engine: str) -> None:
    conforms, report = meta_check(SHAPES_FILE.read_text(encoding="utf-8"), engine)
    assert conforms, report


@pytest.mark.parametrize("engine", ENGINES)
def test_meta_shacl_catches_a_literal_path(engine: str) -> None:
    text = SHAPES_FILE.read_text(encoding="utf-8")
    bad = text.replace("sh:path dpg:isPrivacyCompliant ;", 'sh:path "isPrivacyCompliant" ;')
    assert bad != text
    conforms, report = meta_check(bad, engine)
    assert not conforms and "privacyCompliant" in report


# --- 4. vocabulary -------------------------------------------------------------------------------

def undefined_terms(shapes: rdflib.Graph) -> set[str]:
    """IRIs in the checked namespaces that nothing defines."""
    vocab, onto = shacl_vocabulary(), ontology()
    defined = {
        str(SH): {s for s in vocab.subjects() if isinstance(s, rdflib.URIRef)},
        str(DPG): {s for s in onto.subjects() if isinstance(s, rdflib.URIRef)},
        str(DPGSH): {s for s in shapes.subjects() if isinstance(s, rdflib.URIRef)},
    }
    used = {t for triple in shapes for t in triple if isinstance(t, rdflib.URIRef)}
    out = set()
    for term in used:
        ns = next((n for n in CHECKED_NAMESPACES if term.startswith(n)), None)
        if ns is not None and term not in defined.get(ns, WELL_KNOWN):
            out.add(str(term))
    return out


def test_shapes_use_only_defined_terms() -> None:
    undefined = undefined_terms(shapes_graph())
    assert not undefined, f"terms no vocabulary defines: {sorted(undefined)}"


def test_vocabulary_check_catches_a_misspelt_shacl_term() -> None:
    text = SHAPES_FILE.read_text(encoding="utf-8")
    bad = text.replace("sh:minCount 1 ;", "sh:minCont 1 ;", 1)
    assert bad != text
    assert f"{SH}minCont" in undefined_terms(rdflib.Graph().parse(data=bad, format="turtle"))
