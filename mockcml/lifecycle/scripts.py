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


def pop(session: Session, kind: str, target_id: str) -> dict[str, Any] | None:
    row = session.execute(
        select(QueuedScript).where(col(QueuedScript.kind) == kind, col(QueuedScript.target_id) == target_id)
        .order_by(col(QueuedScript.seq)).limit(1)
    ).scalars().first()
    if row is None:
        return None
    session.delete(row)
    return json.loads(row.script)


def pending(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(QueuedScript).order_by(col(QueuedScript.seq))).scalars().all()
    return [{"seq": r.seq, "kind": r.kind, "id": r.target_id, **json.loads(r.script)}
            for r in rows]


def clear(session: Session) -> None:
    session.execute(delete(QueuedScript))
