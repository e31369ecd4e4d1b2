"""Test helpers shared by the suite: a live mockcml process and small HTTP conveniences."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ADMIN_KEY = "mockcml-admin-key"


def auth(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_variables(environ: dict[str, str] | os._Environ) -> list[str]:
    """The names in ``environ`` that configure a mockcml server (MOCKCML_<setting>);
    test knobs such as MOCKCML_FUZZ_EXAMPLES are not among them."""
    from mockcml.settings import Settings

    names = {f"MOCKCML_{field.upper()}" for field in Settings.model_fields}
    return [name for name in environ if name.upper() in names]


class LiveServer:
    """``mockcml serve`` in a child process on a free loopback port.

    Its environment is this process's without any server setting, plus ``env``: the shell
    the suite runs in never changes the server under test.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = args
        skip = set(server_variables(os.environ))
        inherited = {k: v for k, v in os.environ.items() if k not in skip}
        self.env = {**inherited, **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log = b""

    def start(self, timeout: float = 30.0) -> LiveServer:
        cmd = [sys.executable, "-m", "mockcml", "serve", "--port", str(self.port),
               "--log-level", "warning", *self.args]
        # Output goes to a file, not a pipe: a pipe nobody drains blocks a chatty server.
        self._out = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._out,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"mockcml exited with {self.proc.returncode}:\n{self._read().decode()}")
            try:
                if httpx.get(f"{self.url}/_mock/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("mockcml did not become ready in time")

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and not self._out.closed:
            self.log = self._read()
            self._out.close()

    def _read(self) -> bytes:
        self._out.seek(0)
        return self._out.read()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def unique(prefix: str) -> str:
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def assert_envelope(response: httpx.Response, status: int, code: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "code", "message", "details"}, body
    assert body["code"] == code, body
    assert body["error"] == body["message"] and body["message"], body
    assert body["details"] == []
    return body


def make_project(client, key: str = ADMIN_KEY, **fields) -> dict:  # noqa: ANN001
    body = {"name": unique("proj"), **fields}
    response = client.post("/api/v2/projects", json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def make_job(client, project_id: str, key: str = ADMIN_KEY, **fields) -> dict:  # noqa: ANN001
    body = {"name": unique("job"), "script": "main.py", "runtime_identifier": RUNTIME, **fields}
    response = client.post(f"/api/v2/projects/{project_id}/jobs", json=body, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


RUNTIME = (
    "docker.repository.cloudera.com/cloudera/cdsw/"
    "ml-runtime-pbj-jupyterlab-python3.11-standard:2025.01.1-b8"
)
