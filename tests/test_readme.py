"""Contract tests: the README's two commands are true, and CI runs the README's test command."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import shared_data

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    return [line.strip() for line in README.splitlines()
            if line.startswith("    python3 -m venv .venv && ")]


def test_two_commands() -> None:
    cmds = _commands()
    assert len(cmds) == 2
    assert "dpgkg build" in cmds[0] and "pytest" in cmds[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    m = re.search(r'^TEST_COMMAND="(.*)"$', ci, re.M)
    assert m and m.group(1) == _commands()[1]


def test_main_command_works(tmp_path: Path, registry_dir: Path, sdg_dir: Path) -> None:
    """The main command after its set-up part: build into a store, then serve it, and the
    server answers the first question (DPGs per SDG)."""
    import requests

    from tests.conftest import free_port

    main = _commands()[0]
    steps = [s.strip() for s in main.split("&&")]
    assert steps[2] == "npm ci --prefix server/ui"  # the UI assets (tests/test_ui_browser.py)
    build_step, serve_step = steps[3:]
    assert build_step.startswith(".venv/bin/dpgkg build")
    assert serve_step == ".venv/bin/dpgkg serve"
    exe = Path(sys.executable).parent / "dpgkg"
    if not exe.exists():
        pytest.skip(f"dpgkg console script not installed beside {sys.executable}")
    store = tmp_path / "store"
    args = [a.replace("../shared/data", str(shared_data())) for a in build_step.split()[1:]]
    out = subprocess.run([str(exe), *args, "--store", str(store)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    port = free_port()
    server = subprocess.Popen([str(exe), *serve_step.split()[1:], "--store", str(store),
                               "--port", str(port)], cwd=ROOT, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        r = requests.get(f"{url}/queries/dpgs-per-sdg", headers={"Accept": "text/csv"},
                         timeout=30)
        assert r.status_code == 200 and "Good health and well-being" in r.text
    finally:
        server.terminate()
        server.wait(10)


def test_documented_env_vars_are_the_real_ones() -> None:
    from dpgkg.config import ENV_VARS

    documented = set(re.findall(r"`(DPGKG_[A-Z_]+)`", README))
    assert documented == set(ENV_VARS)
    source = "\n".join(p.read_text() for folder in ("dpgkg", "server")
                       for p in (ROOT / folder).rglob("*.py") if p.name != "config.py")
    assert "os.environ" not in source and "getenv" not in source
