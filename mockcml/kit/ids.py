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


# byte -> its id character, so that an id is one bytes.translate (fixtures make thousands).
_ID_CHARS = bytes(ord(_ALPHABET[b % len(_ALPHABET)]) for b in range(256))


def stable_id(*parts: object) -> str:
    """The same inputs give the same id on every start (fixtures rely on it)."""
    text = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:16].translate(
        _ID_CHARS).decode("ascii")
    return f"{text[:4]}-{text[4:8]}-{text[8:12]}-{text[12:]}"


def slugify(name: str) -> str:
    out = []
    for ch in name.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "project"
