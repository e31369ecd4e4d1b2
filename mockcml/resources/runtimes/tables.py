from __future__ import annotations

from sqlmodel import Field, SQLModel


class Runtime(SQLModel, table=True):
    __tablename__ = "runtimes"

    # API v2 has no numeric runtime id: the image names the runtime.
    image_identifier: str = Field(primary_key=True)
    editor: str = Field(default="", index=True)
    kernel: str = Field(default="", index=True)
    edition: str = ""
    description: str = ""
    full_version: str = ""
    status: str = "ENABLED"  # RuntimeStatus: ENABLED, DISABLED, DEPRECATED
    register_user_id: int = 0  # int32 on the wire; 0 for images nobody registered
