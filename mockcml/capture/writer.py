"""A scenario dict as readable YAML: fields in the format's order, text blocks as ``|``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML falls back to a quoted scalar by itself when a block cannot hold the text.
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def dump(scenario: dict[str, Any], header: str = "") -> str:
    body = yaml.dump(scenario, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return lines + body


def write(path: str | Path, scenario: dict[str, Any], header: str = "",
          binaries: dict[str, bytes] | None = None) -> list[Path]:
    """The YAML at ``path`` and binary file contents next to it; returns what was written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for relative, data in (binaries or {}).items():
        out = target.parent / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        written.append(out)
    target.write_text(dump(scenario, header), encoding="utf-8")
    written.insert(0, target)
    return written
