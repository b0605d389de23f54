"""``benchmarks/bench_build.py`` runs end to end on tiny inputs (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_build.py"


def test_bench_build_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--registry", str(ROOT / "tests" / "fixtures" / "registry"),
         "--sdg", str(tmp_path / "absent"), "--sizes", "30", "60", "--baseline-max", "30",
         "--repeat", "2", "--json", str(out)],
        capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    figures = {row["label"].strip(): row for row in report["builds"]}
    assert set(figures) == {"real registry + SDG vocabulary", "the same, with validation graph",
                            "synthetic 30 records", "synthetic 60 records"}
    synthetic = figures["synthetic 30 records"]
    # Each dpgkg build ran twice, each in a fresh process; the median is the figure.
    assert len(synthetic["dpgkg"]["runs"]) == 2
    assert synthetic["dpgkg"]["records"] == 30
    assert synthetic["dpgkg"]["errors"] == 0
    # Both builds mapped the records (~94 quads each, shaped like the real ones).
    assert synthetic["dpgkg"]["quads"] > 30 * 50
    assert synthetic["rdflib"]["quads"] > 30 * 50
    assert synthetic["ratio"] > 0
    assert "peak RSS of the dpgkg builds" in proc.stdout
    # The sizes took turns: one ratio per round, and the target scales with the sizes.
    assert len(report["growth"]["rounds"]) == 2
    assert report["growth"]["target"] == pytest.approx(2.2)
    assert figures["synthetic 60 records"]["rdflib"] is None  # above --baseline-max
    assert "60 / 30 records, time:" in proc.stdout
