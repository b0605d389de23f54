"""Contract tests: the README's two commands are true, and CI runs the README's test command."""

from __future__ import annotations

import re
import subprocess
import sys
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
    """The main command after its set-up part: build into a store, then query."""
    main = _commands()[0]
    steps = [s.strip() for s in main.split("&&")][2:]  # skip venv creation and pip install
    assert steps[0].startswith(".venv/bin/dpgkg build") and steps[1].startswith(".venv/bin/dpgkg")
    exe = Path(sys.executable).parent / "dpgkg"
    if not exe.exists():
        pytest.skip(f"dpgkg console script not installed beside {sys.executable}")
    env_store = tmp_path / "store"
    for step in steps:
        args = step.split()[1:]
        args = [a.replace("../shared/data", str(shared_data())) for a in args]
        out = subprocess.run([str(exe), *args, "--store", str(env_store)] if args[0] in (
            "build", "query") else [str(exe), *args], cwd=ROOT, capture_output=True, text=True,
            timeout=300)
        assert out.returncode == 0, out.stderr
    assert "Good health and well-being" in out.stdout


def test_documented_env_vars_are_the_real_ones() -> None:
    from dpgkg.config import ENV_VARS

    documented = set(re.findall(r"`(DPGKG_[A-Z_]+)`", README))
    assert documented == set(ENV_VARS)
    source = "\n".join(p.read_text() for p in (ROOT / "dpgkg").rglob("*.py")
                       if p.name != "config.py")
    assert "os.environ" not in source and "getenv" not in source
