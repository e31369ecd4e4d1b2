#!/usr/bin/env python3
"""Write ``mockcml/core/schema.sqlite.sql``, the SQLite schema start-up runs in one call,
from the tables the resource packages declare (see ``mockcml/core/ddl.py``).

Usage::

    python scripts/build_schema.py [--check]

``--check`` writes nothing and exits 1 when the committed script differs from what the
tables give (``scripts/check`` runs it).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def tables():  # noqa: ANN201
    """The metadata as a running server has it: the app's modules and every resource's."""
    from sqlmodel import SQLModel

    import mockcml.app  # noqa: F401 - the mock's own tables (meta, scripts)
    import mockcml.fixtures.load  # noqa: F401 - every fixture section's tables
    from mockcml.resources import RESOURCE_MODULES

    for module in RESOURCE_MODULES:
        importlib.import_module(module)
    return SQLModel.metadata


def main(argv: list[str] | None = None) -> int:
    from mockcml.core.ddl import SCRIPT, render

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed script instead of writing it")
    args = parser.parse_args(argv)
    from scripts.generated import write_or_check

    return write_or_check(SCRIPT, render(tables()), "python scripts/build_schema.py", args.check)


if __name__ == "__main__":
    sys.exit(main())
