"""Concrete requests for every operation of the contract, for sweeps over the whole API."""

from __future__ import annotations

import re

from mockcml.core.contract import Operation, load_contract

SAMPLE = {"path": "notebooks/analysis.ipynb"}


def url_for(op: Operation) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.replace(".", "_") in op.path_types:
            return "987654"  # a typed (integer) parameter: a number no row has
        return SAMPLE.get(name, "zzzz-0000-zzzz-0000")

    return re.sub(r"\{([^}]+)\}", fill, op.path)


def operations() -> list[Operation]:
    return list(load_contract().operations)


def ids(op: Operation) -> str:
    return op.operation_id
