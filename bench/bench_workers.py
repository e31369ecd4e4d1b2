"""Workers: GetProject and CreateJobRun throughput of ``mockcml serve --workers N`` on PostgreSQL.

A throwaway PostgreSQL cluster (tests/pg.py: initdb in a temp dir, never a system service)
holds one database per server; one mockcml with 1 worker and one with 2 workers serve the
same generated scenario (``bench_fixture_load``), side by side, with ``--time-scale 0``.
Each repetition measures the bare FastAPI route first, then each route on each server with
wrk (one thread, 32 connections), so every figure is a ratio to the same repetition's bare
route; the scaling figure is the 2-worker ratio over the 1-worker ratio of the same
repetition.

    python -m bench.bench_workers [--seconds 3] [--repeat 3] [--projects 1000 --runs 1000]

Target: 2 workers serve GetProject at least 1.6x as fast as 1 worker (this machine has 2
cores, shared with PostgreSQL and wrk).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.bench_throughput import routes, scenario_file, wrk
from bench.common import AUTH, Child, Figure, bare_cmd, figures_table, mock_cmd, start, write

TARGET = 1.6
WORKERS = (1, 2)
CONNECTIONS = 32
ROUTES = ("GetProject", "CreateJobRun")


def _database(server_url: str, name: str) -> str:
    url = make_url(server_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _serve(database: str, scenario: Path, workers: int) -> Child:
    return start(lambda port: mock_cmd(port, "--db", database, "--workers", str(workers),
                                       "--fixtures", str(scenario), "--time-scale", "0"),
                 "/api/v2/projects", AUTH, interval=0.05, timeout=300)


def run(seconds: float = 3, repeat: int = 3, projects: int = 1000, runs: int = 1000) -> dict:
    from tests.pg import ThrowawayPostgres

    samples: dict[tuple[int, str], list[dict]] = {(w, r): [] for w in WORKERS for r in ROUTES}
    baseline: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="mockcml-bench-") as tmp, ThrowawayPostgres() as pg:
        folder = Path(tmp)
        scenario = scenario_file(folder, projects, runs)
        servers = {w: _serve(_database(pg.url, f"bench_w{w}"), scenario, w) for w in WORKERS}
        bare = start(bare_cmd, "/constant")
        try:
            tables = {w: routes(s.url, folder) for w, s in servers.items()}
            for _ in range(repeat):
                baseline.append(wrk(f"{bare.url}/constant", seconds, {}, None, CONNECTIONS))
                for route in ROUTES:
                    for w in WORKERS:
                        url, script = tables[w][route]
                        samples[(w, route)].append(wrk(url, seconds, AUTH, script, CONNECTIONS))
        finally:
            bare.stop()
            for server in servers.values():
                server.stop()
    bare_rps = statistics.median(b["rps"] for b in baseline)
    figures = []
    ratios: dict[tuple[int, str], list[float]] = {}
    for (w, route), values in samples.items():
        ratios[(w, route)] = [v["rps"] / b["rps"] for v, b in zip(values, baseline, strict=True)]
        failed = sum(v["non_2xx"] + v["socket_errors"] for v in values)
        figures.append(Figure(
            "workers", f"{route} req/s, {w} worker{'s' if w > 1 else ''} on PostgreSQL",
            f"{statistics.median(v['rps'] for v in values):.0f}/s", f"bare {bare_rps:.0f}/s",
            ratios[(w, route)],
            note=f"{failed} non-2xx responses or socket errors" if failed else ""))
    for route in ROUTES:
        scale = [two / one for one, two in zip(ratios[(1, route)], ratios[(2, route)],
                                               strict=True)]
        is_target = route == "GetProject"
        figures.append(Figure(
            "workers", f"{route}: 2 workers over 1 worker", f"{statistics.median(scale):.2f}x",
            "1 worker, same repetition (each over the bare route)", scale,
            f">= {TARGET}x" if is_target else "",
            (statistics.median(scale) >= TARGET) if is_target else None,
            why=("2 cores run both workers, PostgreSQL and wrk: a second worker can only use "
                 "what the others leave idle") if is_target else ""))
    return {"figures": figures, "raw": {
        "baseline": baseline, "seconds": seconds, "connections": CONNECTIONS,
        "projects": projects, "runs": runs,
        "routes": {f"{route} x{w}": values for (w, route), values in samples.items()}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("seconds", 3.0), ("repeat", 3), ("projects", 1000), ("runs", 1000)):
        parser.add_argument(f"--{name}", type=type(default), default=default)
    result = run(**vars(parser.parse_args()))
    print(figures_table(result["figures"]))
    print("wrote", write("workers", {"figures": [f.to_dict() for f in result["figures"]],
                                      "raw": result["raw"]}))


if __name__ == "__main__":
    main()
