"""Throughput and latency: mockcml's hot routes against a bare FastAPI route, both under uvicorn.

mockcml serves a generated scenario of 10,000 projects and 100,000 runs, all of one job (the
generator of ``bench_fixture_load``, loaded with ``--fixtures``, ``--time-scale 0``). wrk
(the Debian package) drives each server from a second process on loopback for a few seconds
per route, one thread and 16 connections, with ``--latency``. Every repetition measures the
bare route first and then each mockcml route; each route's requests per second is divided by
the bare route's of the same repetition. p50/p99 are wrk's latency percentiles.

    python -m bench.bench_throughput [--seconds 3] [--repeat 3] [--projects 10000 --runs 100000]
        [--routes GetProject,ListProjects]

Targets (issue #16): GetProject at least 0.6x the bare route, a page of 10 of ListProjects
0.35x, a page of 10 of ListJobRuns with search_filter and sort 0.3x; CreateJobRun at least
0.25x, with its p99 at most 5x its p50.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.bench_fixture_load import HOT_JOB, HOT_PROJECT, generate
from bench.common import AUTH, Child, Figure, bare_cmd, figures_table, mock_cmd, seconds_text, start, write

# Each read route's target, as a ratio to the bare route (issue #16).
TARGETS = {"GetProject": 0.6, "ListProjects (page of 10)": 0.35,
           "ListJobRuns filter+sort (page of 10)": 0.3}
WHY = ("where the time goes: bench/HOTSPOTS.md, section Reads.")
CREATE_TARGET, CREATE_TAIL = 0.25, 5.0  # CreateJobRun: req/s ratio, and p99 / p50
CREATE_WHY = (
    "every request first settles the run the one before it created (at time scale 0 a run "
    "ends as it starts): a scheduler step of four statements and a commit of its own, on top "
    "of the request's own (project, job, queued-script check, insert, commit); and the HTTP "
    "side (two socket writes per response, parsing, intake) alone costs twice a bare request. "
    "See bench/HOTSPOTS.md, Writes and the scheduler.")
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def scenario_file(folder: Path, projects: int, runs: int) -> Path:
    """The generated scenario as YAML: an admin, ``projects`` projects, ``runs`` runs of one job."""
    path = folder / f"scenario-{projects}-{runs}.yaml"
    path.write_text(generate(projects, runs, hot_job=True, admin=True), encoding="utf-8")
    return path


def loaded_server(scenario: Path) -> Child:
    """mockcml serving the scenario, runs finishing at once; ready at its first ListProjects."""
    return start(lambda port: mock_cmd(port, "--fixtures", str(scenario), "--time-scale", "0"),
                 "/api/v2/projects", AUTH, interval=0.02)


def _duration(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(out: str) -> dict[str, float]:
    """Requests/sec, latency percentiles (seconds) and non-2xx count from ``wrk --latency``."""
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M):
        result[f"p{pct}"] = _duration(value)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    result["non_2xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    return result


def wrk(url: str, seconds: float, headers: dict[str, str], script: Path | None = None,
        connections: int = 16) -> dict[str, float]:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def routes(base: str, folder: Path) -> dict[str, tuple[str, Path | None]]:
    post = folder / "post.lua"
    post.write_text('wrk.method = "POST"\nwrk.body = "{}"\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
    runs = f"{base}/api/v2/projects/{HOT_PROJECT}/jobs/{HOT_JOB}/runs"
    query = urlencode({"search_filter": json.dumps({"status": "succeeded"}),
                       "sort": "-created_at", "page_size": 10})
    return {
        "GetProject": (f"{base}/api/v2/projects/{HOT_PROJECT}", None),
        # The first page of 10 of every project (the admin sees all 10,000).
        "ListProjects (page of 10)": (
            f"{base}/api/v2/projects?include_all_projects=true&page_size=10", None),
        "ListJobRuns filter+sort (page of 10)": (f"{runs}?{query}", None),
        "CreateJobRun": (runs, post),
    }


def run(seconds: float = 3, repeat: int = 3, projects: int = 10_000, runs: int = 100_000,
        server: Child | None = None, connections: int = 16,
        only: tuple[str, ...] = ()) -> dict:
    """Measure against ``server`` (a mockcml already serving the scenario) or start one;
    ``only``: the routes whose names start with one of these (all when empty)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is needed: apt-get install -y wrk")
    with tempfile.TemporaryDirectory(prefix="mockcml-bench-") as tmp:
        folder = Path(tmp)
        own = server is None
        if own:
            server = loaded_server(scenario_file(folder, projects, runs))
        bare = start(bare_cmd, "/constant")
        try:
            table = {name: route for name, route in routes(server.url, folder).items()
                     if not only or name.startswith(only)}
            with httpx.Client(headers=AUTH, timeout=60) as client:  # warm caches, check routes
                for url, script in table.values():
                    for _ in range(5):
                        response = (client.post(url, json={}) if script else client.get(url))
                        response.raise_for_status()
            samples: dict[str, list[dict]] = {name: [] for name in table}
            baseline: list[dict] = []
            for _ in range(repeat):
                baseline.append(wrk(f"{bare.url}/constant", seconds, {}, None, connections))
                for name, (url, script) in table.items():
                    samples[name].append(wrk(url, seconds, AUTH, script, connections))
        finally:
            bare.stop()
            if own:
                server.stop()
    bare_rps = statistics.median(s["rps"] for s in baseline)
    bare_p50 = statistics.median(s["p50"] for s in baseline)
    bare_p99 = statistics.median(s["p99"] for s in baseline)
    figures = []
    for name, values in samples.items():
        ratios = [v["rps"] / b["rps"] for v, b in zip(values, baseline, strict=True)]
        rps = statistics.median(v["rps"] for v in values)
        p50 = statistics.median(v["p50"] for v in values)
        p99 = statistics.median(v["p99"] for v in values)
        failed = sum(v["non_2xx"] + v["socket_errors"] for v in values)
        target, met, why = TARGETS.get(name), None, WHY
        text = "" if target is None else f">= {target}x"
        if target is not None:
            met = statistics.median(ratios) >= target
        elif name == "CreateJobRun":
            text = f">= {CREATE_TARGET}x, p99 <= {CREATE_TAIL:g}x p50"
            met = statistics.median(ratios) >= CREATE_TARGET and p99 <= CREATE_TAIL * p50
            why = CREATE_WHY
        figures.append(Figure(
            "throughput", f"{name} req/s", f"{rps:.0f}/s; p50 {seconds_text(p50)}, "
            f"p99 {seconds_text(p99)}",
            f"bare {bare_rps:.0f}/s; p50 {seconds_text(bare_p50)}, p99 {seconds_text(bare_p99)}",
            ratios, text, met,
            note=f"{failed} non-2xx responses or socket errors" if failed else "",
            why=why if met is False else "",
            extra={"p50_ratio": p50 / bare_p50, "p99_ratio": p99 / bare_p99},
        ))
    return {"figures": figures, "raw": {"baseline": baseline, "routes": samples,
                                        "seconds": seconds, "connections": connections,
                                        "projects": projects, "runs": runs}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--routes", default="", help="comma-separated name prefixes")
    args = parser.parse_args()
    begin = time.perf_counter()
    only = tuple(name for name in args.routes.split(",") if name)
    result = run(args.seconds, args.repeat, args.projects, args.runs, only=only)
    print(figures_table(result["figures"]))
    print(f"({time.perf_counter() - begin:.0f} s)")
    print("wrote", write("throughput", {"figures": [f.to_dict() for f in result["figures"]],
                                         "raw": result["raw"]}))


if __name__ == "__main__":
    main()
