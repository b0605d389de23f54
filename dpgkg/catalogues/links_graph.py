"""One ``dpg:Link`` resource, as the catalogue linking and the Wikidata alignment write it.

Each caller mints its own link IRI (NODE) from its own key, so link IRIs stay stable.
"""

from __future__ import annotations

from dpgkg.namespaces import DPG, PROV, RDF, RDFS, XSD
from dpgkg.rdfterms import QuadWriter, iri, literal

_LINK, _TYPE = str(DPG.Link), str(RDF.type)
_RULE, _SUBJECT, _PREDICATE, _OBJECT = (str(DPG.rule), str(DPG.linkSubject),
                                        str(DPG.linkPredicate), str(DPG.linkObject))
_FIELD, _TEXT, _CONFIDENCE, _STATUS = (str(DPG.matchedField), str(DPG.matchedText),
                                       str(DPG.confidence), str(DPG.reviewStatus))
_GENERATED, _DERIVED, _COMMENT = (str(PROV.generatedAtTime), str(PROV.wasDerivedFrom),
                                  str(RDFS.comment))
_DECIMAL = str(XSD.decimal)


def write_link(out: QuadWriter, node: str, rule: str, subject: str, predicate: str, obj: str,
               field: str, text: str, confidence: float, status: str, stamp: str,
               source: str | None = None, reason: str = "") -> None:
    """The link resource NODE (rule, the linked pair, matched field and text, confidence,
    review status, STAMP: an xsd:dateTime literal, ``provenance.stamp``), derived from SOURCE
    when given, with REASON (why it waits for review) as rdfs:comment; and the plain triple
    SUBJECT PREDICATE OBJ when the link is accepted."""
    out.rel(node, _TYPE, _LINK)
    out.text(node, _RULE, rule)
    out.rel(node, _SUBJECT, subject)
    out.rel(node, _PREDICATE, predicate)
    out.rel(node, _OBJECT, obj)
    out.text(node, _FIELD, field)
    out.text(node, _TEXT, text)
    out.add(iri(node), _CONFIDENCE, literal(f"{confidence:.2f}", _DECIMAL))
    out.text(node, _STATUS, status)
    out.add(iri(node), _GENERATED, stamp)
    if source:
        out.rel(node, _DERIVED, source)
    if reason:
        out.text(node, _COMMENT, reason)
    if status == "accepted":
        out.rel(subject, predicate, obj)
