"""The README's quick start says what a newcomer needs to know (issue 19, item 10): the
server runs in the foreground, so the test command goes in a second terminal."""

from __future__ import annotations

import re

from tests.helpers import ROOT


def _quick_start() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def test_quick_start_says_foreground_and_second_terminal() -> None:
    section = _quick_start()
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    assert "foreground" in block and "second terminal" in block
    prose = section.split("```", 2)[2]
    assert "foreground" in prose and "Ctrl-C" in prose and "second terminal" in prose
