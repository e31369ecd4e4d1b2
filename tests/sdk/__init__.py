"""Tests of the cmlapi SDK that mockcml hands out (sdk/, /api/v2/python.tar.gz)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from tests.helpers import ROOT

SDK_DIR = ROOT / "sdk"
REFERENCE = ROOT.parent / "shared" / "reference" / "cml-api-v2.json"


def import_committed_sdk() -> ModuleType:
    """``cmlapi`` imported from the committed sdk/ directory (not from any installed copy)."""
    loaded = sys.modules.get("cmlapi")
    if loaded is not None and SDK_DIR in Path(loaded.__file__).parents:
        return loaded
    for name in [name for name in sys.modules if name == "cmlapi" or name.startswith("cmlapi.")]:
        del sys.modules[name]
    sys.path.insert(0, str(SDK_DIR))
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # keep sdk/ free of __pycache__
    try:
        module = importlib.import_module("cmlapi")
    finally:
        sys.dont_write_bytecode = writes_bytecode
        sys.path.remove(str(SDK_DIR))
    return module
