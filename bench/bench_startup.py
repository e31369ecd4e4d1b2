"""Startup: process spawn to the first successful authenticated ListProjects.

``mockcml serve --fixtures fixtures/demo.yaml`` against a bare FastAPI app
(``bench/bare_app.py``) started the same way (``python -m uvicorn``) to its first 200.
Both clocks start right before the process is spawned and stop at the first 200, polling
every 5 ms. The servers are started in turn, the order rotating from one repetition to
the next, and each repetition gives one ratio; target: at most 1.5x.

A third server, ``bench/floor_app.py`` (the bare app plus SQLAlchemy, SQLModel and one
table in SQLite), is timed the same way: the floor any SQLModel server stands on, so that
the report can tell mockcml's own start-up from its libraries'. Bytecode is compiled first
(``common.compile_bytecode``), as an installed package has it.

    python -m bench.bench_startup [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys

from bench import common
from bench.common import AUTH, ROOT, Figure, seconds_text

DEMO = ROOT / "fixtures" / "demo.yaml"
TARGET = 1.5
WHY = (
    "the bare app imports FastAPI and uvicorn only. The floor server (bench/floor_app.py: the "
    "bare app plus SQLAlchemy, SQLModel and one table) is already about 1.2-1.6x it, so the "
    "target leaves mockcml next to nothing for its own work: building 48 SQLModel tables and "
    "configuring their mappers (the largest part), psycopg imported even for SQLite, the "
    "230-odd modules of handlers, services and fixtures, and checking and seeding the demo "
    "fixtures (every section now one INSERT per table). Breakdown in HOTSPOTS.md (Start-up)."
)


def _floor_cmd(port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--port", str(port),
            "--log-level", "warning"]


def _mock_cmd(*args: str):  # noqa: ANN202
    return lambda port: common.mock_cmd(port, *args)


def run(repeat: int = 5, fixtures: str = str(DEMO)) -> dict:
    common.compile_bytecode()
    servers = {
        "bare": (common.bare_cmd, "/constant", None),
        "floor": (_floor_cmd, "/constant", None),
        "mock": (_mock_cmd("--fixtures", fixtures), "/api/v2/projects", AUTH),
    }
    seconds: dict[str, list[float]] = {name: [] for name in servers}
    cpu: dict[str, list[float]] = {name: [] for name in servers}
    names = list(servers)
    for i in range(repeat):
        for name in names[i % 3:] + names[:i % 3]:  # who goes first rotates
            cmd, probe, headers = servers[name]
            with common.start(cmd, probe, headers) as child:
                seconds[name].append(child.started)
                # CPU time to the first answer: the same comparison, less swayed by a loaded
                # machine than the wall clock.
                cpu[name].append(common.cpu_seconds(child.pid))
    bare, floor, mock = seconds["bare"], seconds["floor"], seconds["mock"]
    cpu_ratio = statistics.median(m / b for m, b in zip(cpu["mock"], cpu["bare"], strict=True))
    floor_cpu = statistics.median(f / b for f, b in zip(cpu["floor"], cpu["bare"], strict=True))
    ratios = [m / b for m, b in zip(mock, bare, strict=True)]
    bare_text = f"bare app {seconds_text(statistics.median(bare))}"
    figures = [
        Figure(
            "startup", "spawn to first ListProjects (demo fixtures)",
            seconds_text(statistics.median(mock)), bare_text,
            ratios, f"<= {TARGET}x", statistics.median(ratios) <= TARGET,
            note="bare FastAPI+uvicorn to its first 200, started the same way, in rotating order; "
                 f"bytecode compiled first; CPU time to the first 200: {cpu_ratio:.2f}x the bare "
                 "app's",
            why=WHY,
        ),
        Figure(
            "startup", "floor: bare app + SQLAlchemy/SQLModel, one table",
            seconds_text(statistics.median(floor)), bare_text,
            [f / b for f, b in zip(floor, bare, strict=True)],
            note="bench/floor_app.py: what any SQLModel server loads before its first answer; "
                 f"CPU time to the first 200: {floor_cpu:.2f}x the bare app's; no target",
        ),
    ]
    return {"figures": figures, "raw": {"mock_seconds": mock, "bare_seconds": bare,
                                        "floor_seconds": floor, "cpu_seconds": cpu,
                                        "fixtures": fixtures}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = run(args.repeat)
    print(common.figures_table(result["figures"]))
    figures = [f.to_dict() for f in result["figures"]]
    print("wrote", common.write("startup", {"figures": figures, "raw": result["raw"]}))


if __name__ == "__main__":
    main()
