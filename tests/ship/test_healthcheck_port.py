"""The image's HEALTHCHECK probes the port the server listens on (issue 19, item 10).

``docker run mockcml mockcml serve --port 9000`` used to report unhealthy, since the check
read MOCKCML_PORT (8080) only. The check now reads PID 1's command line first. Here the
exact command runs against a live server, with ``/proc/1/cmdline`` swapped for a file
holding the command line a container would have.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import LiveServer, free_port
from tests.ship.test_dockerfile import parse_dockerfile

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


def _check(tmp_path: Path, argv: list[str], env_port: int) -> subprocess.CompletedProcess:
    command = parse_dockerfile().healthcheck
    assert command and command[:2] == ["python", "-c"]
    cmdline = tmp_path / "cmdline"
    cmdline.write_bytes(b"".join(arg.encode() + b"\0" for arg in argv))
    code = command[2]
    assert "/proc/1/cmdline" in code
    code = code.replace("/proc/1/cmdline", str(cmdline))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKCML_")}
    return subprocess.run([sys.executable, "-c", code], env={**env, "MOCKCML_PORT": str(env_port)},
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("flag", ["--port {}", "--port={}"])
def test_follows_the_port_flag_of_the_command(tmp_path, server: LiveServer, flag: str) -> None:
    # MOCKCML_PORT keeps the image's value; nothing listens there.
    argv = ["/usr/local/bin/python", "/usr/local/bin/mockcml", "serve",
            *flag.format(server.port).split(" ")]
    check = _check(tmp_path, argv, env_port=free_port())
    assert check.returncode == 0, check.stderr


def test_falls_back_to_mockcml_port(tmp_path, server: LiveServer) -> None:
    argv = ["/usr/local/bin/python", "/usr/local/bin/mockcml", "serve"]
    assert _check(tmp_path, argv, env_port=server.port).returncode == 0
    assert _check(tmp_path, argv, env_port=free_port()).returncode != 0
