"""The limits on request bodies, and a loop that stays free while the database works.

Against a live server: too many bodies in flight is a 503 with Retry-After, a body too
large is refused before it is read, an over-long or malformed request gets CML's envelope;
and health answers fast while a 64 MB upload is stored or a long clock advance catches up.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.helpers import ADMIN_KEY, LiveServer, assert_envelope, auth, make_job, make_project

pytestmark = [pytest.mark.live, pytest.mark.slow]


def _raw(port: int, data: bytes, read: bool = True) -> socket.socket | bytes:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(data)
    if not read:
        return sock
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
        if b"\r\n\r\n" in b"".join(chunks) and b"content-length" in b"".join(chunks).lower():
            head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            if len(body) >= length:
                break
    sock.close()
    return b"".join(chunks)


def _stall(port: int) -> socket.socket:
    return _raw(port, b"POST /api/v2/projects HTTP/1.1\r\nHost: x\r\n"
                + f"Authorization: Bearer {ADMIN_KEY}\r\n".encode()
                + b"Content-Type: application/json\r\nContent-Length: 50\r\n\r\n{", read=False)


def test_body_limits_answer_in_the_envelope():
    env = {"MOCKCML_MAX_BODY_READERS": "2", "MOCKCML_BODY_TIMEOUT": "2",
           "MOCKCML_MAX_BODY_BYTES": "1000"}
    with LiveServer(env=env) as server, server.client() as client:
        held = [_stall(server.port), _stall(server.port)]
        time.sleep(0.3)
        refused = client.post("/api/v2/projects", json={"name": "third"}, headers=auth())
        assert_envelope(refused, 503, 14)
        assert refused.headers["retry-after"] == "1"
        # A request without a body is not held back by the readers in flight.
        assert client.get("/api/v2/projects", headers=auth()).status_code == 200
        for sock in held:
            answer = b""
            while chunk := sock.recv(4096):  # the server closes after its answer
                answer += chunk
            sock.close()
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408"), answer
            assert httpx.Response(408, content=body).json()["code"] == 4
        assert client.get("/_mock/ready").json()["body_readers"] == 0
        assert client.post("/api/v2/projects", json={"name": "now"}, headers=auth()).status_code == 200

        big = client.post("/api/v2/projects", content=b"{" + b" " * 2000 + b"}",
                          headers={**auth(), "content-type": "application/json"})
        assert_envelope(big, 400, 3)

        # A request uvicorn cannot parse still gets CML's envelope, not plain text.
        answer = _raw(server.port, b"NOT\x00HTTP / HTTP/1.1\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400"), answer
        assert b"application/json" in head
        assert httpx.Response(400, content=body).json()["code"] == 3


def _health_while(server: LiveServer, work) -> list[float]:  # noqa: ANN001
    samples: list[float] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    with httpx.Client(base_url=server.url, timeout=5) as client:
        time.sleep(0.05)
        while not done.is_set():
            start = time.perf_counter()
            assert client.get("/_mock/health").status_code == 200
            samples.append(time.perf_counter() - start)
            time.sleep(0.02)
    thread.join()
    assert not errors, errors
    return samples


@pytest.mark.timing
def test_health_answers_during_a_large_upload_and_a_long_catch_up():
    with LiveServer(env={"MOCKCML_TIME_SCALE": "0"}) as server, server.client() as client:
        pid = make_project(client)["id"]
        started = time.perf_counter()

        def upload() -> None:
            # From another process: building 60 MB of multipart here would hold this
            # process's GIL and slow the health checks we are timing.
            code = ("import httpx, sys; r = httpx.post(sys.argv[1], headers={'authorization': "
                    "sys.argv[2]}, files={'file': ('big.bin', b'x' * (60 << 20))}, timeout=120);"
                    " print(r.status_code, r.text[:200])")
            out = subprocess.run(
                [sys.executable, "-c", code, f"{server.url}/api/v2/projects/{pid}/files",
                 auth()["authorization"]], capture_output=True, text=True, timeout=180)
            assert out.stdout.startswith("200"), out.stdout + out.stderr

        samples = _health_while(server, upload)
        took = time.perf_counter() - started
        assert samples, "the upload finished before health could be asked"
        assert sorted(samples)[int(0.95 * len(samples))] < 0.1, (took, sorted(samples)[-5:])

        # A job every minute, and the clock moved by a day: thousands of runs to plan.
        job = make_job(client, pid, schedule="* * * * *")

        def advance() -> None:
            r = httpx.post(f"{server.url}/_mock/clock/advance", json={"by": "1d"}, timeout=300)
            assert r.status_code == 200, r.text

        started = time.perf_counter()
        samples = _health_while(server, advance)
        took = time.perf_counter() - started
        if took > 0.3:  # only meaningful when the catch-up takes a while
            assert sorted(samples)[int(0.95 * len(samples))] < 0.1, (took, sorted(samples)[-5:])
        runs = client.get(f"/api/v2/projects/{pid}/jobs/{job['id']}/runs", headers=auth(),
                          params={"page_size": 1}).json()
        assert runs["job_runs"], runs
        print(f"catch-up of 1 mock day took {took:.2f} s, {len(samples)} health checks")
