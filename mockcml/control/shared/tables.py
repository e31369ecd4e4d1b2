"""Tables of the mock's own state when several processes share one database.

With ``shared_state = database`` (the default on PostgreSQL) everything a worker would
otherwise keep in its memory lives here, so N processes (``mockcml serve --workers N``, or
several containers behind a load balancer) answer as one server. Every table is marked
``info={"mock_state": True}``: snapshots, reset and fixture loading leave them alone
(``core.db.data_tables``), so restoring a snapshot does not delete the snapshots, the
faults or the journal.
"""

from __future__ import annotations

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

MOCK_STATE = {"info": {"mock_state": True}}


class MockState(SQLModel, table=True):
    """One row (id 1): what every request checks first, in one indexed read.

    Each group of settings has a generation that its writer increments; a worker applies a
    group only when the generation differs from the one it last saw, so its own unpublished
    changes (a test moving ``app.state.mock.clock`` in process) are never overwritten.
    """

    __tablename__ = "mock_state"
    __table_args__ = MOCK_STATE

    id: int = Field(default=1, primary_key=True)
    clock_gen: int = 0
    clock_offset: float = 0.0
    clock_frozen_at: float | None = None
    time_scale: float = 1.0
    controls_gen: int = 0
    response_style: str = "full"
    journal_bodies: bool = False
    journal_size: int = 1000
    faults_gen: int = 0  # the fault list changed (added, removed, cleared)


class MockFault(SQLModel, table=True):
    """A fault: what it matches and answers (``control.faults.Fault`` as JSON), and the two
    figures workers update in SQL."""

    __tablename__ = "mock_faults"
    __table_args__ = MOCK_STATE

    id: int | None = Field(default=None, primary_key=True)
    spec: str = "{}"
    count: int | None = None  # remaining; decremented in SQL, never below 0
    hits: int = 0
    seed: int | None = None


class MockJournalEntry(SQLModel, table=True):
    __tablename__ = "mock_journal"
    __table_args__ = MOCK_STATE

    id: int | None = Field(default=None, primary_key=True)
    time: float
    method: str
    path: str
    query: str = ""
    operation_id: str | None = None
    caller: str | None = None
    status: int
    duration_ms: float
    request_body: str | None = None  # JSON, already redacted
    response_body: str | None = None
    fault: str | None = None


class MockUnknownField(SQLModel, table=True):
    __tablename__ = "mock_unknown_fields"
    __table_args__ = MOCK_STATE

    id: int | None = Field(default=None, primary_key=True)
    operation_id: str = Field(index=True)  # the report filters by operation and caller
    method: str
    path: str
    field: str
    caller: str = Field(index=True)
    at: float


class MockSnapshot(SQLModel, table=True):
    """A named snapshot: every data table's rows as PostgreSQL binary COPY data, framed
    into one blob (``snapshots.pack``), and the clock it was taken at."""

    __tablename__ = "mock_snapshots"
    __table_args__ = MOCK_STATE

    name: str = Field(primary_key=True)
    created: float
    clock_offset: float
    clock_frozen_at: float | None = None
    time_scale: float
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
