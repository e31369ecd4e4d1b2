"""The one live-server helper (``mockcml.testing.LiveServer``), which the plugin's servers
and the project's suite both start: its child ignores the caller's server settings, and
a server that prints a lot never stalls on its own output."""

from __future__ import annotations

import pytest

from mockcml.testing import LiveServer, MockServer


def test_child_environment_drops_server_settings_in_any_case(monkeypatch):
    monkeypatch.setenv("MOCKCML_CONTROL_TOKEN", "x")
    monkeypatch.setenv("mockcml_time_scale", "fast")  # settings are read case-insensitively
    monkeypatch.setenv("MOCKCML_TEST_KNOB", "kept")  # not a setting: the server ignores it
    server = LiveServer(env={"MOCKCML_STRICT": "true"})
    assert "MOCKCML_CONTROL_TOKEN" not in server.env and "mockcml_time_scale" not in server.env
    assert server.env["MOCKCML_TEST_KNOB"] == "kept" and server.env["MOCKCML_STRICT"] == "true"
    assert server.proc is None and server.log == b""  # nothing runs before start()


def test_the_plugin_server_is_the_live_server():
    assert issubclass(MockServer, LiveServer)


@pytest.mark.slow
def test_a_chatty_server_keeps_answering_and_its_output_is_kept():
    # An access-log line a request: far more than a pipe holds (64 KiB) if nobody read it.
    with LiveServer("--log-level", "info") as server, server.client() as client:
        for _ in range(1500):
            assert client.get("/_mock/health").status_code == 200
        assert server.log.count(b"/_mock/health") >= 1500
    assert server.proc is not None and server.proc.returncode is not None
    assert server.log.count(b"/_mock/health") >= 1500  # still there once stopped
