"""PROV descriptions of the graphs dpgkg loads, written into each graph itself.

Keeping a graph's description inside that graph means one atomic swap replaces both,
and a SPARQL query over the union finds every source's origin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dpgkg import __version__
from dpgkg.namespaces import DCTERMS, DPG, PROV, RDF, RDFS, SD, VOID, IRIs
from dpgkg.rdfterms import XSD_DATETIME, QuadWriter, integer, iri, literal


@dataclass
class GraphOrigin:
    """Where one graph's data came from and how it was made."""

    graph: str
    title: str
    source: str  # an IRI: the archive URL, or a minted IRI for a local source
    sha256: str | None  # of the source; None when it is another graph (described there)
    started: dt.datetime
    location: str | None = None  # a local path or URL, as given
    commit: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    used: tuple[str, ...] = ()  # further sources: derived from, and used by the activity


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def stamp(t: dt.datetime) -> str:
    """T as an xsd:dateTime literal (UTC written as Z)."""
    return literal(t.isoformat().replace("+00:00", "Z"), XSD_DATETIME)


def describe(out: QuadWriter, iris: IRIs, origin: GraphOrigin, ended: dt.datetime) -> None:
    """Write ORIGIN's PROV description into OUT (the graph it describes)."""
    g, src = origin.graph, origin.source
    activity = f"{g}/build/{origin.started.strftime('%Y%m%dT%H%M%SZ')}"
    agent = iris.agent()
    out.rel(g, str(RDF.type), str(SD.Graph))
    out.rel(g, str(RDF.type), str(PROV.Entity))
    out.text(g, str(DCTERMS.title), origin.title)
    for source in (src, *origin.used):
        out.rel(g, str(PROV.wasDerivedFrom), source)
    out.rel(g, str(PROV.wasGeneratedBy), activity)
    out.add(iri(g), str(PROV.generatedAtTime), stamp(ended))
    out.add(iri(g), str(DCTERMS.modified), stamp(ended))
    for name, value in sorted(origin.counts.items()):
        prop = str(VOID.triples) if name == "triples" else str(DPG[name + "Count"])
        out.add(iri(g), prop, integer(value))
    if origin.sha256 is not None:  # a file, archive or endpoint (a graph describes itself)
        out.rel(src, str(RDF.type), str(PROV.Entity))
        out.text(src, str(DPG.sha256), origin.sha256)
    if origin.location:
        out.text(src, str(DPG.sourceLocation), origin.location)
    if origin.commit:
        out.text(src, str(DPG.commit), origin.commit)
    out.rel(activity, str(RDF.type), str(PROV.Activity))
    out.add(iri(activity), str(PROV.startedAtTime), stamp(origin.started))
    out.add(iri(activity), str(PROV.endedAtTime), stamp(ended))
    for source in (src, *origin.used):
        out.rel(activity, str(PROV.used), source)
    out.rel(activity, str(PROV.wasAssociatedWith), agent)
    out.rel(agent, str(RDF.type), str(PROV.SoftwareAgent))
    out.text(agent, str(RDFS.label), f"dpgkg {__version__}")
    out.text(agent, str(DPG.version), __version__)
