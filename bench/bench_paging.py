"""Deep paging: ListJobRuns page 1,000 against page 1 over 100,000 runs of one job.

Keyset page tokens make page k cost what page 1 costs; this prints the ratio
(target: at most 1.5x), min/median/max over repetitions, and writes bench/results/paging.json.

    python -m bench.bench_paging [--runs 100000] [--page-size 100] [--repeat 30]
"""

from __future__ import annotations

import argparse

from fastapi.testclient import TestClient
from sqlalchemy import insert

from bench.common import summary, table, timed, write
from mockcml.app import create_app
from mockcml.resources.job_runs.tables import JobRun
from mockcml.settings import Settings

KEY = {"authorization": "Bearer mockcml-admin-key"}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with TestClient(create_app(Settings())) as client:
        url = seed(client, args.runs)
        rows = []
        results = {}
        for sort in ("", "-created_at"):
            params = {"page_size": args.page_size, **({"sort": sort} if sort else {})}
            tokens = [None]
            while True:  # walk every page once to collect the tokens
                body = client.get(url, headers=KEY, params={
                    **params, **({"page_token": tokens[-1]} if tokens[-1] else {})}).json()
                if not body.get("next_page_token"):
                    break
                tokens.append(body["next_page_token"])
            last = tokens[-1]

            def first(params=params):
                client.get(url, headers=KEY, params=params)

            def deep(params=params, last=last):
                client.get(url, headers=KEY, params={**params, "page_token": last})

            one, far = summary(timed(first, args.repeat)), summary(timed(deep, args.repeat))
            ratio = far["median"] / one["median"]
            label = sort or "default"
            results[label] = {"page_1": one, f"page_{len(tokens)}": far, "ratio": ratio}
            rows.append((label, f"{len(tokens)}", f"{one['median'] * 1e3:.2f}",
                         f"{far['median'] * 1e3:.2f}", f"{ratio:.2f}x",
                         "ok" if ratio <= 1.5 else "MISSED"))
    print(f"ListJobRuns over {args.runs} runs, page_size {args.page_size}")
    print(table(rows, ("sort", "pages", "page 1 ms", "last page ms", "ratio", "target <=1.5x")))
    print("wrote", write("paging", {"runs": args.runs, "page_size": args.page_size,
                                     "results": results}))


if __name__ == "__main__":
    main()
