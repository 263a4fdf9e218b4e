"""The pipeline benchmark reads what `archive build` prints: if the report changes, the
benchmark must still find every stage, and its plot must stay a picture (no script)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

from generator.cli import main as cli_main
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import pipeline_bench  # noqa: E402


def test_the_benchmark_reads_every_stage_of_a_real_build_report_and_plots_it(tmp_path, seed_copy, capsys):
    code = cli_main(["build", "--seeds", str(seed_copy), "--docs", str(tmp_path / "docs"), "--index", str(tmp_path / "ix"), "-q"])
    assert code == 0
    row = pipeline_bench.parse_report(capsys.readouterr().out)
    assert row["articles"] == 5 and row["seconds"] > 0
    assert tuple(row["stages"]) == pipeline_bench.STAGES
    assert all(seconds >= 0 and peak > 10 for seconds, peak in row["stages"].values())

    rows = [dict(row, n=n, seconds=row["seconds"] * n / 5, cpu=1.0, largest_process_mb=100.0, tree_peak_mb=200.0) for n in (5, 5000)]
    svg = ET.fromstring(pipeline_bench.plot(rows))
    names = {element.tag.split("}")[1] for element in svg.iter()}
    assert "script" not in names and "foreignObject" not in names
    lines = [e for e in svg.iter() if e.tag.endswith("polyline")]
    assert len(lines) == 3 and all(len(e.get("points").split()) == 2 for e in lines)
    assert pipeline_bench.table(rows).count("whole pipeline") == 2


def test_the_benchmark_reads_the_index_made_in_a_second_process(tmp_path, seed_copy):
    """With two jobs (the benchmark's default) the report has another order of stages and
    a line for the Whoosh index made beside them; the table shows it."""
    import subprocess

    done = subprocess.run([sys.executable, "-m", "generator", "build", "--seeds", str(seed_copy), "--docs", str(tmp_path / "docs"),
                           "--index", str(tmp_path / "ix"), "--jobs", "2", "-q"], capture_output=True, text=True, check=True)
    row = pipeline_bench.parse_report(done.stdout)
    assert tuple(row["stages"]) == pipeline_bench.STAGES_BESIDE
    seconds, peak = row["beside"]["whoosh index"]
    assert list(row["beside"]) == ["whoosh index"] and seconds >= 0 and peak > 10  # 5 seeds: 0.0 s or 0.1 s as printed
    table = pipeline_bench.table([dict(row, n=5, cpu=1.0, largest_process_mb=100.0, tree_peak_mb=200.0)])
    assert "whoosh index (second process" in table and "whoosh index wait" in table
