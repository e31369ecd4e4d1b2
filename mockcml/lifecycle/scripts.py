"""Queued scripts: the outcome and durations of the next runs of one target.

A test author queues "the next two runs of job X fail after 30 s"; each new run takes the
oldest queued script of its target. Kinds are the resources with lifecycles: ``job``,
``application``, ``model_build``, ``model_deployment``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Field, Session, SQLModel, col

from mockcml.core.actors import Reader
from mockcml.kit.sql import execute, fetch_one

KINDS = ("job", "application", "model_build", "model_deployment")
OUTCOMES = ("succeeded", "failed", "timedout")
DURATIONS = ("scheduling", "starting", "running", "stopping")


class QueuedScript(SQLModel, table=True):
    __tablename__ = "queued_scripts"

    seq: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)
    target_id: str = Field(index=True)
    script: str = "{}"  # JSON: outcome, durations, message


def queue(session: Session, kind: str, target_id: str, script: dict[str, Any],
          times: int = 1) -> None:
    session.add_all(
        QueuedScript(kind=kind, target_id=target_id, script=json.dumps(script))
        for _ in range(times)
    )


def pop(session: Reader, kind: str, target_id: str) -> dict[str, Any] | None:
    """The oldest script queued for the target, taken off the queue (plain SQL: it runs
    for every new run, and the queue is nearly always empty)."""
    row = fetch_one(session, "SELECT seq, script FROM queued_scripts WHERE kind = :kind "
                    "AND target_id = :target_id ORDER BY seq LIMIT 1",
                    kind=kind, target_id=target_id)
    if row is None:
        return None
    execute(session, "DELETE FROM queued_scripts WHERE seq = :seq", seq=row.seq)
    return json.loads(row.script)


def pending(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(QueuedScript).order_by(col(QueuedScript.seq))).scalars().all()
    return [{"seq": r.seq, "kind": r.kind, "id": r.target_id, **json.loads(r.script)}
            for r in rows]


def clear(session: Session) -> None:
    session.execute(delete(QueuedScript))
