"""CI runs the static checks too, and they work in a plain clone (issue 19, item 8).

``.ci/run`` runs ``scripts/check`` (ruff and the drift checks) before the README's test
command; a check that needs what a plain clone lacks (``../shared``, java) is skipped with
a message instead of crashing the run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


def _readme_test_command() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"# 2\..*\n(.*pytest.*)\n", text)
    assert match, "the README's quick start lost its test command"
    return match.group(1).strip()


def test_ci_runs_the_checks_and_the_readme_test_command() -> None:
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    check = next(i for i, line in enumerate(lines) if "scripts/check" in line)
    assert "PYTHON=.venv/bin/python" in lines[check]  # the venv's ruff, not one on PATH
    # The README's command verbatim; after it only the stages that run tests again
    # (the timing tests alone, the storage suites on PostgreSQL).
    suite = lines.index(_readme_test_command())
    assert check < suite, "checks run first: they fail in seconds"
    assert any("pytest -m timing" in line for line in lines[suite + 1:])
    assert any("tests.pg run" in line for line in lines[suite + 1:])


@pytest.mark.slow
def test_check_skips_with_a_message_in_a_plain_clone(tmp_path: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    clone = tmp_path / "somewhere" / "mockcml"  # no ../shared next to it
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    # A PATH with no java and no ruff: only what the script itself calls.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    env = {**{k: v for k, v in os.environ.items() if k != "PATH"}, "PATH": str(bin_dir),
           "PYTHON": sys.executable}
    result = subprocess.run(["/bin/bash", str(clone / "scripts" / "check")], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout
    assert "skipped: the contract drift check" in result.stderr
    assert "../shared/reference/cml-api-v2.json" in result.stderr
    assert "skipped: the SDK drift check" in result.stderr
