"""``/``: the YASGUI query editor, served from the npm package installed at set-up.

YASGUI comes from ``server/ui/package.json`` (``npm ci --prefix server/ui``) and is served
from this app under ``/ui/assets/``: the page loads nothing from other hosts, so it works
offline. Without the package the page still renders, with the command that installs it.

The named queries of ``queries/*.rq`` become the editor's example tabs. ``/sparql``
declares no prefixes of its own (only ``/queries/<name>`` runs with the graph's
prefixes), so each example gets the ``PREFIX`` lines for the prefixes it uses, and a
``VALUES`` line binding each ``?_param`` (the grlc convention) to an example value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from flask import Blueprint, Response, render_template, send_from_directory

from dpgkg.namespaces import PREFIXES
from dpgkg.query import NamedQuery, named_queries
from server.sparql_text import scan, tokens
from server.state import state

bp = Blueprint("ui", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/ui/static")
UI_DIR = Path(__file__).resolve().parent.parent / "ui"
ASSETS = UI_DIR / "node_modules" / "@zazuko" / "yasgui" / "build"
INSTALL_COMMAND = "npm ci --prefix server/ui"
#: The files of the package's build/ folder that the page loads.
ASSET_FILES = ("yasgui.min.js", "yasgui.min.css")

_LEADING_COMMENTS = re.compile(r"\A(?:[ \t]*#[^\n]*\n|[ \t]*\n)*")
_EXAMPLE = re.compile(r"--param\s+(\w+)=([^\s,;()]+?)[.,;]?(?=\s|$)")
PLACEHOLDERS = {"integer": "0", "iri": "<urn:example:set-me>"}


def assets_installed() -> bool:
    return all((ASSETS / name).is_file() for name in ASSET_FILES)


def used_prefixes(sparql: str) -> list[str]:
    """The graph prefixes SPARQL uses (prefixed names) but does not declare, sorted."""
    declared = scan(sparql).prefixes
    used = {t.text.split(":", 1)[0] for t in tokens(sparql) if t.kind == "word" and ":" in t.text}
    return sorted(p for p in used if p in PREFIXES and p not in declared)


def _term(kind: str, value: str | None) -> str:
    if value is None:
        return PLACEHOLDERS.get(kind, '""')
    if kind == "integer" and re.fullmatch(r"[+-]?\d+", value):
        return value
    if kind == "iri":
        return f"<{value}>"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _where_body(sparql: str) -> int | None:
    """Where the query's WHERE group starts (just after its brace), skipping comments."""
    toks = tokens(sparql)
    for i, tok in enumerate(toks):
        if (tok.kind == "word" and tok.text.upper() == "WHERE" and i + 1 < len(toks)
                and toks[i + 1].text == "{"):
            return toks[i + 1].end
    first = next((t for t in toks if t.kind == "brace" and t.text == "{"), None)
    return first.end if first else None


def example_text(query: NamedQuery) -> str:
    """QUERY's text made runnable as it stands on ``/sparql``: prefixes and parameters."""
    text = query.text
    if query.params:
        examples = dict(_EXAMPLE.findall(query.description))
        lines = []
        for name, doc in query.params.items():
            kind, _, about = doc.partition(" ")
            term = _term(kind or "string", examples.get(name))
            lines.append(f"  VALUES ?_{name} {{ {term} }}  # parameter {name} ({kind or 'string'})"
                         f"{': ' + about if about else ''}\n")
        cut = _where_body(text)
        if cut is not None:
            after = "" if text[cut:].startswith("\n") else "\n"
            text = text[:cut] + "\n" + "".join(lines).rstrip("\n") + after + text[cut:]
    missing = used_prefixes(text)
    if missing:
        header = _LEADING_COMMENTS.match(text)
        cut = header.end() if header else 0
        declarations = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing)
        text = text[:cut] + declarations + text[cut:]
    return text


def examples(queries: Iterable[NamedQuery] | None = None) -> list[dict[str, str]]:
    """The editor's tabs: QUERIES (default: the named queries in queries/)."""
    chosen = named_queries().values() if queries is None else queries
    return [{"name": q.title or q.name, "query": example_text(q)} for q in chosen]


@bp.route("/")
def index() -> Response:
    return Response(render_template(
        "index.html", installed=assets_installed(), install_command=INSTALL_COMMAND,
        examples=examples(state().queries.values()), prefixes=PREFIXES), mimetype="text/html")


@bp.route("/ui/assets/<path:name>")
def assets(name: str) -> Response:
    return send_from_directory(ASSETS, name, max_age=3600)
