"""The next cron firing: the fast local-time walk agrees with croniter everywhere.

``cron.next_after`` answers simple schedules far from a daylight-saving change by walking
the clock fields in local time, and hands everything else to croniter. Both must give
croniter's answer: at random instants over three years, and densely around every UTC
offset change of zones with odd offsets and half-hour changes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from croniter import croniter

from mockcml.resources.jobs import cron

SCHEDULES = (
    "* * * * *", "*/7 * * * *", "0 * * * *", "0 2 * * *", "30 1 * * *", "15,45 */3 * * 1-5",
    "0 0 1 * *", "0 0 * * 0", "0 0 * * 7", "5 4 1,15 * 1", "0 9-17 * * mon-fri", "59 23 31 12 *",
    "0 0 29 2 *", "*/5 2 * * *", "0 12 * jan,jul *", "0 0 L * *", "0 0 * * 1#2",
    "1-5/2 0-3 10-20 * 6,0",
)
ZONES = ("UTC", "America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata",
         "America/St_Johns", "Pacific/Chatham")
BEGIN = 1_700_000_000.0
YEARS = 3 * 365 * 86_400


def _croniter(schedule: str, timezone: str, after: float) -> float:
    start = datetime.fromtimestamp(after, UTC).astimezone(cron.zone(timezone))
    return croniter(schedule, start).get_next(datetime).timestamp()


def _instants(rnd: random.Random, around: float, spread: float, count: int) -> list[float]:
    out = []
    for k in range(count):
        after = around + rnd.uniform(-spread, spread)
        out.append(float(int(after) // 60 * 60) if k % 3 == 0 else after)  # some on a minute
    return out


def _changes(timezone: str) -> list[float]:
    tz, out = cron.zone(timezone), []
    previous = datetime.fromtimestamp(BEGIN, tz).utcoffset()
    for t in range(int(BEGIN), int(BEGIN + YEARS), 3600):
        offset = datetime.fromtimestamp(t, tz).utcoffset()
        if offset != previous:
            out.append(float(t))
            previous = offset
    return out


def test_random_instants_match_croniter():
    rnd = random.Random(16)
    checked = 0
    for after in _instants(rnd, BEGIN + YEARS / 2, YEARS / 2, 1500):
        schedule, timezone = rnd.choice(SCHEDULES), rnd.choice(ZONES)
        assert cron.next_after(schedule, timezone, after) == _croniter(schedule, timezone, after), (
            schedule, timezone, after)
        checked += 1
    assert checked == 1500


@pytest.mark.parametrize("timezone", ["America/Los_Angeles", "Australia/Lord_Howe",
                                      "Pacific/Chatham"])
def test_instants_around_offset_changes_match_croniter(timezone):
    rnd = random.Random(timezone)
    changes = _changes(timezone)
    assert len(changes) >= 4
    for change in changes:
        for after in _instants(rnd, change, 4 * 86_400, 30):
            schedule = rnd.choice(SCHEDULES)
            assert cron.next_after(schedule, timezone, after) == _croniter(
                schedule, timezone, after), (schedule, timezone, after)


def test_simple_schedules_take_the_fast_walk_and_the_rest_croniter():
    utc, summer = cron.zone("UTC"), 1_719_000_000.0  # June: no change within days
    for schedule in ("* * * * *", "*/15 * * * *", "0 2 * * *", "0 9-17 * * *"):
        assert cron._near(schedule, utc, summer) is not None
    for schedule in ("0 0 L * *", "0 0 * * 1#2", "0 0 1 1 *"):  # L, #, or beyond a day
        assert cron._near(schedule, utc, summer) is None
    # A day before a daylight-saving change, croniter decides.
    berlin = cron.zone("Europe/Berlin")
    march = datetime(2025, 3, 29, 12, tzinfo=UTC).timestamp()  # the change is on March 30
    assert cron._near("* * * * *", berlin, march) is None
    assert cron.next_after("* * * * *", "Europe/Berlin", march) == march + 60
