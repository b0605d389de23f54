"""``dpgkg query``: run a SPARQL string, a .rq file or a named query, in several formats."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dpgkg.namespaces import PREFIXES, XSD
from dpgkg.resources import resource_dir
from dpgkg.store import OxigraphStore

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_HEADER = re.compile(r"^#\s*(?:@(\w+)\s*(.*)|(.*))$")


class QueryError(ValueError):
    """The query text, file or name is unusable."""


@dataclass
class NamedQuery:
    """A query in queries/: its text and the comment header that documents it."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)


def parse_header(name: str, path: Path) -> NamedQuery:
    """Read the ``#`` comment header: first line the title, ``# @param name type: text``."""
    text = path.read_text(encoding="utf-8")
    q = NamedQuery(name, path, text)
    lines: list[str] = []
    for raw in text.splitlines():
        m = _HEADER.match(raw.strip())
        if not m:
            break
        if m.group(1) == "param":
            pname, _, doc = (m.group(2) or "").partition(":")
            words = pname.split()
            q.params[words[0] if words else ""] = " ".join([*words[1:], doc.strip()]).strip()
        elif m.group(1):
            continue
        else:
            lines.append((m.group(3) or "").strip())
    lines = [ln for ln in lines if ln]
    q.title = lines[0] if lines else name
    q.description = " ".join(lines[1:])
    return q


def named_queries() -> dict[str, NamedQuery]:
    folder = resource_dir("queries")
    return {p.stem: parse_header(p.stem, p) for p in sorted(folder.glob("*.rq"))}


def resolve_query(text_or_name: str) -> tuple[str, NamedQuery | None]:
    """A named query, a path to a .rq file, or SPARQL text (in that order)."""
    queries = named_queries()
    if text_or_name in queries:
        return queries[text_or_name].text, queries[text_or_name]
    path = Path(text_or_name)
    if text_or_name.endswith(".rq") or (len(text_or_name) < 4096 and path.is_file()):
        if not path.is_file():
            raise QueryError(f"{text_or_name}: no such query file, and no named query of that "
                             f"name (known: {', '.join(queries)})")
        return path.read_text(encoding="utf-8"), parse_header(path.stem, path)
    if not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", text_or_name, re.IGNORECASE):
        raise QueryError(f"{text_or_name!r} is not SPARQL, a .rq file or a named query "
                         f"(known: {', '.join(queries)})")
    return text_or_name, None


PARAM_TYPES = ("string", "integer", "iri")


def typed_params(query: NamedQuery | None, values: dict[str, str]
                 ) -> dict[str, ox.Literal | ox.NamedNode]:
    """Turn ``name=value`` strings into RDF terms using the types the query header declares."""
    declared = query.params if query else {}
    out: dict[str, ox.Literal | ox.NamedNode] = {}
    for name, value in values.items():
        if query is not None and name not in declared:
            raise QueryError(f"unknown parameter {name!r} for query {query.name!r} "
                             f"(declared: {', '.join(declared) or 'none'})")
        kind = (declared.get(name, "string").split() or ["string"])[0]
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise QueryError(f"parameter {name!r} must be an integer, not {value!r}")
            out[name] = ox.Literal(value, datatype=ox.NamedNode(str(XSD.integer)))
        elif kind == "iri":
            try:
                out[name] = ox.NamedNode(value)
            except ValueError as exc:
                raise QueryError(f"parameter {name!r} must be an IRI: {exc}") from exc
        else:
            out[name] = ox.Literal(value)
    return out


def substitute(sparql: str, values: dict[str, ox.Literal | ox.NamedNode]) -> str:
    """Put parameter values in place of their ``?_name`` variables (the grlc convention).

    Each value is written as an escaped RDF term (pyoxigraph's N-Triples form), so a value
    can only ever be one term: it cannot close a string or add a clause to the query.
    """
    for name, term in values.items():
        # Doubled backslashes: re.sub would read "\n" or "\g<0>" in a replacement string.
        written = str(term).replace("\\", "\\\\")
        sparql = re.sub(rf"[?$]_{re.escape(name)}\b", written, sparql)
    return sparql


def run_query(store: OxigraphStore, sparql: str, fmt: str,
              params: dict[str, ox.Literal | ox.NamedNode] | None = None) -> bytes | list:
    """Run SPARQL on STORE; bytes in FMT, or rows (header first) for the table format."""
    sparql = substitute(sparql, params or {})
    with store.reading() as st:
        try:
            result = st.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(result, ox.QueryTriples):
            graph_fmt = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
            return ox.serialize(result, format=graph_fmt,
                                prefixes=PREFIXES if graph_fmt is ox.RdfFormat.TURTLE else None
                                ) or b""
        if fmt == "table":
            if isinstance(result, ox.QueryBoolean):
                return [["result"], ["true" if bool(result) else "false"]]
            variables = [v.value for v in result.variables]
            rows: list[list[str]] = [variables]
            rows.extend([_cell(t) for t in row] for row in result)
            return rows
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"format {fmt!r} needs a CONSTRUCT or DESCRIBE query")
        return result.serialize(format=RESULT_FORMATS[fmt]) or b""


def curie(value: str) -> str:
    """VALUE (an IRI) as prefix:local with the first of PREFIXES it starts with, else as is."""
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns):]}"
    return value


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)
