"""Resource ids shaped like a workspace's: four dash-separated groups of four characters."""

from __future__ import annotations

import hashlib
import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _format(raw: bytes) -> str:
    chars = "".join(_ALPHABET[b % len(_ALPHABET)] for b in raw[:16])
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def new_id() -> str:
    return _format(secrets.token_bytes(16))


def stable_id(*parts: object) -> str:
    """The same inputs give the same id on every start (fixtures rely on it)."""
    return _format(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest())


def slugify(name: str) -> str:
    out = []
    for ch in name.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "project"
