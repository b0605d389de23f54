"""Reading schema.org JSON-LD into ``Node`` trees, for the schema.org source kind.

Two readings, chosen per document by ``read_nodes``: with a local copy of the schema.org
context, every ``"@context"`` naming schema.org is swapped for that copy and the document is
expanded to RDF with rdflib (prefixes, ``@vocab``, ``@graph`` and ``@list`` mean what JSON-LD
says); without one, or when another remote context remains (rdflib would fetch it), the JSON
is read directly, keeping keys that are schema.org terms. Both give the same ``Node`` shape,
so the mapping in ``schemaorg`` does not care which was used.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from typing import Any

from dpgkg.catalogues.jsonmap import pointer
from dpgkg.catalogues.values import clean

_SCHEMA = ("http://schema.org/", "https://schema.org/")
_CONTEXT_URL = re.compile(r"^https?://schema\.org(?:/|/docs/jsonldcontext\.json[l]?)?$",
                          re.IGNORECASE)
# Base for expansion, taken off again: relative references ("CC-BY-4.0" where an IRI is
# expected) come back as written instead of resolved against the page's file: URL.
_RELATIVE = "http://dpgkg-relative.invalid/"
DATASET_TYPES = {"Dataset", "DataFeed"}


class Node:
    """A JSON-LD node reduced to schema.org local names: props map a term ("name") to its
    values, each text (a literal or an IRI) or another Node."""

    __slots__ = ("id", "key", "props", "types")

    def __init__(self, node_id: str | None, types: set[str], key: str | None = None) -> None:
        self.id = node_id
        self.key = key or node_id or f"_:{id(self)}"  # identity, blank nodes included
        self.types = types
        self.props: dict[str, list[str | Node]] = {}

    def all(self, term: str) -> list[str | Node]:
        return self.props.get(term, [])

    def text(self, term: str) -> str | None:
        """The first text value of TERM (a value node's text included)."""
        for value in self.all(term):
            found = clean(value) if isinstance(value, str) else value.text("value")
            if found:
                return found
        return None

    def nodes(self, term: str) -> list[Node]:
        return [v for v in self.all(term) if isinstance(v, Node)]


def _local(term: str) -> str | None:
    """The schema.org local name of a key or IRI ("schema:name", "https://schema.org/name",
    "name"), None for other vocabularies."""
    for base in _SCHEMA:
        if term.startswith(base):
            return term[len(base):]
    if term.startswith("schema:"):
        return term[7:]
    return None if ":" in term or term.startswith("@") else term


def _from_json(value: Any, depth: int = 0) -> list[str | Node]:
    """Values of the direct (unexpanded) reading of JSON."""
    if depth > 30 or value is None:  # deeper than any real record: a cyclic or hostile page
        return []
    if isinstance(value, list):
        return [v for item in value for v in _from_json(item, depth + 1)]
    if not isinstance(value, dict):
        text = clean(value) if not isinstance(value, bool) else str(value).lower()
        return [text] if text else []
    if "@value" in value:
        return _from_json(value["@value"], depth + 1)
    if "@list" in value or "@set" in value:
        return _from_json(value.get("@list", value.get("@set")), depth + 1)
    node_id = clean(value.get("@id") or value.get("id"))
    keys = [k for k in value if k not in ("@id", "id", "@context")]
    if node_id and not keys:
        return [node_id]  # a reference
    types = {t for t in (_local(str(x)) for x in _from_json(value.get("@type") or
                                                            value.get("type"), depth + 1)
                         if isinstance(x, str)) if t}
    node = Node(node_id, types)
    for key in keys:
        term = _local(key)
        if term and term not in ("type",):
            node.props.setdefault(term, []).extend(_from_json(value[key], depth + 1))
    return [node]


def _unbase(term: Any) -> str:
    """A term as text; a relative reference ("license": "CC-BY-4.0") as written."""
    text = str(term)
    if text.startswith(_RELATIVE):  # rdflib resolves a reference it cannot parse to the
        return text[len(_RELATIVE):] or "(not an IRI)"  # base itself: keep it reportable
    return text


def _from_rdf(graph: Any, subject: Any, seen: frozenset[Any] = frozenset()) -> Node:
    """A Node of an expanded (rdflib) graph; lists flattened, cycles cut."""
    from rdflib import RDF, BNode, Literal
    from rdflib.collection import Collection

    node = Node(None if isinstance(subject, BNode) else _unbase(subject), set(), str(subject))
    seen = seen | {subject}
    for pred, obj in graph.predicate_objects(subject):
        if pred == RDF.type:
            name = _local(str(obj))
            if name:
                node.types.add(name)
            continue
        term = _local(str(pred)) if str(pred).startswith(_SCHEMA) else None
        if not term:
            continue
        objects = (list(Collection(graph, obj)) if isinstance(obj, BNode)
                   and (obj, RDF.first, None) in graph else [obj])
        for item in objects:
            if isinstance(item, Literal):
                node.props.setdefault(term, []).append(str(item))
            elif item in seen or (item, None, None) not in graph or len(seen) > 30:
                node.props.setdefault(term, []).append(_unbase(item))
            else:
                node.props.setdefault(term, []).append(_from_rdf(graph, item, seen))
    return node


def read_nodes(doc: Any, context: dict[str, Any] | None) -> list[tuple[str, Node]]:
    """(pointer or @id, node) of DOC's top-level nodes, expanded against CONTEXT (the local
    schema.org context) when given and the document allows, else read directly."""
    if context is not None:
        localised = _localise(doc, context)
        if localised is not None:
            try:
                return _expand(localised)
            except Exception:  # rdflib raises many kinds; the direct reading still works
                pass
    items = doc.get("@graph") if isinstance(doc, dict) and "@graph" in doc else doc
    prefix = ("@graph",) if items is not doc else ()
    if isinstance(items, list):
        return [(pointer(*prefix, i), n) for i, item in enumerate(items)
                for n in _from_json(item) if isinstance(n, Node)]
    return [(pointer(*prefix), n) for n in _from_json(items) if isinstance(n, Node)]


def _localise(doc: Any, context: dict[str, Any]) -> Any | None:
    """DOC with every schema.org context reference replaced by the local copy; None when
    another remote context remains (expanding it would fetch it)."""
    remote = False

    def swap(value: Any) -> Any:
        nonlocal remote
        if isinstance(value, str):
            if _CONTEXT_URL.match(value.strip()):
                return context
            remote = True
            return value
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, dict) and "@import" in value:
            remote = True
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) if k == "@context" else walk(v) for k, v in value.items()}
        return value

    result = walk(doc)
    return None if remote else result


def _expand(doc: Any) -> list[tuple[str, Node]]:
    """The DataCatalog and Dataset nodes of DOC expanded to RDF (its contexts already local)."""
    from rdflib import RDF, Graph, URIRef

    graph = Graph()
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.ERROR)  # rdflib warns on every odd IRI; the mapping checks them
    try:
        with warnings.catch_warnings():  # rdflib's own ConjunctiveGraph deprecation
            warnings.simplefilter("ignore", DeprecationWarning)
            graph.parse(data=json.dumps(doc), format="json-ld", base=_RELATIVE)
    finally:
        logger.setLevel(level)
    nodes = []
    for base in _SCHEMA:
        for cls in ("DataCatalog", *DATASET_TYPES):
            for subject in graph.subjects(RDF.type, URIRef(base + cls)):
                label = f"@id {subject}" if isinstance(subject, URIRef) else ""
                nodes.append((label, _from_rdf(graph, subject)))
    return nodes
