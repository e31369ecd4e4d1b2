"""The dashboard at ``/_mock/ui``: static files served from this package (no CDN, works
offline) plus ``timeline.py``, the one view the other control endpoints do not give."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


def asset(name: str) -> tuple[bytes, str] | None:
    """A file of the dashboard and its media type, or None (only files of ``static``)."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or path.suffix not in MEDIA_TYPES or not path.is_file():
        return None
    return path.read_bytes(), MEDIA_TYPES[path.suffix]
