"""Docs that cannot rot: every example marked ``<!-- doctest -->`` runs against a live server.

A marked block is the fenced code block right after the marker: ``sh`` blocks run under
``bash -euo pipefail``, ``python`` blocks under this interpreter, both with
``MOCKCML_URL`` pointing at a live mockcml seeded with the demo fixtures. The server is
reset before every document.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.helpers import LiveServer

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"<!-- doctest -->\s*\n```(\w+)[^\n]*\n(.*?)```", re.S)


def examples() -> list[tuple[str, int, str, str]]:
    found = []
    for doc in DOCS:
        for index, match in enumerate(BLOCK.finditer(doc.read_text())):
            found.append((doc.relative_to(ROOT).as_posix(), index, match.group(1),
                          match.group(2)))
    return found


@pytest.fixture(scope="module")
def server():
    demo = ROOT / "fixtures" / "demo.yaml"
    args = ("--fixtures", str(demo)) if demo.exists() else ()
    with LiveServer(*args, env={"MOCKCML_TIME_SCALE": "0"}) as live:
        yield live


def test_the_docs_have_examples():
    assert len(examples()) >= 5


@pytest.mark.parametrize("doc, index, language, code", examples(),
                         ids=[f"{d}#{i}" for d, i, _, _ in examples()])
def test_example_runs(server, doc, index, language, code):
    if index == 0:
        assert httpx.post(f"{server.url}/_mock/reset").status_code == 200
    # Python examples import cmlapi as if installed from /api/v2/python.tar.gz.
    env = {**os.environ, "MOCKCML_URL": server.url, "PYTHONPATH": str(ROOT / "sdk")}
    if language in ("sh", "bash", "shell"):
        cmd = ["bash", "-euo", "pipefail", "-c", code]
    elif language == "python":
        cmd = [sys.executable, "-c", code]
    else:
        pytest.fail(f"{doc}: doctest block in unsupported language {language!r}")
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{doc} example {index} failed:\n{result.stdout}\n{result.stderr}"


def _yaml_blocks(doc: Path) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S)


@pytest.mark.parametrize("doc, index", [("README.md", 0), ("docs/fixtures.md", 0)])
def test_whole_fixture_examples_pass_check(tmp_path, doc, index):
    """The complete scenarios shown in the docs (not the fragments) are valid fixtures."""
    scenario = tmp_path / "example.yaml"
    scenario.write_text(_yaml_blocks(ROOT / doc)[index])
    done = subprocess.run([sys.executable, "-m", "mockcml", "check", str(scenario)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
