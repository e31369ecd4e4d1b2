"""The pytest plugin works where only mockcml (and pytest) is installed (issue 19, item 5).

Before, ``httpx`` was only in the ``test`` extra and the plugin started its server before
importing it: ``ModuleNotFoundError`` and an orphan process. Here a fresh virtual
environment gets ``pip install <this checkout> pytest`` (no extras; pip's configured
index and cache, so it runs offline where they are local) and runs a plugin test.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PLUGIN_TEST = """
    def test_live(mockcml):
        assert mockcml.request("POST", "projects", json={"name": "p"}).status_code == 200
        mockcml.clock.advance("1h")

    def test_in_process(mockcml_asgi):
        assert mockcml_asgi.request("GET", "projects").json()["projects"] == []
"""


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pip", "install", "-q", *args],
                          capture_output=True, text=True, timeout=1200)


@pytest.mark.slow
def test_plugin_runs_with_only_runtime_dependencies(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    installed = _pip(python, str(ROOT), "pytest")
    if installed.returncode != 0:
        # Building the wheel may need what is not cached: mockcml alone, then exactly its
        # runtime dependencies (from pyproject.toml) from the same index.
        runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
        installed = _pip(python, "--no-deps", str(ROOT))
        if installed.returncode == 0:
            installed = _pip(python, *runtime, "pytest")
    if installed.returncode != 0:
        pytest.skip(f"cannot install packages here (no index or cache):\n{installed.stderr[-2000:]}")
    # Alone: nothing of the test extra came along.
    probe = subprocess.run([str(python), "-c", "import openapi_spec_validator"],
                           capture_output=True, text=True)
    assert probe.returncode != 0, "the fresh environment has the test extra"
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_plugin_user.py").write_text(textwrap.dedent(PLUGIN_TEST))
    result = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                            cwd=project, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
