"""The query page at ``/``: YASGUI from the npm package, the named queries as examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dpgkg.namespaces import PREFIXES
from dpgkg.query import named_queries
from server.views import ui

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "server" / "templates"
STATIC = ROOT / "server" / "static"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
                      re.IGNORECASE)
needs_assets = pytest.mark.skipif(
    not ui.assets_installed(),
    reason=f"YASGUI is not installed: run `{ui.INSTALL_COMMAND}` (needs Node.js and npm)")


def _json_script(html: str, element_id: str) -> object:
    m = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html,
                  re.DOTALL)
    assert m, f"no #{element_id} in the page"
    return json.loads(m.group(1))


def test_index_renders_with_links(client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    for link in ('href="/queries"', 'href="/openapi.json"', 'href="/.well-known/void"',
                 'href="/dumps/"', "/sparql"):
        assert link in html


@needs_assets
def test_index_loads_yasgui_with_examples_and_prefixes(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'id="ui-missing"' not in html
    assert "/ui/assets/yasgui.min.js" in html and "/ui/assets/yasgui.min.css" in html
    assert "/ui/static/ui.js" in html
    examples = _json_script(html, "dpgkg-examples")
    assert isinstance(examples, list)
    assert [e["name"] for e in examples] == [q.title for q in named_queries().values()]
    assert _json_script(html, "dpgkg-prefixes") == PREFIXES


def test_missing_assets_message(client, monkeypatch: pytest.MonkeyPatch,
                                tmp_path: Path) -> None:
    monkeypatch.setattr(ui, "ASSETS", tmp_path / "absent")
    r = client.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert 'id="ui-missing"' in html
    assert "npm ci --prefix server/ui" in html
    assert "yasgui.min.js" not in html
    assert 'href="/queries"' in html


def test_examples_declare_the_prefixes_they_use() -> None:
    for example in ui.examples():
        text = example["query"]
        for prefix in ui.used_prefixes(text):
            pytest.fail(f"{example['name']}: {prefix}: used but not declared")
        assert re.search(r"^PREFIX \w+: <", text, re.MULTILINE), example["name"]


def test_examples_bind_parameters() -> None:
    params = {q.title: q.params for q in named_queries().values() if q.params}
    assert params, "expected at least one parameterised named query"
    by_name = {e["name"]: e["query"] for e in ui.examples()}
    for title, names in params.items():
        for name in names:
            assert re.search(rf"VALUES \?_{name} \{{ ", by_name[title]), (title, name)
    # The header's "Example: --param indicator=7" becomes the example value.
    failing = next(e["query"] for e in ui.examples() if "?_indicator" in e["query"])
    assert 'VALUES ?_indicator { "7" }' in failing


def test_example_text_keeps_declared_prefixes_and_comments() -> None:
    from dpgkg.query import NamedQuery

    q = NamedQuery("x", Path("x.rq"), "# Title\nPREFIX dpg: <urn:other#>\n"
                   "SELECT * WHERE { ?s dpg:p ?o ; rdfs:label \"dpg:no\" }  # skos:no\n")
    text = ui.example_text(q)
    assert text.startswith("# Title\nPREFIX rdfs: <")
    assert "PREFIX dpg: <urn:other#>" in text and text.count("PREFIX dpg:") == 1
    assert "PREFIX skos:" not in text


def test_examples_run_on_sparql(client) -> None:
    """Each example, exactly as the editor sends it, is a valid query for /sparql."""
    for example in ui.examples():
        r = client.post("/sparql", data={"query": example["query"]},
                        headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (example["name"], r.get_data(as_text=True))
        assert "results" in r.get_json() or "boolean" in r.get_json()


@needs_assets
def test_assets_route_serves_yasgui(client) -> None:
    r = client.get("/ui/assets/yasgui.min.js")
    assert r.status_code == 200
    assert "javascript" in r.mimetype
    assert len(r.get_data()) > 100_000
    r.close()
    css = client.get("/ui/assets/yasgui.min.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    css.close()
    assert client.get("/ui/assets/../package.json").status_code == 404
    assert client.get("/ui/assets/nope.js").status_code == 404


def test_static_route_serves_page_script(client) -> None:
    r = client.get("/ui/static/ui.js")
    assert r.status_code == 200
    assert "persistenceId: null" in r.get_data(as_text=True)
    r.close()


def test_no_cdn_urls_in_page_files() -> None:
    """The page's own files load nothing from other hosts (so it works offline)."""
    files = [*TEMPLATES.glob("*.html"), *STATIC.glob("*")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), f"{path.name} references another host"
        for host in ("cdn", "unpkg", "jsdelivr", "googleapis", "cloudflare"):
            assert host not in text.lower(), f"{path.name} mentions {host}"


@needs_assets
def test_yasgui_css_loads_nothing_remote() -> None:
    css = (ui.ASSETS / "yasgui.min.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", css)
    assert "@import" not in css


def test_package_json_pins_yasgui() -> None:
    package = json.loads((ui.UI_DIR / "package.json").read_text(encoding="utf-8"))
    assert package["private"] is True
    assert "@zazuko/yasgui" in package["dependencies"]
    lock = json.loads((ui.UI_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert "node_modules/@zazuko/yasgui" in lock["packages"]
