#!/usr/bin/env python3
"""Write ``mockcml/fixtures/fixture.schema.json`` from the format declared in
``mockcml/fixtures/schema.py``.

Usage::

    python scripts/build_fixture_schema.py [--check]

``--check`` writes nothing and exits 1 when the committed file differs from what the
declarations give (the drift test runs the same comparison).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from mockcml.fixtures.schema import SCHEMA_FILE, render  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.is_file() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is out of date: run python scripts/build_fixture_schema.py",
                  file=sys.stderr)
            return 1
        print(f"{SCHEMA_FILE.name} is up to date")
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
