"""The pytest plugin, exercised the way its users run it: pytest in a subprocess."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_pytest(tmp_path: Path, files: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )


def _doc_example() -> str:
    text = (ROOT / "docs" / "pytest-plugin.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return blocks[-1]  # the worked example is the last Python block


def test_worked_example_from_the_docs_passes(tmp_path):
    result = _run_pytest(tmp_path, {"test_example.py": _doc_example()})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout


ISOLATION = """
    import pytest

    @pytest.mark.parametrize("i", range(6))
    def test_each_test_starts_clean(mockcml, i):
        names = [p["name"] for p in mockcml.request("GET", "projects").json()["projects"]]
        assert names == []
        mockcml.request("POST", "projects", json={"name": f"leak-{i}"})
        mockcml.clock.advance("1d")
        mockcml.faults.add(operation_id="GetProject", status=500)
"""


def test_state_is_isolated_between_tests_and_xdist_workers(tmp_path):
    result = _run_pytest(tmp_path, {"test_isolation.py": ISOLATION}, "-n", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_asgi_variant_and_marker_configuration(tmp_path):
    files = {"test_asgi.py": """
        import pytest

        def test_in_process(mockcml_asgi):
            response = mockcml_asgi.request("POST", "auth/validate_key", json={"audience": "API"})
            assert response.json()["username"] == "admin"
            mockcml_asgi.faults.add(operation_id="ListProjects", status=503, count=1)
            assert mockcml_asgi.request("GET", "projects").status_code == 503
            assert mockcml_asgi.journal.entries(operation_id="ListProjects")[0]["status"] == 503

        @pytest.mark.mockcml(time_scale=1)
        def test_marker_sets_time_scale(mockcml):
            assert mockcml.request("GET", "/_mock/clock", username=None).json()["time_scale"] == 1

        def test_default_time_scale(mockcml):
            assert mockcml.request("GET", "/_mock/clock", username=None).json()["time_scale"] == 0

        def test_snapshots_in_a_test(mockcml):
            mockcml.snapshot("before")
            mockcml.request("POST", "projects", json={"name": "temp"})
            mockcml.restore("before")
            assert mockcml.request("GET", "projects").json()["projects"] == []
    """}
    result = _run_pytest(tmp_path, files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


@pytest.mark.parametrize("scope", ["module"])
def test_module_scope_setting(tmp_path, scope):
    files = {
        "pytest.ini": f"[pytest]\nmockcml_scope = {scope}\n",
        "test_a.py": "def test_a(mockcml):\n    assert mockcml.url.startswith('http://127.0.0.1:')\n",
        "test_b.py": "def test_b(mockcml):\n    assert mockcml.url.startswith('http://127.0.0.1:')\n",
    }
    result = _run_pytest(tmp_path, files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


EVERY_CONTROL = """
    import threading, time

    def test_every_control_through_the_handle(mockcml):
        project = mockcml.request("POST", "projects", json={"name": "p"}).json()
        job = mockcml.request("POST", f"projects/{project['id']}/jobs", json={
            "name": "j", "script": "a.py", "runtime_identifier": "rt"}).json()
        runs = f"projects/{project['id']}/jobs/{job['id']}/runs"
        # clock
        frozen = mockcml.clock.freeze()
        assert frozen["frozen"] and mockcml.clock.now() == frozen["epoch"]
        assert mockcml.clock.advance("1h")["epoch"] == frozen["epoch"] + 3600
        assert mockcml.clock.scale(0)["time_scale"] == 0
        assert mockcml.clock.unfreeze()["frozen"] is False
        # outcomes
        assert len(mockcml.outcomes.queue(job["id"], outcome="failed", times=2)) == 2
        mockcml.outcomes.clear()
        assert mockcml.request("POST", runs).json()["status"] == "ENGINE_SUCCEEDED"
        # faults
        fault = mockcml.faults.add(operation_id="GetJob", status=500, count=1)
        assert [f["id"] for f in mockcml.faults.list()] == [fault["id"]]
        assert mockcml.request("GET", f"projects/{project['id']}/jobs/{job['id']}").status_code == 500
        mockcml.faults.clear()
        assert mockcml.faults.list() == []
        # journal, with bodies and a wait that returns when the call arrives
        mockcml.journal.record_bodies(True)
        after = mockcml.journal.entries()[-1]["id"]
        later = threading.Timer(0.3, lambda: mockcml.request("POST", runs, json={}))
        later.start()
        entry = mockcml.journal.wait(operation_id="CreateJobRun", after=after, timeout=10)
        later.join()
        assert entry["status"] == 200 and entry["request_body"] == {}
        mockcml.journal.clear()
        assert mockcml.journal.entries() == []
        # snapshots and reset
        mockcml.snapshot("mid")
        mockcml.request("DELETE", f"projects/{project['id']}")
        mockcml.restore("mid")
        assert mockcml.request("GET", f"projects/{project['id']}").status_code == 200
        mockcml.reset()
        assert mockcml.request("GET", f"projects/{project['id']}").status_code == 404
        # health, readiness and coverage are plain reads
        assert mockcml.request("GET", "/_mock/health", username=None).json()["ready"] is True
        assert mockcml.request("GET", "/_mock/coverage", username=None).json()["counts"]["total"] == 158
"""


def test_every_control_through_the_plugin(tmp_path):
    result = _run_pytest(tmp_path, {"test_controls.py": EVERY_CONTROL})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


FIDELITY_CHECKS = """
    import pytest

    def _unknown_and_sparse(handle):
        assert handle.unknown_fields() == []
        handle.request("POST", "projects", json={"name": "p", "descripton": "typo"})
        [entry] = handle.unknown_fields(operation_id="CreateProject")
        assert entry["field"] == "descripton" and entry["caller"] == "admin"
        assert handle.response_style() == "full"
        assert handle.response_style("sparse") == "sparse"
        project = handle.request("GET", "projects").json()["projects"][0]
        assert "description" not in project

    def test_live_handle(mockcml):
        _unknown_and_sparse(mockcml)

    def test_live_handle_starts_clean_again(mockcml):
        # The previous test's report and style do not leak into this one.
        _unknown_and_sparse(mockcml)
        mockcml.clear_unknown_fields()
        assert mockcml.unknown_fields() == []

    def test_asgi_handle(mockcml_asgi):
        _unknown_and_sparse(mockcml_asgi)

    @pytest.mark.mockcml(response_style="sparse")
    def test_marker_switches_the_style(mockcml):
        assert mockcml.response_style() == "sparse"
        assert set(mockcml.request("GET", "projects/none").json()) == {"code", "message"}

    @pytest.mark.mockcml(response_style="sparse")
    def test_marker_switches_the_style_in_process(mockcml_asgi):
        assert mockcml_asgi.response_style() == "sparse"
"""


def test_unknown_fields_and_response_style_through_the_plugin(tmp_path):
    result = _run_pytest(tmp_path, {"test_fidelity.py": FIDELITY_CHECKS}, "-p", "no:randomly")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
