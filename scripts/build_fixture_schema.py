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
from scripts.generated import write_or_check  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed file instead of writing it")
    args = parser.parse_args(argv)
    return write_or_check(SCHEMA_FILE, render(), "python scripts/build_fixture_schema.py",
                          args.check)


if __name__ == "__main__":
    sys.exit(main())
