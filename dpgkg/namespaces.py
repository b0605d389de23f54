"""Every namespace dpgkg uses, in one place.

The dpgkg IRIs (ontology, records, graphs) hang off one base IRI so a mirror can mint
its own; the ontology namespace itself is fixed because it is a published contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Namespace
else:
    class Namespace(str):
        """rdflib's Namespace, importing rdflib only when a term is first used.

        The endpoint's query workers need the namespace strings but not rdflib (~19 MB of
        memory per process); terms are still rdflib URIRefs, as code elsewhere expects.
        """

        __slots__ = ()

        def term(self, name: str) -> Any:
            from rdflib import URIRef

            return URIRef(str(self) + name)

        def __getattr__(self, name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            return self.term(name)

        def __getitem__(self, key: Any) -> Any:
            return self.term(key) if isinstance(key, str) else str.__getitem__(self, key)

        def __contains__(self, ref: object) -> bool:
            return str(ref).startswith(str(self))

        @property
        def title(self) -> Any:  # shadowed by str.title otherwise (rdflib does the same)
            return self.term("title")

DEFAULT_BASE = "https://w3id.org/dpgkg/"

DPG = Namespace("https://w3id.org/dpgkg/ontology#")
ONTOLOGY_IRI = "https://w3id.org/dpgkg/ontology"

SDG = Namespace("http://metadata.un.org/sdg/")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SDG_SCHEME = "http://metadata.un.org/sdg"
SPDX_LICENSE = Namespace("http://spdx.org/licenses/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")

RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DOAP = Namespace("http://usefulinc.com/ns/doap#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EUROVOC = Namespace("http://eurovoc.europa.eu/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")

#: Prefixes offered to SPARQL queries and serialisers, sorted by prefix.
PREFIXES: dict[str, str] = {
    "adms": str(ADMS),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "doap": str(DOAP),
    "dpg": str(DPG),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sdg": str(SDG),
    "sdgo": str(SDGO),
    "sh": str(SH),
    "skos": str(SKOS),
    "spdx": str(SPDX_LICENSE),
    "void": str(VOID),
    "wd": str(WD),
    "xsd": str(XSD),
}


@dataclass(frozen=True)
class IRIs:
    """Mints the dpgkg instance IRIs under a (configurable) base IRI."""

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")

    def record(self, record_id: str) -> str:
        return f"{self.base}id/dpg/{record_id}"

    def screening(self, record_id: str) -> str:
        return f"{self.base}id/dpg/{record_id}/screening"

    def organization(self, key: str) -> str:
        return f"{self.base}id/organization/{key}"

    def license(self, spdx_id: str) -> str:
        return f"{self.base}id/license/{spdx_id}"

    def country(self, alpha3: str) -> str:
        return f"{self.base}id/country/{alpha3}"

    def sector(self, key: str) -> str:
        return f"{self.base}id/sector/{key}"

    def sector_scheme(self) -> str:
        return f"{self.base}id/sector"

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    def source_file(self, rel_path: str) -> str:
        return f"{self.base}id/source/{rel_path}"

    def catalogue_graph(self, name: str) -> str:
        """The named graph of one harvested catalogue (``dpgkg harvest --name NAME``)."""
        return self.graph(f"catalogue/{name}")

    def link(self, key: str) -> str:
        """A link resource (rule, evidence, confidence) minted from a stable key's hash."""
        return f"{self.base}id/link/{key}"

    def dataset(self) -> str:
        """The whole graph as a VoID dataset (described at /.well-known/void)."""
        return f"{self.base}dataset"

    def agent(self) -> str:
        return f"{self.base}id/agent/dpgkg"
