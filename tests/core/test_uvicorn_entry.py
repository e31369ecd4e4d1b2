"""``uvicorn mockcml.app:app``, configured from MOCKCML_* environment variables, works."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from tests.helpers import ROOT, auth, free_port


def test_uvicorn_module_app_reads_the_environment(tmp_path):
    port = free_port()
    env = {**os.environ, "MOCKCML_FIXTURES": str(ROOT / "fixtures" / "minimal.yaml"),
           "MOCKCML_TIME_SCALE": "0", "MOCKCML_DB": str(tmp_path / "u.db")}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "mockcml.app:app", "--port",
                             str(port), "--log-level", "warning"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_mock/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        ready = httpx.get(f"{url}/_mock/ready").json()
        assert ready["ready"] is True and ready["fixtures_loaded"] is True
        clock = httpx.get(f"{url}/_mock/clock").json()
        assert clock["time_scale"] == 0
        projects = httpx.get(f"{url}/api/v2/projects", headers=auth()).json()["projects"]
        assert projects, "minimal.yaml seeds a project"
        assert (tmp_path / "u.db").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_importing_the_module_builds_no_app():
    code = ("import mockcml.app as m, sys; "
            "sys.exit(1 if 'app' in vars(m) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
