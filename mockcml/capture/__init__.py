"""``mockcml capture``: read a workspace through API v2 and write it as a scenario.

``HttpSource`` (client.py) talks to the workspace, ``Reader`` (reader.py) walks it,
``Converter`` (scenario.py) turns the answers into fixture fields and ``writer.py`` writes
YAML that ``mockcml check`` accepts and ``mockcml serve`` loads. ``/_mock/export`` runs the
same reader and converter over mockcml's own state (``control/export.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockcml.capture.reader import Options, Reader, Workspace
from mockcml.capture.scenario import Converter


@dataclass
class Result:
    scenario: dict[str, Any]
    binaries: dict[str, bytes]
    workspace: Workspace
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What was written and what was left out, one line each."""
        counts = {"users": len(self.scenario.get("users", ())),
                  "runtimes": len(self.scenario.get("runtimes", ())),
                  **self.workspace.counts}
        wrote = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        lines = [f"wrote: {wrote or 'nothing'}"]
        if self.binaries:
            lines.append(f"wrote {len(self.binaries)} binary file contents next to the scenario")
        lines += [f"skipped: {item}" for item in self.skipped]
        return lines


def looks_admin(ws: Workspace) -> bool:
    """The capturing user sees a private project that is neither theirs nor shared with them:
    only a site administrator does."""
    for project in ws.projects:
        if project.get("visibility") != "private":
            continue
        if project["owner"]["username"] == ws.me:
            continue
        if not any(c["user"]["username"] == ws.me for c in project.get("_collaborators", ())):
            return True
    return False


def capture(source: Any, options: Options, *, admins: list[str] | None = None,
            files_dir: str = "files", progress: Any = None) -> Result:
    ws = Reader(source, options, progress).read()
    chosen = set(admins or ())
    if not admins and ws.me and looks_admin(ws):
        chosen.add(ws.me)
    converter = Converter(ws, admins=chosen if (admins or ws.me) else None, files_dir=files_dir)
    scenario = converter.scenario()
    return Result(scenario, converter.binaries, ws, converter.skipped)
