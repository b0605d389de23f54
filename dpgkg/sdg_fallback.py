"""A small SDG vocabulary that dpgkg writes itself, for when the UN SDG KOS is not available.

The UN SDG Knowledge Organization System (http://metadata.un.org/sdg) is the vocabulary that
dpgkg links Digital Public Goods to. When a copy of it cannot be loaded, the graph still needs
the same goal and target IRIs, so that links made against the fallback stay valid once the real
KOS is loaded. This module therefore mints exactly the UN IRIs, but with labels we own: the
well-known short goal names and "Target N.x" labels. It holds none of the UN's long titles.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from dpgkg.namespaces import DCTERMS, RDFS, SDG, SDG_SCHEME, SDGO, SKOS

# One row per goal: (goal number, short English name, number of numeric targets, letters of the
# means-of-implementation targets). The 169 target codes are generated from the counts rather
# than typed out, so a typo cannot drop or duplicate one code; the tests check the total.
_GOALS: tuple[tuple[int, str, int, str], ...] = (
    (1, "No poverty", 5, "ab"),
    (2, "Zero hunger", 5, "abc"),
    (3, "Good health and well-being", 9, "abcd"),
    (4, "Quality education", 7, "abc"),
    (5, "Gender equality", 6, "abc"),
    (6, "Clean water and sanitation", 6, "ab"),
    (7, "Affordable and clean energy", 3, "ab"),
    (8, "Decent work and economic growth", 10, "ab"),
    (9, "Industry, innovation and infrastructure", 5, "abc"),
    (10, "Reduced inequalities", 7, "abc"),
    (11, "Sustainable cities and communities", 7, "abc"),
    (12, "Responsible consumption and production", 8, "abc"),
    (13, "Climate action", 3, "ab"),
    (14, "Life below water", 7, "abc"),
    (15, "Life on land", 9, "abc"),
    (16, "Peace, justice and strong institutions", 10, "ab"),
    # Goal 17 is itself about means of implementation, so its targets are all numbered.
    (17, "Partnerships for the goals", 19, ""),
)

GOAL_SHORT_NAMES: dict[int, str] = {number: name for number, name, _, _ in _GOALS}

_TARGET_SHAPE: dict[int, tuple[int, str]] = {
    number: (numeric, letters) for number, _, numeric, letters in _GOALS
}

SCHEME_LABEL = "Sustainable Development Goals (dpgkg fallback)"
SCHEME_COMMENT = (
    "Fallback SDG vocabulary written by dpgkg, used when the UN SDG Knowledge Organization "
    "System is not available. It reuses the UN goal and target IRIs but carries only the "
    "short goal names and target codes, not the official goal and target titles."
)


def target_codes(goal: int) -> list[str]:
    """The target codes of one goal in UN order: numeric targets first, then lettered ones."""
    if goal not in _TARGET_SHAPE:
        raise ValueError(f"no such SDG goal: {goal!r} (expected 1..17)")
    numeric, letters = _TARGET_SHAPE[goal]
    return [f"{goal}.{i}" for i in range(1, numeric + 1)] + [f"{goal}.{c}" for c in letters]


def all_target_codes() -> list[str]:
    """All 169 target codes, goal by goal, in UN order."""
    return [code for goal in GOAL_SHORT_NAMES for code in target_codes(goal)]


def goal_iri(goal: int) -> URIRef:
    """The UN IRI of a goal, e.g. http://metadata.un.org/sdg/3."""
    return SDG[str(goal)]


def target_iri(code: str) -> URIRef:
    """The UN IRI of a target, e.g. http://metadata.un.org/sdg/3.a."""
    return SDG[code]


def _compact(code: str) -> Literal:
    # The UN KOS types its short notations ("3", "3.a") with sdgo:SDGCodeCompact; using the same
    # datatype lets queries that match notations work on either vocabulary.
    return Literal(code, datatype=SDGO.SDGCodeCompact)


def fallback_graph() -> Graph:
    """The fallback vocabulary as an rdflib graph (a fresh graph on every call)."""
    # bind_namespaces="none" keeps rdflib's default prefixes out, so only the prefixes the
    # vocabulary uses are declared in the Turtle.
    g = Graph(bind_namespaces="none")
    for prefix, ns in sorted(
        {"dcterms": DCTERMS, "rdf": RDF, "rdfs": RDFS, "sdgo": SDGO, "skos": SKOS}.items()
    ):
        g.bind(prefix, ns)

    scheme = URIRef(SDG_SCHEME)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal(SCHEME_LABEL, lang="en")))
    # dcterms:source records what this stands in for, so a reader can find the real vocabulary.
    g.add((scheme, DCTERMS.source, scheme))
    g.add((scheme, RDFS.comment, Literal(SCHEME_COMMENT, lang="en")))

    for goal, name in GOAL_SHORT_NAMES.items():
        g_iri = goal_iri(goal)
        g.add((g_iri, RDF.type, SKOS.Concept))
        g.add((g_iri, RDF.type, SDGO.Goal))
        g.add((g_iri, SKOS.inScheme, scheme))
        g.add((g_iri, SKOS.topConceptOf, scheme))
        # Both directions, as in the UN KOS, so SKOS tools that only follow one still find them.
        g.add((scheme, SKOS.hasTopConcept, g_iri))
        # The UN KOS has the short name as altLabel and the long title as prefLabel. We have no
        # long title, so the short name is also the prefLabel (every concept needs one).
        g.add((g_iri, SKOS.prefLabel, Literal(name, lang="en")))
        g.add((g_iri, SKOS.altLabel, Literal(name, lang="en")))
        g.add((g_iri, SKOS.notation, _compact(str(goal))))

        for code in target_codes(goal):
            t_iri = target_iri(code)
            g.add((g_iri, SKOS.narrower, t_iri))
            g.add((t_iri, RDF.type, SKOS.Concept))
            g.add((t_iri, RDF.type, SDGO.Target))
            g.add((t_iri, SKOS.inScheme, scheme))
            g.add((t_iri, SKOS.broader, g_iri))
            g.add((t_iri, SKOS.notation, _compact(code)))
            g.add((t_iri, SKOS.prefLabel, Literal(f"Target {code}", lang="en")))
    return g


def fallback_turtle() -> str:
    """The fallback vocabulary as Turtle text."""
    return fallback_graph().serialize(format="turtle")
