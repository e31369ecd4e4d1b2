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
