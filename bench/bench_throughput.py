"""Throughput: mockcml's hot routes against a bare FastAPI route, both under uvicorn.

wrk (Debian package) drives each server from a second process on loopback for a few
seconds per route; every figure is a ratio to the bare route's requests per second,
measured in the same run, repeated and summarised as min/median/max.

    python -m bench.bench_throughput [--seconds 3] [--repeat 3] [--projects 10000 --runs 100000]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.common import table, write
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[1]
KEY = "mockcml-admin-key"
AUTH = {"authorization": f"Bearer {KEY}"}


def _serve(cmd: list[str], port: int, env: dict | None = None) -> subprocess.Popen:
    import os

    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{cmd} did not start")


def _wrk(url: str, seconds: int, headers: dict[str, str], method: str = "GET") -> float:
    cmd = ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if method != "GET":
        script = Path("/tmp/mockcml-wrk-post.lua")
        script.write_text(f'wrk.method = "{method}"\n')
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _seed(base: str, projects: int, runs: int) -> dict[str, str]:
    """A project, a job and a run to read; bulk data inserted through the fixture loader."""
    with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
        project = client.post("/api/v2/projects", json={"name": "hot"}).json()
        job = client.post(f"/api/v2/projects/{project['id']}/jobs", json={
            "name": "hot", "script": "x.py", "runtime_identifier": "rt"}).json()
        for _ in range(20):
            client.post(f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs")
    return {"project": project["id"], "job": job["id"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fixtures", nargs="*", default=[],
                        help="fixture files for a loaded database (e.g. a bench scenario)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    bare_port, mock_port = free_port(), free_port()
    bare = _serve([sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port",
                   str(bare_port), "--log-level", "warning"], bare_port)
    mock_cmd = [sys.executable, "-m", "mockcml", "serve", "--port", str(mock_port),
                "--log-level", "warning", "--time-scale", "0"]
    if args.fixtures:
        mock_cmd += ["--fixtures", *args.fixtures]
    mock = _serve(mock_cmd, mock_port)
    try:
        base = f"http://127.0.0.1:{mock_port}"
        ids = _seed(base, 0, 0)
        p, j = ids["project"], ids["job"]
        flt = json.dumps({"status": "succeeded"})
        routes = {
            "GetProject": (f"{base}/api/v2/projects/{p}", "GET"),
            "ListProjects (1 page)": (f"{base}/api/v2/projects", "GET"),
            "ListJobRuns filter+sort": (
                f"{base}/api/v2/projects/{p}/jobs/{j}/runs?sort=-created_at&search_filter="
                + httpx.QueryParams({"f": flt})["f"].replace('"', "%22").replace(" ", ""),
                "GET"),
            "CreateJobRun": (f"{base}/api/v2/projects/{p}/jobs/{j}/runs", "POST"),
        }
        ratios: dict[str, list[float]] = {name: [] for name in routes}
        baseline: list[float] = []
        for _ in range(args.repeat):
            reference = _wrk(f"http://127.0.0.1:{bare_port}/constant", args.seconds, {})
            baseline.append(reference)
            for name, (url, method) in routes.items():
                ratios[name].append(_wrk(url, args.seconds, AUTH, method) / reference)
    finally:
        for proc in (bare, mock):
            proc.terminate()
            proc.wait()
    rows = [("bare FastAPI constant", f"{statistics.median(baseline):.0f} req/s", "1.00", "", "")]
    for name, values in ratios.items():
        rows.append((name, f"{statistics.median(values) * statistics.median(baseline):.0f} req/s",
                     f"{statistics.median(values):.2f}", f"{min(values):.2f}", f"{max(values):.2f}"))
    print(table(rows, ("route", "median", "ratio", "min", "max")))
    print("target: GetProject >= 0.5x the bare route")
    print("wrote", write("throughput", {"baseline_rps": baseline, "ratios": ratios}))


if __name__ == "__main__":
    main()
