"""Resource ids shaped like a workspace's: four dash-separated groups of four characters."""

from __future__ import annotations

import hashlib
import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


# byte -> its id character, so that an id is one bytes.translate (fixtures and the
# scheduler make thousands).
_ID_CHARS = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))


def _format(raw: bytes) -> str:
    text = raw[:16].translate(_ID_CHARS).decode("ascii")
    return f"{text[:4]}-{text[4:8]}-{text[8:12]}-{text[12:]}"


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
