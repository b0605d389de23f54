"""``dpgkg build --reason``: OWL-RL inferences (owlrl) over the registry and the ontology.

The inferred triples go into a graph of their own, so the asserted data stays as the
registry said it and a query can ask for either. OWL-RL adds much that says nothing
(every resource owl:sameAs itself, typed owl:Thing); those are left out.
"""

from __future__ import annotations

from pathlib import Path

import rdflib

from dpgkg.namespaces import OWL, RDF, RDFS

#: Inferences that hold for every resource and only add noise.
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


def infer(data_ntriples: str, ontology: Path) -> rdflib.Graph:
    """The OWL-RL closure of DATA + ONTOLOGY, minus what was asserted and the trivia."""
    import owlrl

    graph = rdflib.Graph()
    graph.parse(data=data_ntriples, format="nt")
    asserted = set(graph)
    schema = rdflib.Graph().parse(ontology, format="turtle")
    schema_triples = set(schema)
    graph += schema
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False,
                           axiomatic_triples=False, datatype_axioms=False).expand(graph)
    subjects = {s for s, _, _ in asserted}
    inferred = rdflib.Graph()
    for s, p, o in graph:
        if (s, p, o) in asserted or (s, p, o) in schema_triples or s not in subjects:
            continue
        if p == OWL.sameAs and s == o:
            continue
        if p == RDF.type and o in _TRIVIAL_TYPES:
            continue
        inferred.add((s, p, o))
    return inferred
