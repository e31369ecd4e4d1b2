"""Reset and snapshot restore bring back the whole clock: offset, freeze and time scale
(issue 19, item 6). Before, both kept a time scale a test had set."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import make_asgi_client
from tests.helpers import LiveServer, unique


@pytest.fixture(scope="module")
def own_live() -> Iterator[LiveServer]:
    # Its own server: a reset would wipe what other tests keep on the shared one.
    with LiveServer("--time-scale", "0.25") as server:
        yield server


@pytest.fixture(params=["asgi", "live"])
def server(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    if request.param == "asgi":
        with make_asgi_client(time_scale=0.25) as client:
            yield client
    else:
        with request.getfixturevalue("own_live").client() as client:
            yield client


def _clock(client) -> dict:
    return client.get("/_mock/clock").json()


def test_reset_brings_back_the_seeded_clock(server):
    server.post("/_mock/clock/scale", json={"time_scale": 3})
    server.post("/_mock/clock/advance", json={"by": "2d"})
    server.post("/_mock/clock/freeze")
    assert server.post("/_mock/reset").status_code == 200
    clock = _clock(server)
    assert clock["time_scale"] == 0.25
    assert clock["frozen"] is False and clock["offset_seconds"] == 0


def test_restore_brings_back_scale_freeze_and_offset(server):
    tag = unique("clock")
    server.post("/_mock/clock/advance", json={"by": "1h"})
    server.post("/_mock/clock/scale", json={"time_scale": 0.5})
    saved_at = server.post("/_mock/clock/freeze").json()
    server.post("/_mock/snapshots", json={"name": tag})
    try:
        server.post("/_mock/clock/unfreeze")
        server.post("/_mock/clock/advance", json={"by": "3d"})
        server.post("/_mock/clock/scale", json={"time_scale": 1})
        assert server.post(f"/_mock/snapshots/{tag}/restore").status_code == 200
        clock = _clock(server)
        assert clock["time_scale"] == 0.5 and clock["frozen"] is True
        assert clock["epoch"] == saved_at["epoch"]
        # And once thawed, the offset is the one saved (about 1 h, not 3 d + 1 h).
        offset = server.post("/_mock/clock/unfreeze").json()["offset_seconds"]
        assert 3000 < offset < 4000
    finally:
        server.delete(f"/_mock/snapshots/{tag}")
        server.post("/_mock/reset")
