"""Deep paging: ListJobRuns page 1,000 against page 1 over 100,000 runs of one job.

Keyset page tokens make page k cost what page 1 costs; this prints the ratio
(target: at most 1.5x), min/median/max over repetitions (page 1 and the last page
alternate, one ratio per repetition), and writes bench/results/paging.json.

    python -m bench.bench_paging [--runs 100000] [--page-size 100] [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import warnings

from sqlalchemy import insert

from bench.common import Figure, figures_table, seconds_text, summary, timed, write
from mockcml.app import create_app
from mockcml.resources.job_runs.tables import JobRun
from mockcml.settings import Settings

with warnings.catch_warnings():  # starlette's TestClient says it runs on httpx; nothing to act on
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

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


def walk(client: TestClient, url: str, params: dict, runs: int, page_size: int
         ) -> tuple[str | None, int]:
    """The page token of the last page, and its number.

    A page token holds the sort key of the row it follows and does not depend on the page
    size, so the walk goes in strides of ten pages (one request each) and then page by page;
    the last page is checked to be the last one, with the rows it should hold.
    """
    pages = max(1, -(-runs // page_size))
    before = (pages - 1) * page_size  # rows on the pages before the last
    token, done = None, 0
    while done < before:
        size = 10 * page_size if before - done >= 10 * page_size else page_size
        body = client.get(url, headers=KEY, params={
            **params, "page_size": size, **({"page_token": token} if token else {})}).json()
        token, done = body["next_page_token"], done + size
    body = client.get(url, headers=KEY, params={
        **params, **({"page_token": token} if token else {})}).json()
    if body.get("next_page_token") or len(body["job_runs"]) != runs - before:
        raise RuntimeError(f"page {pages} is not the last page of {runs} runs")
    return token, pages


def run(runs: int = 100_000, page_size: int = 100, repeat: int = 30) -> dict:
    """Page 1 and the last page, alternately, ``repeat`` times per sort order."""
    figures, results = [], {}
    with TestClient(create_app(Settings(time_scale=0))) as client:
        url = seed(client, runs)
        for sort in ("", "-created_at"):
            params = {"page_size": page_size, **({"sort": sort} if sort else {})}
            last, pages = walk(client, url, params, runs, page_size)

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
            results[label] = {"page_1": one, f"page_{pages}": far,
                              "ratio": summary(ratios)}
            figures.append(Figure(
                "paging", f"ListJobRuns page {pages} vs 1 ({label})",
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
