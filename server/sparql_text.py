"""A small SPARQL scanner: what the endpoint must know before a query runs.

The engine (Oxigraph) parses every query itself; this scanner only finds the query form
(to negotiate a response type) and the operations a request may not trigger on its own
say-so: ``SERVICE`` calls and ``LOAD``. It skips comments, strings and IRIs, so a keyword
inside a literal or an IRI never counts, and a keyword hidden by a comment is not missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Order matters: strings before IRIs and comments, so "#" or "<" inside a string is text.
_TOKEN = re.compile(
    r"""
      (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n\r]*)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<word>[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)
    | (?P<brace>[{}])
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class Scan:
    """What the scanner found in one request's SPARQL text."""

    form: str | None = None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None (update / unknown)
    services: list[str] = field(default_factory=list)  # IRIs; "?var" for a variable
    loads: list[str] = field(default_factory=list)  # IRIs given to LOAD
    prefixes: dict[str, str] = field(default_factory=dict)
    has_from: bool = False  # a FROM / FROM NAMED dataset clause: it overrides the union


def tokens(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind != "comment":
            out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


def scan(text: str) -> Scan:
    """Find the query form, SERVICE targets, LOAD sources and declared prefixes."""
    result = Scan()
    toks = tokens(text)
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        nxt = _next_significant(toks, i + 1, skip=("SILENT",))
        if word in QUERY_FORMS and result.form is None and not _in_subquery(toks, i):
            result.form = word
        elif word == "SERVICE":
            result.services.append(_target(nxt, result.prefixes))
        elif word == "FROM":
            result.has_from = True
        elif word == "LOAD":
            result.loads.append(_target(nxt, result.prefixes))
        elif word == "PREFIX" and nxt is not None and i + 2 < len(toks):
            iri_tok = toks[i + 2]
            if iri_tok.kind == "iri":
                result.prefixes[nxt.text.rstrip(":")] = iri_tok.text[1:-1]
    return result


def _next_significant(toks: list[Token], i: int, skip: tuple[str, ...]) -> Token | None:
    while i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() in skip:
        i += 1
    return toks[i] if i < len(toks) else None


def _in_subquery(toks: list[Token], i: int) -> bool:
    depth = sum(1 if t.text == "{" else -1 for t in toks[:i] if t.kind == "brace")
    return depth > 0


def _target(tok: Token | None, prefixes: dict[str, str]) -> str:
    """The IRI a SERVICE or LOAD names, with prefixed names expanded; vars kept as ?x."""
    if tok is None:
        return ""
    if tok.kind == "iri":
        return tok.text[1:-1]
    if tok.kind == "word" and ":" in tok.text:
        prefix, _, local = tok.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return tok.text


#: Characters an IRIREF may not hold (SPARQL grammar), plus the quote: a value free of them
#: can be written as <value> into SPARQL text without closing the IRI or a string around it.
IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_POSITION = re.compile(r"error at (\d+):(\d+)")


def error_position(message: str) -> tuple[int, int] | None:
    """Line and column from an Oxigraph parser message ("error at 3:14: ...")."""
    m = _POSITION.search(message)
    return (int(m.group(1)), int(m.group(2))) if m else None
