"""The plugin and the project's own suite do not change with the caller's MOCKCML_*
environment (issue 19, item 7), and a test's clock changes do not leak into the next test
(item 6).

The shell below exports settings that would break every assertion if they reached a
server: a control token (controls would need it), failing runs, and a time scale that
is not even a number.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = {"MOCKCML_CONTROL_TOKEN": "x", "MOCKCML_DEFAULT_OUTCOME": "failed",
           "MOCKCML_TIME_SCALE": "fast", "MOCKCML_ADMIN_API_KEY": "other"}

pytestmark = pytest.mark.slow


def _pytest(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )


BOTH_FIXTURES = """
    import pytest

    def _run_status(m):
        project = m.request("POST", "projects", json={"name": "p"}).json()
        job = m.request("POST", f"projects/{project['id']}/jobs", json={
            "name": "j", "script": "a.py", "runtime_identifier": "rt"}).json()
        return m.request("POST", f"projects/{project['id']}/jobs/{job['id']}/runs").json()["status"]

    @pytest.mark.parametrize("name", ["mockcml", "mockcml_asgi"])
    def test_unaffected_by_the_shell(request, name):
        m = request.getfixturevalue(name)
        assert m.request("GET", "/_mock/clock", username=None).json()["time_scale"] == 0
        assert _run_status(m) == "ENGINE_SUCCEEDED"
        m.faults.add(operation_id="ListProjects", status=503, count=1)  # no token needed
        assert m.request("GET", "projects").status_code == 503
"""


def test_plugin_fixtures_ignore_the_callers_environment(tmp_path):
    (tmp_path / "test_env.py").write_text(textwrap.dedent(BOTH_FIXTURES))
    result = _pytest(tmp_path, str(tmp_path), env=HOSTILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


CLOCK_LEAK = """
    import pytest

    @pytest.mark.parametrize("name", ["mockcml", "mockcml_asgi"])
    def test_1_changes_the_clock(request, name):
        m = request.getfixturevalue(name)
        m.clock.scale(1)
        m.clock.freeze()
        m.clock.advance("1d")

    @pytest.mark.parametrize("name", ["mockcml", "mockcml_asgi"])
    def test_2_starts_with_the_seeded_clock(request, name):
        clock = request.getfixturevalue(name).request("GET", "/_mock/clock", username=None).json()
        assert clock["time_scale"] == 0
        assert clock["frozen"] is False and clock["offset_seconds"] == 0
"""


def test_a_tests_clock_changes_do_not_reach_the_next_test(tmp_path):
    (tmp_path / "test_clock.py").write_text(textwrap.dedent(CLOCK_LEAK))
    result = _pytest(tmp_path, str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_own_suite_passes_with_mockcml_settings_exported():
    # A sample that uses both the in-process app and the shared live server, and controls.
    result = _pytest(ROOT, "tests/control/test_journal.py", "tests/control/test_clock.py",
                     "-m", "not slow", env=HOSTILE)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
