"""The baseline: a bare FastAPI app answering a constant JSON body, served like mockcml."""

from fastapi import FastAPI

app = FastAPI()
BODY = {"id": "abcd-1234-efgh-5678", "name": "baseline", "status": "ok"}


@app.get("/constant")
async def constant() -> dict:
    return BODY
