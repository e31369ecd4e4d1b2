from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class CopilotModel(SQLModel, table=True):
    """A chat model ("chat") or an embedding model ("embedding"): the two share one shape."""

    __tablename__ = "copilot_models"
    __table_args__ = (UniqueConstraint("kind", "provider", "name"),)

    id: str = Field(primary_key=True)
    kind: str = Field(index=True)  # chat or embedding
    provider: str = ""
    name: str = ""
    endpoint: str = ""
    enabled: bool = True
    default: bool = False
    provider_id: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0


class CopilotEvent(SQLModel, table=True):
    """One SendCopilotEvent, kept as sent (usage telemetry of the assistant)."""

    __tablename__ = "copilot_events"

    id: int = Field(default=None, primary_key=True)  # set on insert
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    engine_id: str = ""
    application_id: int = 0
    event_type: str = ""
    event_details: str = ""
    model_provider_id: str = ""
    model_name: str = ""
    model_type: str = ""
    include_selection: bool = False
    prompt_word_count: int = 0
    created_at: float = 0.0
