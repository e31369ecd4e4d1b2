"""Run every benchmark, print one table, write JSON and a markdown report.

    python -m bench            # full run (about 4 minutes), writes bench/RESULTS.md
    python -m bench --quick    # fewer and shorter repetitions (about 2 minutes)
    python -m bench --only startup,paging --repeat 3

Every figure is a ratio to a baseline measured in the same run (this machine is shared and
noisy, so absolute numbers from another day say little), given as median (min-max) over the
repetitions. JSON goes to ``bench/results/`` (git-ignored): ``<mode>.json`` for the latest run
and ``<mode>-<timestamp>.json``. The markdown table goes to ``bench/RESULTS.md`` for a full
run and to ``bench/results/RESULTS-quick.md`` for a quick one, unless ``--markdown`` says
otherwise. The exit status is 1 if a benchmark failed to run (a missed target is reported,
not an error).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    RESULTS,
    ROOT,
    Figure,
    compile_bytecode,
    figures_markdown,
    figures_table,
    machine,
    ratio_text,
    table,
)

BENCHES = ("startup", "memory", "throughput", "snapshot", "paging", "fixture_load", "lifecycle",
           "scheduler", "workers")
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Goal:
    """A figure the performance issue (#16) asks for and its target. The figure itself, with
    its own target and verdict, comes from its benchmark; ``words`` find it by name."""

    bench: str | None  # None: any benchmark
    words: tuple[str, ...]  # all of them in the figure's name (case-insensitive)
    target: str

    def find(self, figures: list[Figure]) -> Figure | None:
        for figure in figures:
            name = figure.name.lower()
            if (self.bench in (None, figure.bench)
                    and all(word.lower() in name for word in self.words)):
                return figure
        return None


GOALS = (
    Goal("throughput", ("GetProject",), ">= 0.6x the bare route"),
    Goal("throughput", ("ListProjects", "page of 10"), ">= 0.35x the bare route"),
    Goal("throughput", ("ListJobRuns", "filter+sort", "page of 10"), ">= 0.3x the bare route"),
    Goal("throughput", ("CreateJobRun",), ">= 0.25x the bare route, p99 <= 5x p50"),
    Goal("startup", ("demo fixtures",), "<= 1.5x the bare app"),
    Goal("memory", ("runs in memory",), "<= 250 MB (5x the bare app's 50 MB)"),
    Goal("scheduler", ("per lifecycle event",), "<= 0.2 ms per event"),
)


def goal_rows(figures: list[Figure]) -> list[tuple[str, str, str, str, str]]:
    """(target, figure, value, ratio, verdict) for every goal, "not measured" when no
    benchmark of this run gave the figure."""
    rows = []
    for goal in GOALS:
        figure = goal.find(figures)
        label = " ".join(goal.words) if goal.bench is None else f"{goal.bench}: {' '.join(goal.words)}"
        if figure is None:
            rows.append((goal.target, label, "-", "-", "not measured"))
            continue
        verdict = {True: "ok", False: "missed", None: "no verdict"}[figure.ok]
        rows.append((goal.target, f"{figure.bench}: {figure.name}", figure.value,
                     ratio_text(figure), verdict))
    return rows


@dataclass
class Plan:
    """Sizes and repetitions of one run."""

    mode: str
    projects: int = 10_000
    runs: int = 100_000
    page_size: int = 100
    startup_repeat: int = 5
    wrk_seconds: float = 5
    wrk_repeat: int = 3
    snapshot_repeat: int = 5
    paging_repeat: int = 30
    fixture_repeat: int = 3
    lifecycle_runs: int = 1000
    lifecycle_seconds: float = 6.0  # the shortest scripted run, in wall seconds
    lifecycle_spread: float = 10.0  # finishes spread over this many more seconds
    idle_seconds: float = 5.0
    scheduler_days: float = 1.0  # of a minutely cron caught up
    scheduler_dependents: int = 3
    scheduler_repeat: int = 3

    @classmethod
    def of(cls, quick: bool) -> Plan:
        if not quick:
            return cls("full")
        return cls("quick", startup_repeat=3, wrk_seconds=2, wrk_repeat=2, snapshot_repeat=3,
                   paging_repeat=10, fixture_repeat=2, lifecycle_seconds=2.5,
                   lifecycle_spread=4.0, scheduler_repeat=2)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--quick", action="store_true",
                        help="fewer and shorter repetitions, same sizes (about 2 minutes)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    parser.add_argument("--skip", help="comma-separated benchmarks to leave out")
    parser.add_argument("--projects", type=int, help="projects in the generated scenario")
    parser.add_argument("--runs", type=int, help="runs in the generated scenario and for paging")
    parser.add_argument("--page-size", type=int, help="page size of the paging benchmark")
    parser.add_argument("--lifecycle-runs", type=int, help="concurrent runs of the lifecycle "
                        "benchmark (1000)")
    parser.add_argument("--lifecycle-seconds", type=float,
                        help="shortest scripted run of the lifecycle benchmark, wall seconds (6)")
    parser.add_argument("--lifecycle-spread", type=float,
                        help="the runs' finishes spread over this many more seconds (10)")
    parser.add_argument("--idle-seconds", type=float, help="idle CPU window (5)")
    parser.add_argument("--scheduler-days", type=float,
                        help="days of a minutely cron the scheduler benchmark catches up (1)")
    parser.add_argument("--seconds", type=float, help="wrk seconds per route and repetition")
    parser.add_argument("--repeat", type=int, help="repetitions of every benchmark")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder for the JSON results (default bench/results)")
    parser.add_argument("--markdown", type=Path, help="where to write the markdown report")
    return parser


def _selected(args: argparse.Namespace) -> list[str]:
    def names(text: str | None) -> list[str]:
        chosen = [n.strip().replace("-", "_") for n in (text or "").split(",") if n.strip()]
        unknown = [n for n in chosen if n not in BENCHES]
        if unknown:
            raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {list(BENCHES)}")
        return chosen

    only, skip = names(args.only), names(args.skip)
    return [b for b in BENCHES if (not only or b in only) and b not in skip]


def _plan(args: argparse.Namespace) -> Plan:
    plan = Plan.of(args.quick)
    for arg, attr in (("projects", "projects"), ("runs", "runs"), ("page_size", "page_size"),
                      ("lifecycle_runs", "lifecycle_runs"), ("idle_seconds", "idle_seconds"),
                      ("seconds", "wrk_seconds"), ("lifecycle_seconds", "lifecycle_seconds"),
                      ("lifecycle_spread", "lifecycle_spread"),
                      ("scheduler_days", "scheduler_days")):
        if getattr(args, arg) is not None:
            setattr(plan, attr, getattr(args, arg))
    if args.repeat is not None:
        for attr in ("startup_repeat", "wrk_repeat", "snapshot_repeat", "paging_repeat",
                     "fixture_repeat", "scheduler_repeat"):
            setattr(plan, attr, args.repeat)
    return plan


class Runner:
    def __init__(self, plan: Plan, selected: list[str]) -> None:
        self.plan = plan
        self.selected = selected
        self.figures: list[Figure] = []
        self.raw: dict[str, object] = {}
        self.errors: dict[str, str] = {}
        self.seconds: dict[str, float] = {}

    def step(self, name: str, func, *args, **kwargs):  # noqa: ANN001, ANN201
        """Run one benchmark; a failure is recorded and the others still run."""
        print(f"== {name} ...", flush=True)
        begin = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - reported in the table and the exit status
            self.errors[name] = traceback.format_exc()
            print(self.errors[name], file=sys.stderr, flush=True)
            return None
        finally:
            self.seconds[name] = time.perf_counter() - begin
        self.figures += result["figures"]
        self.raw[name] = result["raw"]
        print(figures_table(result["figures"]), flush=True)
        print(f"   ({self.seconds[name]:.0f} s)", flush=True)
        return result

    def run(self) -> None:
        p, want = self.plan, self.selected
        startup = None
        if "startup" in want:
            from bench import bench_startup

            startup = self.step("startup", bench_startup.run, p.startup_repeat)
        loaded_rss = None
        if {"memory", "throughput", "snapshot"} & set(want):
            loaded_rss = self._loaded(startup)
        if "memory" in want:
            from bench import bench_memory

            self.step("memory", bench_memory.run, p.projects, p.runs, loaded_rss)
        if "paging" in want:
            from bench import bench_paging

            self.step("paging", bench_paging.run, p.runs, p.page_size, p.paging_repeat)
        if "fixture_load" in want:
            from bench import bench_fixture_load

            self.step("fixture_load", bench_fixture_load.run, p.projects, p.runs,
                      p.fixture_repeat)
        if "lifecycle" in want:
            from bench import bench_lifecycle

            self.step("lifecycle", bench_lifecycle.run, p.lifecycle_runs, p.lifecycle_seconds,
                      p.lifecycle_spread, p.idle_seconds)
        if "scheduler" in want:
            from bench import bench_scheduler

            self.step("scheduler", bench_scheduler.run, p.scheduler_days,
                      p.scheduler_dependents, p.scheduler_repeat)
        if "workers" in want:
            from bench import bench_workers

            # PostgreSQL, 1 and 2 worker processes; a smaller scenario than the SQLite
            # benchmarks (it is loaded twice, into two databases).
            self.step("workers", bench_workers.run, p.wrk_seconds, p.wrk_repeat,
                      min(p.projects, 1000), min(p.runs, 1000))

    def _loaded(self, startup: dict | None) -> int | None:
        """One server loaded with the scenario for throughput and snapshots; its RSS at rest."""
        from bench import bench_memory, bench_snapshot, bench_throughput
        from bench.common import seconds_text

        p, want = self.plan, self.selected
        with tempfile.TemporaryDirectory(prefix="mockcml-bench-") as tmp:
            scenario = bench_throughput.scenario_file(Path(tmp), p.projects, p.runs)
            print(f"== starting mockcml with {p.projects} projects and {p.runs} runs ...",
                  flush=True)
            try:
                server = bench_throughput.loaded_server(scenario)
            except Exception:  # noqa: BLE001
                for name in ("memory", "throughput", "snapshot"):
                    if name in want:
                        self.errors[name] = traceback.format_exc()
                print(traceback.format_exc(), file=sys.stderr, flush=True)
                return None
            with server:
                if startup is not None:
                    bare = startup["raw"]["bare_seconds"]
                    median = sorted(bare)[len(bare) // 2]
                    figure = Figure(
                        "startup", f"spawn to first ListProjects ({p.projects} projects, "
                        f"{p.runs} runs)", seconds_text(server.started),
                        f"bare app {seconds_text(median)}", [server.started / b for b in bare],
                        note="the generated scenario, checked and loaded at start; no target")
                    self.figures.append(figure)
                    print(figures_table([figure]), flush=True)
                rss = bench_memory.loaded_rss(server)
                if "throughput" in want:
                    self.step("throughput", bench_throughput.run, p.wrk_seconds, p.wrk_repeat,
                              p.projects, p.runs, server)
                if "snapshot" in want:
                    rows = (f"{p.projects} projects, {2 * p.projects + 1} jobs, "
                            f"{p.runs}+ runs")
                    self.step("snapshot", bench_snapshot.run, p.snapshot_repeat, p.projects,
                              p.runs, server, rows)
        return rss


def _markdown(runner: Runner, info: dict, command: str) -> str:
    m = info["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"`{command}` ({runner.plan.mode} run), {info['date']}, {info['seconds']:.0f} s.",
        "",
        f"Machine: {m['cpus']} CPUs, Python {m['python']}, {m['system']}; load average "
        f"{info['load_before']} before, {m['load_average']} after (a shared machine: every "
        "figure is a ratio to a baseline measured in the same run).",
        "",
        figures_markdown(runner.figures),
        "",
        "Ratios are median (min–max) over the repetitions of the run; for the lifecycle rows, "
        "over the runs (each run's lag divided by its tolerance).",
        "",
    ]
    lines += ["## The issue's targets", "",
              "| target | figure | value | ratio | |", "|---|---|---:|---:|---|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
              for row in goal_rows(runner.figures)]
    lines.append("")
    missed = [f for f in runner.figures if f.ok is False]
    if missed:
        lines += ["## Missed targets", ""]
        for f in missed:
            short = f.shortfall() or f"ratio {_ratio(f)}"
            lines.append(f"- **{f.bench}, {f.name}** (target {f.target}): {short}. "
                         f"{f.value}, against {f.baseline}." + (f" Why: {f.why}" if f.why else ""))
        lines += ["", "Where the time goes, in detail: [HOTSPOTS.md](HOTSPOTS.md).", ""]
    if runner.errors:
        lines += ["## Benchmarks that failed to run", ""]
        lines += [f"- {name}: `{text.strip().splitlines()[-1]}`"
                  for name, text in runner.errors.items()]
        lines.append("")
    notes = [f for f in runner.figures if f.note]
    if notes:
        lines += ["## Notes", ""]
        lines += [f"- {f.bench}, {f.name}: {f.note}." for f in notes]
        lines.append("")
    return "\n".join(lines)


def _ratio(figure: Figure) -> str:
    r = figure.ratio
    return f"{r['median']:.2f}x" if r else "-"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    plan, selected = _plan(args), _selected(args)
    if "throughput" in selected and not shutil.which("wrk"):
        raise SystemExit("the throughput benchmark needs wrk (apt-get install -y wrk), "
                         "or leave it out with --skip throughput")
    os.chdir(ROOT)
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    compile_bytecode()  # every server spawned below starts as an installed one would
    begin = time.perf_counter()
    runner = Runner(plan, selected)
    runner.run()
    elapsed = time.perf_counter() - begin
    date = datetime.now(UTC)
    info = {"date": date.strftime("%Y-%m-%d %H:%M UTC"), "seconds": elapsed,
            "machine": machine(), "load_before": load_before}
    command = "python -m bench" + (" --quick" if args.quick else "")
    if argv is None and len(sys.argv) > 1 and sys.argv[1:] != ["--quick"]:
        command = "python -m bench " + " ".join(sys.argv[1:])
    print()
    print(figures_table(runner.figures))
    print()
    print(table(goal_rows(runner.figures), ("issue target", "figure", "value", "ratio", "")))
    for name in runner.errors:
        print(f"FAILED: {name} (traceback above)")
    payload = {**info, "command": command, "plan": vars(plan), "benchmarks": selected,
               "figures": [f.to_dict() for f in runner.figures], "raw": runner.raw,
               "errors": runner.errors, "bench_seconds": runner.seconds}
    args.results.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, indent=2, default=str) + "\n"
    stamped = args.results / f"{plan.mode}-{date.strftime('%Y%m%d-%H%M%S')}.json"
    for path in (stamped, args.results / f"{plan.mode}.json"):
        path.write_text(text)
    markdown = args.markdown or (HERE / "RESULTS.md" if plan.mode == "full"
                                 else args.results / "RESULTS-quick.md")
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(_markdown(runner, info, command))
    print(f"\nwrote {stamped}, {args.results / (plan.mode + '.json')} and {markdown} "
          f"({elapsed:.0f} s)")
    return 1 if runner.errors else 0
