"""The query page in a real browser: headless Chromium (Debian's) driven by selenium.

A real ``dpgkg serve`` (the ``live_server`` fixture) serves the page; Chromium runs with
every host but the loopback one unresolvable, so the page must work offline. The test
types a query into the YASQE editor, presses the run button and reads the result table.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dpgkg.namespaces import PREFIXES
from dpgkg.query import named_queries
from server.views import ui

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p
                 and Path(p).is_file()), None)
CHROMEDRIVER = next((p for p in (shutil.which("chromedriver"), "/usr/bin/chromedriver") if p
                     and Path(p).is_file()), None)
APT = "apt-get install chromium chromium-driver"

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason=f"no Chromium browser: {APT}"),
    pytest.mark.skipif(CHROMEDRIVER is None, reason=f"no chromedriver: {APT}"),
    pytest.mark.skipif(not ui.assets_installed(),
                       reason=f"YASGUI is not installed: run `{ui.INSTALL_COMMAND}`"),
    pytest.mark.timeout(180),
]
COUNT_QUERY = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a dpg:DigitalProduct }"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps",
                # Offline but for the server: any other host fails to resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def tab_name(tab) -> str:
    """A tab's label (its text less the close button)."""
    return str(tab.text).split("\n")[0].strip()


def expected_count(base: str) -> str:
    """The count the page should show, asked of /sparql directly."""
    prefix = f"PREFIX dpg: <{PREFIXES['dpg']}>\n"
    r = requests.post(f"{base}/sparql", data={"query": prefix + COUNT_QUERY},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    r.raise_for_status()
    value = r.json()["results"]["bindings"][0]["n"]["value"]
    assert int(value) > 0, "the fixture store should hold some products"
    return str(value)


def test_query_page_runs_a_typed_query(live_server, browser) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    count = expected_count(live_server.url)
    browser.get(f"{live_server.url}/")
    wait = WebDriverWait(browser, 30)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))

    # One tab per named query, the first one open in the editor.
    titles = [q.title for q in named_queries().values()]
    tabs = browser.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab")
    assert [tab_name(t) for t in tabs][:len(titles)] == titles
    first = browser.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue();")
    assert first.startswith("# " + titles[0])
    assert "PREFIX dpg: <" in first

    # Clear the editor and type a query that uses dpg: without declaring it: the editor
    # knows the graph's prefixes and adds the PREFIX line itself.
    editor = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .CodeMirror")
    editor.click()
    select_all = Keys.COMMAND if browser.capabilities.get("platformName") == "mac" else Keys.CONTROL
    ActionChains(browser).key_down(select_all).send_keys("a").key_up(select_all) \
        .send_keys(Keys.DELETE).perform()
    ActionChains(browser).send_keys(COUNT_QUERY).perform()
    browser.find_element(By.TAG_NAME, "h1").click()  # close any autocompletion popup
    typed = browser.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue();")
    assert typed == f"PREFIX dpg: <{PREFIXES['dpg']}>\n{COUNT_QUERY}", typed

    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    cell = (By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody td")
    wait.until(ec.presence_of_element_located(cell))
    # YASR shows a typed literal as "2"^^xsd:integer (the prefix from the graph's list).
    wait.until(lambda d: any(td.text.startswith(f'"{count}"') for td in d.find_elements(*cell)))
    header = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table thead").text
    assert "n" in header.split()

    # Everything came from the server itself: no CDN, no remote autocompletion.
    urls = browser.execute_script(
        "return performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource')).map(e => e.name);")
    assert any(u.endswith("/ui/assets/yasgui.min.js") for u in urls), urls
    assert any("/sparql" in u for u in urls), urls
    outside = [u for u in urls if not u.startswith(live_server.url + "/")]
    assert not outside, f"the page loaded resources from elsewhere: {outside}"
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert not errors, errors


def test_query_page_runs_a_named_example(live_server, browser) -> None:
    """An example tab runs as it stands (its PREFIX lines come with it)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{live_server.url}/")
    wait = WebDriverWait(browser, 30)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    title = next(q.title for q in named_queries().values() if q.name == "dpgs-per-type")
    tab = next(t for t in browser.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab")
               if tab_name(t) == title)
    tab.find_element(By.TAG_NAME, "a").click()
    wait.until(lambda d: d.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue();"
    ).startswith(f"# {title}"))
    browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    wait.until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, ".tabPanel.active .yasr table tbody td")))
    header = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr table thead").text
    assert "kind" in header and "products" in header
    # Nothing persisted: the next visit starts from the current named queries again.
    assert browser.execute_script("return window.localStorage.length;") == 0
