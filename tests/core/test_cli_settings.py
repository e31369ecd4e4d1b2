"""``mockcml serve`` with settings it cannot take, or a port it cannot have (issue 19, item 9):
one line naming the setting, exit 2 (exit 1 when the port is taken), no traceback, and no
banner, which is printed only once the port is bound."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.helpers import ROOT, free_port

pytestmark = pytest.mark.slow
BANNER = "CML API v2 at"


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCML_")}
    return subprocess.run([sys.executable, "-m", "mockcml", "serve", *args], cwd=ROOT,
                          env={**base, **(env or {})}, capture_output=True, text=True, timeout=60)


def _refused(done: subprocess.CompletedProcess, code: int) -> str:
    assert done.returncode == code, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert BANNER not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_negative_time_scale_flag():
    line = _refused(_serve("--port", str(free_port()), "--time-scale", "-1"), 2)
    assert "--time-scale" in line and "MOCKCML_TIME_SCALE" in line
    assert "greater than or equal to 0" in line and "-1" in line


def test_time_scale_that_is_not_a_number_from_the_environment():
    line = _refused(_serve("--port", str(free_port()), env={"MOCKCML_TIME_SCALE": "fast"}), 2)
    assert "MOCKCML_TIME_SCALE" in line and "'fast'" in line and "number" in line


def test_unknown_default_outcome_names_the_allowed_values():
    line = _refused(_serve("--port", str(free_port()),
                           env={"MOCKCML_DEFAULT_OUTCOME": "maybe"}), 2)
    assert "MOCKCML_DEFAULT_OUTCOME" in line and "succeeded, failed or timedout" in line


@pytest.mark.parametrize("port", ["99999", "0", "-5", "http"])
def test_port_out_of_range_is_refused_not_wrapped(port):
    done = _serve("--port", port)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and BANNER not in done.stdout
    assert "--port" in done.stderr and port in done.stderr


def test_port_in_use_is_one_message_and_no_banner():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _refused(_serve("--port", str(port)), 1)
    assert f"cannot listen on 127.0.0.1:{port}" in line



def test_several_workers_get_one_socket_each_on_one_port():
    import uvicorn

    from mockcml.serving import bind

    sockets = bind(uvicorn.Config("x:y", host="127.0.0.1", port=0), 3)
    try:
        ports = {s.getsockname()[1] for s in sockets}
        assert len(sockets) == 3 and len(ports) == 1
        for s in sockets:
            s.listen()  # as the workers do
        # The port is taken now: another server, of one worker or several, is refused.
        for count in (1, 2):
            with pytest.raises(OSError):
                bind(uvicorn.Config("x:y", host="127.0.0.1", port=next(iter(ports))), count)
    finally:
        for s in sockets:
            s.close()
