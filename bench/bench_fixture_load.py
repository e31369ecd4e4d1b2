#!/usr/bin/env python3
"""How fast a large fixture scenario is checked and loaded.

Generates a scenario (by default 10,000 projects, 20,000 jobs, 100,000 job runs) as one
YAML file, then per repetition times:

* check: ``read_scenario`` (parse with line tracking, shape, merge, references, run times);
* insert: ``seed`` into a fresh in-memory database (rows built, bulk-inserted, committed);

and two baselines measured in the same process, because this machine is shared and noisy:

* yaml: libyaml's bare event stream over the same file (the floor for any YAML reader);
* sqlite: raw ``sqlite3`` ``executemany`` of the very same rows into the same schema.

Usage::

    python bench/bench_fixture_load.py [--projects 10000] [--runs 100000] [--repeat 3]

Prints min/median/max and the ratios (one per repetition, each against the baselines of
the same repetition), and writes ``bench/results/fixture_load.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

import yaml  # noqa: E402

from bench.common import Figure, figures_table, seconds_text, summary, table, write  # noqa: E402

RUNTIMES = (
    "docker.repository.cloudera.com/cloudera/cdsw/ml-runtime-workbench-python3.10-standard:2023.08.2-b8",
    "docker.repository.cloudera.com/cloudera/cdsw/ml-runtime-jupyterlab-python3.11-standard:2024.10.1-b12",
    "docker.repository.cloudera.com/cloudera/cdsw/ml-runtime-workbench-r4.3-standard:2024.02.1-b4",
)
STATUSES = ("succeeded", "succeeded", "failed", "succeeded", "timedout", "stopped")


# With ``hot_job`` the runs all belong to one job of the first project, with these ids.
HOT_PROJECT, HOT_JOB = "bench-hot-project", "bench-hot-job"
ADMIN_KEY = "mockcml-admin-key"


def generate(projects: int, runs: int, *, hot_job: bool = False, admin: bool = False) -> str:
    """Users, runtimes, then projects with two jobs each (the second after the first).

    By default the runs are spread over every job. ``hot_job=True`` gives them all to a
    third job of the first project (ids ``HOT_PROJECT``/``HOT_JOB``, no schedule, no
    dependents), the one the HTTP benchmarks query; ``admin=True`` adds a site admin
    with the usual ``mockcml-admin-key``.
    """
    users = ("alice", "bob", "carol", "dave", "erin")
    out = ["users:"]
    if admin:
        out.append(f"  - {{username: admin, admin: true, api_keys: [{ADMIN_KEY}]}}")
    out += [f"  - {{username: {u}, api_keys: [{u}-key]}}" for u in users]
    out.append("runtimes:")
    out += [f"  - image_identifier: {image}" for image in RUNTIMES]
    out.append("projects:")
    per_job = [0 if hot_job else runs // (2 * projects)] * (2 * projects)
    for i in range(0 if hot_job else runs - sum(per_job)):
        per_job[i] += 1
    for p in range(projects):
        owner = users[p % len(users)]
        hot = f"    id: {HOT_PROJECT}\n" if hot_job and p == 0 else ""
        out.append(f"  - name: project-{p:05d}\n    owner: {owner}\n{hot}"
                   f"    visibility: {'public' if p % 3 == 0 else 'private'}\n"
                   f"    collaborators: [{{user: {users[(p + 1) % len(users)]}, permission: write}}]\n"
                   f"    jobs:")
        for j, name in enumerate(("extract", "transform")):
            out.append(f"      - name: {name}\n        script: {name}.py\n"
                       f"        runtime_identifier: {RUNTIMES[p % len(RUNTIMES)]}")
            if j:
                out.append("        parent: extract")
            else:
                out.append('        schedule: "0 2 * * *"')
            count = per_job[2 * p + j]
            if count:
                out.append("        runs:")
                for r in range(count):
                    status = STATUSES[(p + r) % len(STATUSES)]
                    out.append(f"          - {{status: {status}, created_at: -{r + 1}h}}")
        if hot_job and p == 0:
            out.append(f"      - name: hot\n        id: {HOT_JOB}\n        script: hot.py\n"
                       f"        runtime_identifier: {RUNTIMES[0]}")
            if runs:
                out.append("        runs:")
            for r in range(runs):
                status = STATUSES[r % len(STATUSES)]
                out.append(f"          - {{status: {status}, created_at: -{r + 1}m}}")
    return "\n".join(out) + "\n"


def yaml_events(text: str) -> int:
    loader = yaml.CSafeLoader(text)
    count = 0
    try:
        while loader.check_event():
            loader.get_event()
            count += 1
    finally:
        loader.dispose()
    return count


def raw_insert(rows) -> None:  # noqa: ANN001
    """The same rows, straight into sqlite3 with the app's pragmas (the floor for inserting)."""
    from sqlalchemy import insert

    from mockcml.core.db import Database

    db = Database("sqlite://")
    db.create_all()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table_, batch in rows.tables.items():
            compiled = insert(table_).compile(dialect=db.engine.dialect,
                                              column_keys=list(batch[0]))
            params = [tuple(row[k] for k in compiled.positiontup) for row in batch]
            start = time.perf_counter()
            cursor.executemany(str(compiled), params)
            raw_insert.elapsed += time.perf_counter() - start
        start = time.perf_counter()
        raw.commit()
        raw_insert.elapsed += time.perf_counter() - start
    finally:
        raw.close()
        db.dispose()


