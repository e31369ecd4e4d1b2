"""Every API test runs two ways: in-process through the ASGI app, and against a real
uvicorn process on a free port (the second catches threads, startup and background work)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from mockcml.app import create_app
from mockcml.settings import Settings
from tests.helpers import LiveServer, server_variables

# The suite is immune to the shell it runs in: an exported MOCKCML_CONTROL_TOKEN or
# MOCKCML_DEFAULT_OUTCOME would otherwise change every in-process app (Settings() reads the
# environment) and every live server. Tests that want a setting pass it explicitly.
for _name in server_variables(os.environ):
    del os.environ[_name]


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = LiveServer(env={"MOCKCML_TIME_SCALE": "0"})
    with server:
        yield server


def make_asgi_client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


@pytest.fixture(params=["asgi", "live"])
def api(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """An HTTP client for a fresh (asgi) or shared (live) mockcml with runs finishing at once."""
    if request.param == "asgi":
        with make_asgi_client(time_scale=0) as client:
            yield client
    else:
        server: LiveServer = request.getfixturevalue("live_server")
        with server.client() as client:
            yield client


_PROCESS_WORDS = ("LiveServer", "subprocess", "Popen", "live_server", "venv")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as ``slow`` every test that starts a process, so `-m "not slow"` is the fast,
    in-process loop: live-marked tests, the live half of ``api``, and tests whose code (or
    whose fixtures' code) starts a server or a subprocess."""
    for item in items:
        if item.get_closest_marker("slow"):
            continue
        callspec = getattr(item, "callspec", None)
        live_param = callspec is not None and callspec.params.get("api") == "live"
        # The test's own code and the code of every fixture it uses.
        functions = [getattr(item, "function", None)]
        fixture_info = getattr(item, "_fixtureinfo", None)
        for name, defs in (fixture_info.name2fixturedefs.items() if fixture_info else ()):
            if name != "api":  # its live half is the live_param above
                functions += [fixture_def.func for fixture_def in defs]
        source = "".join(_source(function) for function in functions)
        # And the module's own helpers that the test calls (``_run_pytest(...)``).
        module = getattr(item, "module", None)
        for name, value in (vars(module).items() if module else ()):
            if (callable(value) and getattr(value, "__module__", None) == module.__name__
                    and f"{name}(" in source):
                source += _source(value)
        if (item.get_closest_marker("live") or live_param or "pytester" in item.fixturenames
                or any(word in source for word in _PROCESS_WORDS)):
            item.add_marker(pytest.mark.slow)


_SOURCES: dict[object, str] = {}


def _source(function: object) -> str:
    import inspect

    if function not in _SOURCES:
        try:
            _SOURCES[function] = inspect.getsource(function)  # type: ignore[arg-type]
        except (OSError, TypeError):
            _SOURCES[function] = ""
    return _SOURCES[function]


# -- PostgreSQL backend ------------------------------------------------------------------
# With MOCKCML_TEST_DATABASE_URL set to a PostgreSQL server (`python -m tests.pg run -- ...`
# starts a throwaway one), every in-process app that would keep its state in memory gets a
# fresh database of that server instead, cloned from a template that already holds the
# schema, and dropped when the app shuts down. Apps given an explicit SQLite file keep it.

TEST_DATABASE_URL = os.environ.get("MOCKCML_TEST_DATABASE_URL")
ON_POSTGRESQL = bool(TEST_DATABASE_URL)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): xfail when the suite runs on PostgreSQL")
    if ON_POSTGRESQL:
        from tests.pgapps import install

        install(TEST_DATABASE_URL)


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Latency bounds mean nothing while other tests share the two cores: such tests run
    # alone, after the parallel run (.ci/run: `pytest -m timing`).
    if item.get_closest_marker("timing") and int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        pytest.skip("asserts latency bounds: runs alone (`pytest -m timing`, as .ci/run does)")
    marker = item.get_closest_marker("sqlite_only")
    if ON_POSTGRESQL and marker is not None:
        item.add_marker(pytest.mark.xfail(
            reason=f"on PostgreSQL: {marker.kwargs.get('reason') or marker.args[0]}", strict=False))


def pytest_report_header(config: pytest.Config) -> str:
    return f"mockcml storage: {'PostgreSQL' if ON_POSTGRESQL else 'SQLite'}"
