"""Scheduler cost per lifecycle event: a cron catch-up with dependent jobs, in process.

A minutely cron job with N dependent jobs (3 by default), on the default in-memory
database at time scale 1 (a run lasts 13 s). The clock is frozen, moved forward by a day,
and the scheduler's steps are timed until nothing due is left: 1,440 cron runs, each
finishing and starting N dependent runs, which finish in turn.

A *lifecycle event* is a run the scheduler creates or a finished run it settles (starting
its dependents or a retry): every row-level effect of the catch-up. The figure is the
catch-up's wall time per event. Baseline, in the same repetition: the same rows inserted
into the emptied table with one ``executemany``, the floor for writing them at all.

    python -m bench.bench_scheduler [--days 1] [--dependents 3] [--repeat 3]

Target: at most 0.2 ms per event.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

from bench.common import AUTH, Figure, figures_table, seconds_text, write

TARGET_MS = 0.2
START = 1_800_000_000.0  # a fixed instant, so that every repetition fires the same ticks


def _catch_up(days: float, dependents: int) -> dict:
    from fastapi.testclient import TestClient

    from mockcml.app import create_app
    from mockcml.kit.sql import execute_many, fetch_all
    from mockcml.resources.job_runs.service import INSERT_RUN
    from mockcml.settings import Settings

    app = create_app(Settings(time_scale=1))
    with TestClient(app, headers=AUTH) as client:
        mock = app.state.mock
        mock.clock.restore(0.0, START)  # frozen

        def made(path: str, **body: str) -> str:
            response = client.post(path, json=body)
            response.raise_for_status()
            return response.json()["id"]

        project = made("/api/v2/projects", name="scheduler-bench")
        jobs = f"/api/v2/projects/{project}/jobs"
        parent = made(jobs, name="cron", script="cron.py", runtime_identifier="rt",
                      schedule="* * * * *", timezone="UTC")
        for k in range(dependents):
            made(jobs, name=f"dependent-{k}", script="d.py", runtime_identifier="rt",
                 parent_job_id=parent)
        client.portal.call(mock.scheduler.stop)  # steps are taken below, and timed
        mock.db.call(mock.scheduler.catch_up)
        mock.clock.advance(days * 86_400)
        steps, fired = 0, 0
        begin = time.perf_counter()
        while True:
            fired += mock.db.call(mock.scheduler.catch_up)
            steps += 1
            if not mock.scheduler.dirty:
                break
        seconds = time.perf_counter() - begin

        def rows_then_insert() -> tuple[int, int, float]:
            with mock.db.connection() as db:
                rows = fetch_all(db, "SELECT * FROM job_runs")
                settled = sum(1 for r in rows if r.settled)
                db.exec_driver_sql("DELETE FROM job_runs")
            start = time.perf_counter()
            with mock.db.connection() as db:
                execute_many(db, INSERT_RUN, rows)
            return len(rows), settled, time.perf_counter() - start

        runs, settled, insert = mock.db.call(rows_then_insert)
    return {"seconds": seconds, "insert_seconds": insert, "runs": runs, "settled": settled,
            "events": runs + settled, "steps": steps, "fired": fired}


def run(days: float = 1.0, dependents: int = 3, repeat: int = 3) -> dict:
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    samples = [_catch_up(days, dependents) for _ in range(repeat)]
    per_event = [s["seconds"] / s["events"] for s in samples]
    ratios = [s["seconds"] / s["insert_seconds"] for s in samples]
    ms = statistics.median(per_event) * 1e3
    s = samples[0]
    insert_ms = statistics.median(x["insert_seconds"] / x["events"] for x in samples) * 1e3
    figure = Figure(
        "scheduler", f"cost per lifecycle event ({days:g}-day minutely cron catch-up, "
        f"{dependents} dependents)",
        f"{ms:.3f} ms/event; {statistics.median(x['seconds'] for x in samples):.2f} s for "
        f"{s['events']} events", f"executemany of the same rows {insert_ms:.4f} ms/event",
        ratios, f"<= {TARGET_MS} ms/event", ms <= TARGET_MS,
        note=(f"event = a run created ({s['runs']}) or a finished run settled ({s['settled']}); "
              f"{s['fired']} scheduler events (one per source and due time) in {s['steps']} "
              f"steps; {statistics.median(x['seconds'] / x['runs'] for x in samples) * 1e3:.3f}"
              f" ms per run created; in-memory SQLite, in process; ratio = catch-up time / "
              f"baseline time"),
        why="" if ms <= TARGET_MS else (
            "per run, planning it in Python (script, plan, id, row) and its bulk insert into "
            "a table with eight indexes dominate (bench/HOTSPOTS.md, Writes and the "
            "scheduler)."),
        extra={"ms_per_event": per_event, "samples": samples})
    return {"figures": [figure], "raw": {"days": days, "dependents": dependents,
                                         "samples": samples}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=1.0)
    parser.add_argument("--dependents", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    begin = time.perf_counter()
    result = run(args.days, args.dependents, args.repeat)
    print(figures_table(result["figures"]))
    print(result["figures"][0].note)
    print(f"({seconds_text(time.perf_counter() - begin)})")
    print("wrote", write("scheduler", {"figures": [f.to_dict() for f in result["figures"]],
                                        "raw": result["raw"]}))


if __name__ == "__main__":
    main()