raw_insert.elapsed = 0.0


def run(projects: int = 10_000, runs: int = 100_000, repeat: int = 3) -> dict:
    """Check and insert ``repeat`` times, each next to its baselines; one ratio per repetition."""
    import mockcml.app  # noqa: F401  (registers every table)
    from mockcml.core.db import Database
    from mockcml.fixtures import read_scenario
    from mockcml.fixtures.load import build_rows, seed
    from mockcml.settings import Settings

    settings = Settings(time_scale=0)
    text = generate(projects, runs)
    samples: dict[str, list[float]] = {"check": [], "insert": [], "total": [], "yaml": [],
                                       "sqlite": []}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.yaml"
        path.write_text(text, encoding="utf-8")
        for _ in range(repeat):
            start = time.perf_counter()
            yaml_events(text)
            samples["yaml"].append(time.perf_counter() - start)

            start = time.perf_counter()
            scenario = read_scenario([str(path)], settings)
            samples["check"].append(time.perf_counter() - start)

            db = Database("sqlite://")
            db.create_all()
            start = time.perf_counter()
            with db.transaction() as session:
                seed(session, scenario, settings, time.time())
            samples["insert"].append(time.perf_counter() - start)
            db.dispose()
            samples["total"].append(samples["check"][-1] + samples["insert"][-1])

            raw_insert.elapsed = 0.0
            raw_insert(build_rows(scenario, settings, time.time()))
            samples["sqlite"].append(raw_insert.elapsed)
    counts = scenario.counts()
    rows = sum(counts[k] for k in ("users", "runtimes", "projects", "jobs", "runs"))
    stats = {name: summary(values) for name, values in samples.items()}
    check_ratios = [c / y for c, y in zip(samples["check"], samples["yaml"], strict=True)]
    insert_ratios = [i / q for i, q in zip(samples["insert"], samples["sqlite"], strict=True)]
    size = f"{projects} projects, {runs} runs, {len(text) / 1e6:.1f} MB YAML"
    figures = [
        Figure("fixture load", f"check ({size})", seconds_text(stats["check"]["median"]),
               f"libyaml events {seconds_text(stats['yaml']['median'])}", check_ratios,
               note="read_scenario: parse with line tracking, shape, merge, references"),
        Figure("fixture load", f"insert (~{rows} rows)", seconds_text(stats["insert"]["median"]),
               f"raw sqlite3 {seconds_text(stats['sqlite']['median'])}", insert_ratios,
               note="seed into a fresh in-memory database vs executemany of the same rows"),
    ]
    raw = {"scenario": counts, "summary": scenario.summary(), "yaml_bytes": len(text),
           "repeat": repeat, "seconds": stats,
           "ratios": {"check_vs_yaml_events": summary(check_ratios),
                      "insert_vs_raw_sqlite": summary(insert_ratios)}}
    return {"figures": figures, "raw": raw}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.projects, args.runs, args.repeat)
    raw = result["raw"]
    print(f"scenario: {raw['summary']} ({raw['yaml_bytes'] / 1e6:.1f} MB of YAML)")
    print(table([(name, f"{s['min']:.2f}", f"{s['median']:.2f}", f"{s['max']:.2f}")
                 for name, s in raw["seconds"].items()], ("seconds", "min", "median", "max")))
    print(figures_table(result["figures"]))
    out = write("fixture_load", {"figures": [f.to_dict() for f in result["figures"]], **raw})
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
