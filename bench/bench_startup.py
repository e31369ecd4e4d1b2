"""Startup: process spawn to the first successful authenticated ListProjects.

``mockcml serve --fixtures fixtures/demo.yaml`` against a bare FastAPI app
(``bench/bare_app.py``) started the same way (``python -m uvicorn``) to its first 200.
Both clocks start right before the process is spawned and stop at the first 200, polling
every 5 ms. The two are started alternately (bare first in odd repetitions, mockcml first in
even ones) and each repetition gives one ratio; target: at most 1.5x.

    python -m bench.bench_startup [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics

from bench.common import AUTH, ROOT, Figure, bare_cmd, figures_table, mock_cmd, seconds_text, start, write

DEMO = ROOT / "fixtures" / "demo.yaml"
TARGET = 1.5


def _mock_cmd(*args: str):  # noqa: ANN202
    return lambda port: mock_cmd(port, *args)


def run(repeat: int = 5, fixtures: str = str(DEMO)) -> dict:
    bare: list[float] = []
    mock: list[float] = []
    for i in range(repeat):
        order = (("bare", "mock") if i % 2 == 0 else ("mock", "bare"))
        for which in order:
            if which == "bare":
                with start(bare_cmd, "/constant") as child:
                    bare.append(child.started)
            else:
                with start(_mock_cmd("--fixtures", fixtures), "/api/v2/projects", AUTH) as child:
                    mock.append(child.started)
    ratios = [m / b for m, b in zip(mock, bare, strict=True)]
    figure = Figure(
        "startup", "spawn to first ListProjects (demo fixtures)",
        seconds_text(statistics.median(mock)), f"bare app {seconds_text(statistics.median(bare))}",
        ratios, f"<= {TARGET}x", statistics.median(ratios) <= TARGET,
        note="bare FastAPI+uvicorn to its first 200, started the same way, alternating",
        why="the bare app imports FastAPI and uvicorn only. mockcml also imports SQLAlchemy and "
            "SQLModel (about 0.2-0.3 s), builds 22 SQLModel tables, the /_mock router's pydantic "
            "models and the contract's route regexes (about 0.4 s; `import mockcml.app` also "
            "builds an app that `mockcml serve` then builds again), and checks and seeds the "
            "fixtures (about 0.15 s). SQLAlchemy's import and the fixtures alone put the floor "
            "near 1.7x.",
    )
    return {"figures": [figure], "raw": {"mock_seconds": mock, "bare_seconds": bare,
                                         "fixtures": fixtures}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = run(args.repeat)
    print(figures_table(result["figures"]))
    print("wrote", write("startup", {"figures": [f.to_dict() for f in result["figures"]],
                                      "raw": result["raw"]}))


if __name__ == "__main__":
    main()
