"""W3C SPARQL 1.1 test suite support, shared: manifests, data files, per-test results
(helper, not collected; see w3c_eval and w3c_protocol for the runners).

File IRIs (``file:///...``) name the suite's files, as rdflib resolves the manifests.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")

SUITE = "w3c-sparql11"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = dict[str, Term]


def term_value(term: Term) -> str:
    """A term's IRI, label or lexical form; "" for a quoted triple."""
    return "" if isinstance(term, ox.Triple) else term.value


@dataclass
class Result:
    """One test's outcome."""

    id: str
    name: str
    passed: bool
    reason: str = ""

    @property
    def key(self) -> str:
        """``folder/name`` (from the test IRI), stable across checkouts."""
        folder = self.id.split("/data-sparql11/", 1)[-1].split("/", 1)[0]
        return f"{folder}/{self.id.rsplit('#', 1)[-1]}"


def summary(results: Sequence[Result]) -> tuple[int, list[str]]:
    """Passed count and ``key: reason`` lines of the failures."""
    return (sum(r.passed for r in results),
            [f"{r.key}: {r.reason}" for r in results if not r.passed])


# -- manifests ---------------------------------------------------------------------------
@cache
def manifest(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return graph


def rdf_list(graph: rdflib.Graph, node: object) -> list[rdflib.term.Node]:
    if node is None:
        return []
    return list(Collection(graph, node))  # type: ignore[arg-type]


def entries(path: Path) -> Iterator[tuple[rdflib.Graph, rdflib.term.Node]]:
    """The entries of a manifest and of the manifests it includes, in manifest order."""
    graph = manifest(path)
    for top in graph.subjects(RDF.type, MF.Manifest):
        for included in rdf_list(graph, graph.value(top, MF.include)):
            yield from entries(file_path(str(included)))
        for entry in rdf_list(graph, graph.value(top, MF.entries)):
            yield graph, entry


def file_path(iri: str) -> Path:
    return Path(urllib.parse.unquote(urllib.parse.urlsplit(iri).path))


def rdf_format(path: Path) -> ox.RdfFormat:
    return {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
            ".rdf": ox.RdfFormat.RDF_XML}[path.suffix]


def read_triples(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=rdf_format(path),
                                       base_iri=path.as_uri())]


def ntriples(path: Path) -> bytes:
    """A data file as N-Triples: relative IRIs resolved against the file, nothing else."""
    return ox.serialize(read_triples(path), format=ox.RdfFormat.N_TRIPLES) or b""

