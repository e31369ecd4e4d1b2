"""Slow and stalled clients cost a coroutine, never the server (issue 18).

A live server, in memory and on a SQLite file, with a short body timeout. 50 clients send
the headers of a create and one byte of its body, then stall; 50 more upload a file at one
byte per 100 ms. Meanwhile 200 ordinary requests from other clients must all succeed, with
p99 under a second, and health must answer fast. Once the stalled clients have timed out
(408 in CML's envelope), nothing is left checked out of the pool and no body is in flight.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import ADMIN_KEY, RUNTIME, LiveServer, auth, make_project

pytestmark = [pytest.mark.live, pytest.mark.slow, pytest.mark.timing]

BODY_TIMEOUT = 4.0
STALLED = 50
SLOW_UPLOADS = 50
ORDINARY = 200
BOUNDARY = "mockcmlslowclient"


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _stalled(port: int) -> bytes:
    """Headers and one byte of a 100-byte body, then silence until the server answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /api/v2/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Authorization: Bearer {ADMIN_KEY}\r\n".encode()
        + b"Content-Length: 100\r\n\r\n{")
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), BODY_TIMEOUT + 20)
    finally:
        writer.close()


async def _slow_upload(port: int, project_id: str, stop: asyncio.Event) -> bytes:
    """A multipart upload trickled at one byte per 100 ms until the server answers."""
    part = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"slow.txt\"\r\n\r\n" + "x" * 200 + f"\r\n--{BOUNDARY}--\r\n").encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST /api/v2/projects/{project_id}/files HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Authorization: Bearer {ADMIN_KEY}\r\nContent-Length: {len(part)}\r\n\r\n".encode())
    answer = asyncio.ensure_future(reader.read())
    try:
        for byte in part:
            if answer.done() or stop.is_set():
                break
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.1)
        return await asyncio.wait_for(answer, BODY_TIMEOUT + 20)
    except (ConnectionError, OSError):
        # The server answered 408 and closed while we were still writing: the reset that
        # our next byte provokes may discard the unread answer. Cut off, as intended.
        return b""
    finally:
        writer.close()


async def _ordinary(url: str, project_id: str) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    limit = asyncio.Semaphore(10)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        async with limit:
            start = time.perf_counter()
            if i % 4 == 0:
                r = await client.post("/api/v2/projects", json={"name": f"ordinary-{i}"})
            elif i % 4 == 1:
                r = await client.get(f"/api/v2/projects/{project_id}")
            elif i % 4 == 2:
                r = await client.get("/api/v2/projects", params={"page_size": 10})
            else:
                r = await client.post(f"/api/v2/projects/{project_id}/jobs", json={
                    "name": f"job-{i}", "script": "main.py", "runtime_identifier": RUNTIME})
            latencies.append(time.perf_counter() - start)
            statuses.append(r.status_code)

    async with httpx.AsyncClient(base_url=url, headers=auth(), timeout=10) as client:
        await asyncio.gather(*(one(client, i) for i in range(ORDINARY)))
    return latencies, statuses


HEALTH_SAMPLER = """
import json, sys, time, httpx
url, stop = sys.argv[1], sys.argv[2]
samples = []
with httpx.Client(base_url=url, timeout=5) as client:
    while True:
        try:
            open(stop).close()
            break
        except FileNotFoundError:
            pass
        start = time.perf_counter()
        assert client.get("/_mock/health").status_code == 200
        samples.append(time.perf_counter() - start)
        time.sleep(0.05)
print(json.dumps(samples))
"""


def _health_sampler(url: str, stop_file: Path) -> subprocess.Popen:
    """Health asked from another process: this one is busy being 300 clients at once."""
    return subprocess.Popen([sys.executable, "-c", HEALTH_SAMPLER, url, str(stop_file)],
                            stdout=subprocess.PIPE, text=True)


async def _scenario(server: LiveServer, project_id: str, stop_file: Path) -> dict:
    stop = asyncio.Event()
    stalled = [asyncio.ensure_future(_stalled(server.port)) for _ in range(STALLED)]
    slow = [asyncio.ensure_future(_slow_upload(server.port, project_id, stop))
            for _ in range(SLOW_UPLOADS)]
    await asyncio.sleep(0.5)  # every slow client is connected and holding its request
    health = _health_sampler(server.url, stop_file)
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as client:
        during = (await client.get("/_mock/ready")).json()
    latencies, statuses = await _ordinary(server.url, project_id)
    stop.set()
    stop_file.touch()
    samples, _ = await asyncio.to_thread(health.communicate, timeout=30)
    return {"latencies": latencies, "statuses": statuses, "health": json.loads(samples),
            "stalled": await asyncio.gather(*stalled), "slow": await asyncio.gather(*slow),
            "during": during}


@pytest.mark.parametrize("storage", ["memory", "file"])
def test_stalled_and_slow_clients_do_not_stop_the_others(storage: str, tmp_path: Path):
    args = ("--db", str(tmp_path / "state.db")) if storage == "file" else ()
    env = {"MOCKCML_BODY_TIMEOUT": str(BODY_TIMEOUT), "MOCKCML_TIME_SCALE": "0"}
    with LiveServer(*args, env=env) as server:
        with server.client() as client:
            project_id = make_project(client)["id"]
        out = asyncio.run(_scenario(server, project_id, tmp_path / "stop"))

        assert out["during"]["body_readers"] >= STALLED, out["during"]
        assert out["statuses"] == [200] * ORDINARY, sorted(set(out["statuses"]))
        assert _p(out["latencies"], 0.99) < 1.0, _p(out["latencies"], 0.99)
        assert out["health"], "health was never sampled"
        assert _p(out["health"], 0.95) < 0.1, sorted(out["health"])[-5:]
        assert statistics.median(out["health"]) < 0.05

        # Every stalled client was cut off by the body timeout with the envelope, not a hang.
        for answer in out["stalled"]:
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408"), answer[:200]
            assert json.loads(body)["code"] == 4
        # A slow upload was timed out (or reset right after its 408); none got a 5xx.
        for answer in out["slow"]:
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert any(answer.startswith(b"HTTP/1.1 408") for answer in out["slow"])

        with server.client() as client:
            ready = client.get("/_mock/ready").json()
            assert ready["database"]["checked_out"] == 0, ready
            assert ready["database"]["queued"] == 0, ready
            assert ready["body_readers"] == 0, ready
            # And the server still serves as before.
            assert client.get(f"/api/v2/projects/{project_id}", headers=auth()).status_code == 200
