"""Documents derived from the code (coverage tables, configuration reference) are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_documents_are_current():
    result = subprocess.run([sys.executable, "scripts/build_docs.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_count_matches_the_registry():
    from mockcml.app import create_app
    from mockcml.core.registry import implemented

    create_app()
    text = (ROOT / "README.md").read_text()
    assert f"**{len(implemented())} of 158**" in text
