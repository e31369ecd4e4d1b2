"""Runtime rules: listing, and reading an image identifier the way the catalogue names it."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from mockcml.kit.listing import Listing, Page, page, substring
from mockcml.resources.runtimes.tables import Runtime

RUNTIME_STATUSES = ("ENABLED", "DISABLED", "DEPRECATED")
_KEYS = ("image_identifier", "editor", "kernel", "edition", "description", "full_version")
RUNTIME_LISTING = Listing(
    model="Runtime",
    filters={key: substring(getattr(Runtime, key)) for key in _KEYS},
    sorts={key: getattr(Runtime, key) for key in _KEYS},
    tiebreak=col(Runtime.image_identifier),
    default_sort=(),
)

_KERNEL = re.compile(r"^(python|r|scala|conda)([0-9][0-9.]*)$")
_WORDS = {
    "workbench": "Workbench", "jupyterlab": "JupyterLab", "pbj": "PBJ", "rstudio": "RStudio",
    "vscode": "VS Code", "standard": "Standard", "cuda": "Nvidia GPU", "gpu": "Nvidia GPU",
    "tech": "Tech", "preview": "Preview", "python": "Python", "r": "R", "scala": "Scala",
    "conda": "Conda",
}


def list_runtimes(session: Session, params: dict[str, Any]) -> Page:
    return page(session, select(Runtime), RUNTIME_LISTING, params)


def _words(tokens: list[str]) -> str:
    return " ".join(_WORDS.get(t, t.capitalize()) for t in tokens)


def runtime_row(image_identifier: str, given: dict[str, Any], register_user_id: int) -> dict[str, Any]:
    """A runtime's columns: what ``given`` sets, the rest read off the image name (editor,
    kernel, edition, version, description); RegisterCustomRuntime and fixtures use it."""
    row = {"image_identifier": image_identifier, "status": given.get("status") or "ENABLED",
           "register_user_id": register_user_id}
    for name, value in describe_image(image_identifier).items():
        row[name] = value if given.get(name) is None else given[name]
    return row


def describe_image(image_identifier: str) -> dict[str, str]:
    """Editor, kernel, edition, version and description read off a Cloudera-style image name.

    ``.../ml-runtime-workbench-python3.10-standard:2023.08.2-b8`` gives Workbench,
    Python 3.10, Standard, 2023.08.2-b8. Names of another shape give what they can (the tag).
    """
    name = image_identifier.rsplit("/", 1)[-1]
    repo, _, tag = name.partition(":")
    out = {"editor": "", "kernel": "", "edition": "", "full_version": tag, "description": ""}
    tokens = repo.split("-")
    if tokens[:2] == ["ml", "runtime"]:
        tokens = tokens[2:]
    for index, token in enumerate(tokens):
        match = _KERNEL.match(token)
        if match:
            out["editor"] = _words(tokens[:index])
            out["kernel"] = f"{_WORDS[match.group(1)]} {match.group(2)}"
            out["edition"] = _words(tokens[index + 1:])
            break
    if out["kernel"] and out["edition"]:
        language = out["kernel"].split(" ", 1)[0]
        out["description"] = f"{out['edition']} edition {language} runtime"
    return out
