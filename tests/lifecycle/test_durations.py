"""The one duration parser: clock controls, scripted phase lengths and fixture durations."""

from __future__ import annotations

import pytest

from mockcml.core.errors import InvalidArgument
from mockcml.lifecycle import durations


@pytest.mark.parametrize(("value", "seconds"), [
    (30, 30.0), (1.5, 1.5), ("30", 30.0), ("2.5", 2.5), ("90s", 90.0), ("2h", 7200.0),
    ("1h30m", 5400.0), ("500ms", 0.5), ("1d", 86400.0), ("1w", 604800.0), (" 1H 30M ", 5400.0),
    (0, 0.0), ("0s", 0.0),
])
def test_parse_accepts_numbers_and_unit_text(value, seconds):
    assert durations.parse(value) == seconds


@pytest.mark.parametrize("value", [True, -1, "-5s", "soon", "5y", "", "h", "1h-30m", "inf",
                                   "nan", float("inf"), float("nan")])
def test_parse_rejects_what_is_not_a_finite_non_negative_duration(value):
    with pytest.raises(ValueError):
        durations.parse(value)


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90.0), ("1h30m", 5400.0),
                                               ("1.5h", 5400.0)])
def test_fixture_text(text, seconds):
    assert durations.text_seconds(text) == seconds


@pytest.mark.parametrize("text", ["5", "500ms", "5 m", "5M", "-5s", ""])
def test_fixture_text_is_unit_text_only(text):
    assert durations.text_seconds(text) is None


def test_scripted_reads_a_named_value():
    env = {"MOCKCML_DURATION": "2.5"}
    assert durations.scripted(env, "MOCKCML_DURATION") == 2.5
    assert durations.scripted(env, "MOCKCML_STARTING_DURATION") is None


@pytest.mark.parametrize(("value", "message"), [
    ("soon", "environment X must be a number of seconds"),
    ("30s", "environment X must be a number of seconds"),
    ("inf", "environment X must be a finite, non-negative number"),
    ("nan", "environment X must be a finite, non-negative number"),
    ("-1", "environment X must be a finite, non-negative number"),
])
def test_scripted_rejects_with_invalid_argument_naming_the_value(value, message):
    with pytest.raises(InvalidArgument) as raised:
        durations.scripted({"X": value}, "X", "environment X")
    assert raised.value.message == message


def test_human_spans():
    assert [durations.human(s) for s in (0.5, 45, 150, 7200, 90061)] == [
        "0.5s", "45s", "2m30s", "2h", "1d1h1m1s"]
