"""Snapshots: POST /_mock/snapshots and /_mock/snapshots/{name}/restore on a loaded state.

mockcml serves the generated scenario (10,000 projects, 20,001 jobs, 100,000 runs, their
collaborators: ~140,000 rows). Each repetition times, over HTTP, a save, a restore, and a
trivial control call (GET /_mock/clock) as the baseline, back to back. Target: a restore
well under a second (the reported figure is the median; the target holds for the max).

    python -m bench.bench_snapshot [--repeat 5] [--projects 10000 --runs 100000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import Child, Figure, figures_table, seconds_text, write

TARGET = 1.0


def _timed(client: httpx.Client, method: str, path: str, **kwargs: object) -> float:
    begin = time.perf_counter()
    response = client.request(method, path, **kwargs)
    elapsed = time.perf_counter() - begin
    response.raise_for_status()
    return elapsed


def run(repeat: int = 5, projects: int = 10_000, runs: int = 100_000,
        server: Child | None = None, rows: str = "") -> dict:
    from bench.bench_throughput import loaded_server, scenario_file

    with tempfile.TemporaryDirectory(prefix="mockcml-bench-") as tmp:
        own = server is None
        if own:
            server = loaded_server(scenario_file(Path(tmp), projects, runs))
        try:
            saves, restores, trivial = [], [], []
            with httpx.Client(base_url=server.url, timeout=120) as client:
                _timed(client, "GET", "/_mock/clock")
                for i in range(repeat):
                    trivial.append(_timed(client, "GET", "/_mock/clock"))
                    saves.append(_timed(client, "POST", "/_mock/snapshots",
                                        json={"name": f"bench-{i % 2}"}))
                    restores.append(_timed(client, "POST", f"/_mock/snapshots/bench-{i % 2}/restore"))
                for name in {f"bench-{i % 2}" for i in range(repeat)}:
                    client.delete(f"/_mock/snapshots/{name}")
        finally:
            if own:
                server.stop()
    size = rows or f"{projects} projects, {runs} runs"
    base = f"GET /_mock/clock {seconds_text(statistics.median(trivial))}"
    figures = [
        Figure("snapshot", f"save ({size})", seconds_text(statistics.median(saves)), base,
               [s / t for s, t in zip(saves, trivial, strict=True)],
               f"< {TARGET:.0f} s", max(saves) < TARGET),
        Figure("snapshot", f"restore ({size})", seconds_text(statistics.median(restores)), base,
               [r / t for r, t in zip(restores, trivial, strict=True)],
               f"< {TARGET:.0f} s", max(restores) < TARGET,
               note=f"max {seconds_text(max(restores))} over {repeat}"),
    ]
    return {"figures": figures, "raw": {"save_seconds": saves, "restore_seconds": restores,
                                        "trivial_seconds": trivial}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    args = parser.parse_args()
    result = run(args.repeat, args.projects, args.runs)
    print(figures_table(result["figures"]))
    print("wrote", write("snapshot", {"figures": [f.to_dict() for f in result["figures"]],
                                       "raw": result["raw"]}))


if __name__ == "__main__":
    main()
