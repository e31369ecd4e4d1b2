"""Memory: resident set size (VmRSS in /proc/<pid>/status) of an idle server.

mockcml idle with the demo fixtures, and loaded with the generated 10,000-project /
100,000-run scenario (in memory, as by default), each against the bare FastAPI app
(``bench/bare_app.py``) under uvicorn, measured in the same run. Each server is read once it
has answered its first request and then sat idle for a second. Target for the loaded server:
at most 250 MB, which the issue set against a bare app of 50 MB, so a ratio of at most 5x
the bare app measured in the same run.

    python -m bench.bench_memory [--projects 10000 --runs 100000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import (
    AUTH,
    ROOT,
    Child,
    Figure,
    bare_cmd,
    compile_bytecode,
    figures_table,
    megabytes,
    mock_cmd,
    rss_bytes,
    start,
    write,
)

SETTLE = 1.0
LOADED_TARGET = 5.0  # 250 MB against the bare app's 50 MB
WHY = ("the in-memory SQLite database of the scenario (about 65 MB of pages), the imports (about "
       "75 MB) and what seeding leaves in Python's allocator; see HOTSPOTS.md (Memory).")


def loaded_rss(server: Child) -> int:
    time.sleep(SETTLE)
    return rss_bytes(server.pid)


def run(projects: int = 10_000, runs: int = 100_000, loaded: int | None = None,
        repeat: int = 1) -> dict:
    """``loaded``: the RSS of a loaded server measured by the caller (else one is started)."""
    from bench.bench_throughput import loaded_server, scenario_file

    compile_bytecode()
    bare, demo = [], []
    for _ in range(repeat):
        with start(bare_cmd, "/constant") as child:
            time.sleep(SETTLE)
            bare.append(rss_bytes(child.pid))
        with start(lambda port: mock_cmd(port, "--fixtures", str(ROOT / "fixtures" / "demo.yaml")),
                   "/api/v2/projects", AUTH) as child:
            time.sleep(SETTLE)
            demo.append(rss_bytes(child.pid))
    if loaded is None:
        with tempfile.TemporaryDirectory(prefix="mockcml-bench-") as tmp:
            with loaded_server(scenario_file(Path(tmp), projects, runs)) as child:
                loaded = loaded_rss(child)
    base = f"bare app {megabytes(min(bare))}"
    loaded_ratios = [loaded / b for b in bare]
    ok = statistics.median(loaded_ratios) <= LOADED_TARGET
    figures = [
        Figure("memory", "RSS idle, demo fixtures", megabytes(min(demo)), base,
               [d / b for d, b in zip(demo, bare, strict=True)]),
        Figure("memory", f"RSS idle, {projects} projects + {runs} runs in memory",
               megabytes(loaded), base, loaded_ratios, f"<= {LOADED_TARGET:g}x", ok,
               note="the issue's 250 MB against its 50 MB bare app", why="" if ok else WHY),
    ]
    return {"figures": figures, "raw": {"bare_bytes": bare, "demo_bytes": demo,
                                        "loaded_bytes": loaded}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    args = parser.parse_args()
    result = run(args.projects, args.runs)
    print(figures_table(result["figures"]))
    print("wrote", write("memory", {"figures": [f.to_dict() for f in result["figures"]],
                                     "raw": result["raw"]}))


if __name__ == "__main__":
    main()
