"""The benchmarks run: ``python -m bench --quick`` on tiny sizes, every benchmark once.

No timing is asserted (this proves the scripts work, not how fast mockcml is); sizes are
small enough for the whole run to take well under a minute.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--quick", "--projects", "12", "--runs", "250", "--page-size", "100",
        "--lifecycle-runs", "12", "--lifecycle-seconds", "0.4", "--lifecycle-spread", "0.3",
        "--idle-seconds", "0.3", "--seconds", "1", "--repeat", "1", "--scheduler-days", "0.02"]


def test_every_benchmark_runs_on_tiny_sizes(tmp_path: Path) -> None:
    # The workers benchmark starts a PostgreSQL cluster: its own smoke test below.
    skip = ["--skip", "workers" if shutil.which("wrk") else "throughput,workers"]
    markdown = tmp_path / "RESULTS.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", *TINY, *skip, "--results", str(tmp_path),
         "--markdown", str(markdown)],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]

    payload = json.loads((tmp_path / "quick.json").read_text())
    assert payload["errors"] == {}
    ran = {figure["bench"] for figure in payload["figures"]}
    expected = {"startup", "memory", "snapshot", "paging", "fixture load", "lifecycle",
                "scheduler"}
    if "throughput" not in skip[1]:
        expected.add("throughput")
    assert expected <= ran, ran
    for figure in payload["figures"]:
        assert figure["value"] and figure["baseline"], figure
        for ratio in figure["ratios"]:
            assert ratio >= 0, figure
    assert {"cpus", "python", "system"} <= set(payload["machine"])

    report = markdown.read_text()
    assert report.startswith("# Benchmark results")
    assert "| startup |" in report and "| lifecycle |" in report
    # The committed report is written by a full run only.
    assert not (tmp_path / "RESULTS-quick.md").exists()


def test_workers_benchmark_runs_on_tiny_sizes(tmp_path: Path) -> None:
    from tests.pg import _program

    if not shutil.which("wrk"):
        pytest.skip("wrk is not installed")
    try:
        _program("initdb")
    except RuntimeError as exc:
        pytest.skip(str(exc))
    result = subprocess.run(
        [sys.executable, "-m", "bench", *TINY, "--only", "workers", "--results", str(tmp_path),
         "--markdown", str(tmp_path / "RESULTS.md")],
        cwd=ROOT, capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    figures = json.loads((tmp_path / "quick.json").read_text())["figures"]
    names = {figure["name"] for figure in figures}
    assert {"GetProject req/s, 2 workers on PostgreSQL", "CreateJobRun: 2 workers over 1 worker",
            "GetProject: 2 workers over 1 worker"} <= names, names
    assert all(r > 0 for figure in figures for r in figure["ratios"])


def test_wrk_output_is_parsed() -> None:
    from bench.bench_throughput import parse_wrk

    out = """Running 1s test @ http://127.0.0.1:1/constant
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.71ms  512.33us  10.94ms   84.12%
    Req/Sec     9.51k   512.00     9.90k    80.00%
  Latency Distribution
     50%    1.62ms
     75%  850.00us
     90%    2.26ms
     99%    1.02s
  9466 requests in 1.00s, 1.46MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   9445.12
Transfer/sec:      1.46MB
"""
    parsed = parse_wrk(out)
    assert parsed["rps"] == 9445.12
    assert abs(parsed["p50"] - 1.62e-3) < 1e-12 and abs(parsed["p75"] - 850e-6) < 1e-12
    assert parsed["p99"] == 1.02 and parsed["non_2xx"] == 3 and parsed["socket_errors"] == 0
