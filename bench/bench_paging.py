"""Deep paging: ListJobRuns page 1,000 against page 1 over 100,000 runs of one job.

Keyset page tokens make page k cost what page 1 costs; this prints the ratio
(target: at most 1.5x), min/median/max over repetitions (page 1 and the last page
alternate, one ratio per repetition), and writes bench/results/paging.json.

    python -m bench.bench_paging [--runs 100000] [--page-size 100] [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics

from fastapi.testclient import TestClient
from sqlalchemy import insert

from bench.common import Figure, figures_table, seconds_text, summary, timed, write
from mockcml.app import create_app
from mockcml.resources.job_runs.tables import JobRun
from mockcml.settings import Settings

KEY = {"authorization": "Bearer mockcml-admin-key"}
TARGET = 1.5


def seed(client: TestClient, runs: int) -> str:
    project = client.post("/api/v2/projects", headers=KEY, json={"name": "bench"}).json()
    job = client.post(f"/api/v2/projects/{project['id']}/jobs", headers=KEY, json={
        "name": "bench", "script": "x.py", "runtime_identifier": "rt"}).json()
    mock = client.app.state.mock
    base = mock.clock.now() - runs
    rows = [
        {"id": f"run-{i:07d}", "project_id": project["id"], "job_id": job["id"],
         "creator_id": 1, "created_at": base + i, "scheduling_at": base + i,
         "starting_at": base + i, "running_at": base + i, "finished_at": base + i,
         "final_status": "ENGINE_SUCCEEDED", "settled": True, "updated_at": base + i,
         "environment": "{}", "trigger": "fixture"}
        for i in range(runs)
    ]
    with mock.db.transaction() as session:
        session.execute(insert(JobRun), rows)
    return f"/api/v2/projects/{project['id']}/jobs/{job['id']}/runs"


def run(runs: int = 100_000, page_size: int = 100, repeat: int = 30) -> dict:
    """Page 1 and the last page, alternately, ``repeat`` times per sort order."""
    figures, results = [], {}
    with TestClient(create_app(Settings(time_scale=0))) as client:
        url = seed(client, runs)
        for sort in ("", "-created_at"):
            params = {"page_size": page_size, **({"sort": sort} if sort else {})}
            tokens = [None]
            while True:  # walk every page once to collect the tokens
                body = client.get(url, headers=KEY, params={
                    **params, **({"page_token": tokens[-1]} if tokens[-1] else {})}).json()
                if not body.get("next_page_token"):
                    break
                tokens.append(body["next_page_token"])
            last = tokens[-1]

            def first(params=params):
                client.get(url, headers=KEY, params=params).raise_for_status()

            def deep(params=params, last=last):
                client.get(url, headers=KEY, params={**params, "page_token": last}
                           ).raise_for_status()

            first(), deep()  # warm up
            ones, fars = [], []
            for _ in range(repeat):  # alternate, so that noise hits both alike
                ones += timed(first, 1)
                fars += timed(deep, 1)
            ratios = [f / o for f, o in zip(fars, ones, strict=True)]
            label = sort or "default order"
            one, far = summary(ones), summary(fars)
            results[label] = {"page_1": one, f"page_{len(tokens)}": far,
                              "ratio": summary(ratios)}
            figures.append(Figure(
                "paging", f"ListJobRuns page {len(tokens)} vs 1 ({label})",
                seconds_text(far["median"]), f"page 1 {seconds_text(one['median'])}",
                ratios, f"<= {TARGET}x", statistics.median(ratios) <= TARGET,
                note=f"{runs} runs of one job, page_size {page_size}, in-process ASGI"))
    return {"figures": figures, "raw": {"runs": runs, "page_size": page_size,
                                        "repeat": repeat, "results": results}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    result = run(args.runs, args.page_size, args.repeat)
    print(f"ListJobRuns over {args.runs} runs, page_size {args.page_size}")
    print(figures_table(result["figures"]))
    print("wrote", write("paging", {"figures": [f.to_dict() for f in result["figures"]],
                                     **result["raw"]}))


if __name__ == "__main__":
    main()
