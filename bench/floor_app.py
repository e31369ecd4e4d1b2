"""The start-up floor: the bare app plus what any SQLModel server loads before its first
answer (SQLAlchemy, SQLModel, one table in an in-memory SQLite database, one ORM query).

bench_startup measures it next to the bare app so that RESULTS.md can say how much of
mockcml's start-up is the libraries it is built on and how much is its own.
"""

from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.pool import StaticPool
from sqlmodel import Field, Session, SQLModel, create_engine, select


class Item(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str


engine = create_engine("sqlite://", connect_args={"check_same_thread": False},
                       poolclass=StaticPool)


@asynccontextmanager
async def lifespan(_app: FastAPI):
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Item(name="baseline"))
        session.commit()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/constant")
def constant() -> dict:
    with Session(engine) as session:
        item = session.exec(select(Item)).one()
        return {"id": item.id, "name": item.name, "status": "ok"}
