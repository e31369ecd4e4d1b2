"""Row-building for fixtures: default quotas, a user's or team's own quota, GPU quotas per
accelerator label, checked by the same rules as the API."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mockcml.resources.quotas.defaults import quantity, set_default
from mockcml.resources.quotas.subjects import TEAMS, USERS


def seed_default(session: Session, owner_type: str, cpu: str = "", memory: str = "",
                 gpu: str = "", now: float = 0.0) -> None:
    """The active default quota of ``owner_type`` ("user" or "team")."""
    set_default(session, owner_type, {"quota": default_quota(cpu, memory, gpu)}, now)


def default_quota(cpu: str = "", memory: str = "", gpu: str = "") -> dict[str, str]:
    """The quota of a SetDefaultQuota body."""
    return {"requests_cpu": cpu, "requests_memory": memory, "requests_gpu": gpu}


def quota_row(kind: str, subject_id: int, cpu: str = "", memory: str = "",
              gpu: str = "") -> dict[str, Any]:
    """A user's (kind "user") or team's (kind "team") own quota; "" keeps the default."""
    subject = USERS if kind == "user" else TEAMS
    return {subject.key: subject_id, "cpu": quantity(cpu, "cpu"),
            "memory": quantity(memory, "memory"),
            "nvidia_gpu": quantity(gpu, "nvidia_gpu", whole=True)}


def accelerator_quota_row(kind: str, subject_id: int, label_id: int,
                          gpu_quota: str) -> dict[str, Any]:
    subject = USERS if kind == "user" else TEAMS
    return {subject.key: subject_id, "accelerator_id": label_id,
            "gpu_quota": quantity(gpu_quota, "gpu_quota", whole=True)}


def seed_quota(session: Session, kind: str, subject_id: int, cpu: str = "", memory: str = "",
               gpu: str = "") -> None:
    subject = USERS if kind == "user" else TEAMS
    session.add(subject.quota(**quota_row(kind, subject_id, cpu, memory, gpu)))
    session.flush()


def seed_accelerator_quota(session: Session, kind: str, subject_id: int, label_id: int,
                           gpu_quota: str) -> None:
    subject = USERS if kind == "user" else TEAMS
    session.add(subject.accelerator_quota(**accelerator_quota_row(kind, subject_id, label_id,
                                                                  gpu_quota)))
    session.flush()
