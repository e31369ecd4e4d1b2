"""File paths: one normal form, and a refusal of anything that could leave the project.

A path arrives from the URL (already percent-decoded once by the router), from a
multipart field name, or from a ``FileInfo.path`` body field. Every one goes through
``normalise``: the result is relative to the project root, "/"-separated, without
empty, "." or ".." segments, and "" names the root itself.

Refused with INVALID_ARGUMENT: ".." segments, absolute paths, backslashes, NUL bytes,
over-long names, and percent-encoded (or doubly encoded) forms of any of these, such as
``%2e%2e``, ``..%2f`` or ``%252e%252e``. The bytes live in the database, so nothing
could escape anyway; the refusal keeps clients honest about what a real workspace
would do with such a path (resolve it outside the project, or refuse it).
"""

from __future__ import annotations

from urllib.parse import unquote

from mockcml.core.errors import InvalidArgument

ROOT = ""
# The forms the real API accepts for the project root ("/" is a %2F after decoding).
ROOT_FORMS = ("", ".", "/")
MAX_PATH_BYTES = 4096  # Linux PATH_MAX
MAX_NAME_BYTES = 255  # Linux NAME_MAX
_DECODE_ROUNDS = 4


def _check_unsafe(text: str, raw: str) -> None:
    if "\x00" in text:
        raise InvalidArgument(f"path {raw!r} contains a NUL byte")
    if "\\" in text:
        raise InvalidArgument(f"path {raw!r} contains a backslash")
    if ".." in text.split("/"):
        raise InvalidArgument(f"path {raw!r} may not contain '..'")


def normalise(raw: str) -> str:
    """The normal form of ``raw``; "" for the project root."""
    # Check the path as given and as every further round of percent-decoding would
    # read it, so that no layer between a client and a disk could turn it into "..".
    text = raw
    for round_ in range(_DECODE_ROUNDS):
        _check_unsafe(text, raw)
        if round_ and text.startswith("/"):
            raise InvalidArgument(f"path {raw!r} must be relative to the project root")
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    else:
        raise InvalidArgument(f"path {raw!r} is percent-encoded too many times")
    if raw in ROOT_FORMS:
        return ROOT
    if raw.startswith("/"):
        # Only a lone "/" means the root; anything else is absolute.
        raise InvalidArgument(f"path {raw!r} must be relative to the project root")
    segments = [segment for segment in raw.split("/") if segment not in ("", ".")]
    path = "/".join(segments)
    if len(path.encode()) > MAX_PATH_BYTES:
        raise InvalidArgument(f"path is longer than {MAX_PATH_BYTES} bytes")
    for segment in segments:
        if len(segment.encode()) > MAX_NAME_BYTES:
            raise InvalidArgument(f"file name {segment[:40]!r}... is longer than {MAX_NAME_BYTES} bytes")
    return path


def parent_of(path: str) -> str:
    return path.rpartition("/")[0]


def name_of(path: str) -> str:
    return path.rpartition("/")[2]


def ancestors(path: str) -> list[str]:
    """The directories above ``path``, outermost first, without the root."""
    segments = path.split("/")[:-1]
    return ["/".join(segments[: i + 1]) for i in range(len(segments))]


def numbered(name: str, n: int) -> str:
    """``notes.txt`` -> ``notes(n).txt``: how the real API renames a clashing upload.

    The number goes before the last extension; a dot-file or a name without a dot gets it
    at the end (``.bashrc(1)``, ``Makefile(1)``). [inferred beyond the ``name.ext`` case]
    """
    dot = name.rfind(".")
    if dot <= 0:
        return f"{name}({n})"
    return f"{name[:dot]}({n}){name[dot:]}"


def is_within(path: str, directory: str) -> bool:
    """Whether ``path`` is ``directory`` itself or lies below it."""
    return directory == ROOT or path == directory or path.startswith(directory + "/")
