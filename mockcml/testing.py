"""pytest plugin: a real mockcml for the tests of a CML client.

Registered through the ``pytest11`` entry point, so installing mockcml is enough::

    def test_my_client_retries(mockcml):
        mockcml.faults.add(operation_id="ListProjects", status=503, count=2)
        assert my_client(mockcml.url, mockcml.key("admin")).list_projects()
        assert len(mockcml.journal.entries(operation_id="ListProjects")) == 3

Fixtures:

``mockcml``
    A handle on a live server (a ``mockcml serve`` process on a free loopback port). The
    state is restored before every test from a snapshot taken right after start-up, so tests
    cannot leak state into each other. Servers are shared per session (or per module with
    ``mockcml_scope = module``) and keyed by their configuration; under pytest-xdist every
    worker starts its own.
``mockcml_asgi``
    The same handle on an in-process app (no sockets, a fresh app per test): faster, but
    nothing runs in the background between calls except what the calls trigger.

Configuration, in the ini file or per test with ``@pytest.mark.mockcml(...)``:
``mockcml_fixtures`` (fixture files, relative to the rootdir), ``mockcml_time_scale``
(default 0: runs finish at once) and ``mockcml_scope`` (session or module).

Fidelity checks: ``mockcml.unknown_fields()`` lists the body fields a client sent that the
real API would silently drop (assert it is empty); ``mockcml.response_style("sparse")`` (or
``@pytest.mark.mockcml(response_style="sparse")``) makes this test's answers leave out zero
values, as a proto3 JSON encoder may. Both are back to normal for the next test.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Self

import pytest

ADMIN_KEY = "mockcml-admin-key"
__all__ = ["LiveServer", "MockCML", "MockServer", "isolated_settings", "server_variables"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mockcml_fixtures", "YAML fixture files for the mockcml server",
                  type="linelist", default=[])
    parser.addini("mockcml_time_scale", "time scale of the mockcml server", default="0")
    parser.addini("mockcml_scope", "share servers per 'session' or per 'module'",
                  default="session")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mockcml(fixtures=[...], time_scale=0, response_style='full'): configure "
        "the mockcml server")


class _Part:
    def __init__(self, owner: MockCML) -> None:
        self._mock = owner

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._mock._control(method, path, **kwargs)


class Clock(_Part):
    def now(self) -> float:
        return self._call("GET", "/_mock/clock")["epoch"]

    def advance(self, by: str | float) -> dict:
        return self._call("POST", "/_mock/clock/advance", json={"by": by})

    def scale(self, time_scale: float) -> dict:
        return self._call("POST", "/_mock/clock/scale", json={"time_scale": time_scale})

    def freeze(self) -> dict:
        return self._call("POST", "/_mock/clock/freeze")

    def unfreeze(self) -> dict:
        return self._call("POST", "/_mock/clock/unfreeze")


class Outcomes(_Part):
    def queue(self, target_id: str, kind: str = "job", **script: Any) -> list[dict]:
        body = {"kind": kind, "id": target_id, **script}
        return self._call("POST", "/_mock/outcomes", json=body)["queued"]

    def clear(self) -> None:
        self._call("DELETE", "/_mock/outcomes")


class Faults(_Part):
    def add(self, **spec: Any) -> dict:
        return self._call("POST", "/_mock/faults", json=spec)

    def list(self) -> list[dict]:
        return self._call("GET", "/_mock/faults")["faults"]

    def clear(self) -> None:
        self._call("DELETE", "/_mock/faults")


class Journal(_Part):
    def entries(self, **filters: Any) -> list[dict]:
        return self._call("GET", "/_mock/journal", params=filters)["entries"]

    def wait(self, timeout: float = 10, **filters: Any) -> dict | None:
        params = {**filters, "timeout": timeout}
        return self._call("GET", "/_mock/journal/wait", params=params, timeout=timeout + 5)[
            "entry"]

    def record_bodies(self, on: bool = True) -> None:
        self._call("PUT", "/_mock/journal/config", json={"record_bodies": on})

    def clear(self) -> None:
        self._call("DELETE", "/_mock/journal")


class MockCML:
    """What a test gets: the URLs, API keys by username, and the controls."""

    def __init__(self, url: str, http: Any, keys: dict[str, str],
                 control_token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.api_url = f"{self.url}/api/v2"
        self._http = http
        self._keys = keys
        self._headers = {"x-mockcml-control-token": control_token} if control_token else {}
        self.clock = Clock(self)
        self.outcomes = Outcomes(self)
        self.faults = Faults(self)
        self.journal = Journal(self)

    def key(self, username: str = "admin") -> str:
        try:
            return self._keys[username]
        except KeyError:
            raise KeyError(f"no API key known for {username!r}; users: {sorted(self._keys)}") \
                from None

    def headers(self, username: str = "admin") -> dict[str, str]:
        return {"authorization": f"Bearer {self.key(username)}"}

    def request(self, method: str, path: str, username: str | None = "admin",
                **kwargs: Any) -> Any:
        """Call the CML API (``path`` relative to /api/v2 or absolute) as ``username``."""
        if not path.startswith("/"):
            path = f"/api/v2/{path}"
        headers = dict(kwargs.pop("headers", {}) or {})
        if username:
            headers.update(self.headers(username))
        return self._http.request(method, path, headers=headers, **kwargs)

    def _control(self, method: str, path: str, **kwargs: Any) -> Any:
        timeout = kwargs.pop("timeout", None)
        if timeout is not None and not _is_testclient(self._http):
            kwargs["timeout"] = timeout
        response = self._http.request(method, path, headers=self._headers, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"mockcml control {method} {path} failed: {response.text}")
        return response.json()

    def snapshot(self, name: str) -> None:
        self._control("POST", "/_mock/snapshots", json={"name": name})

    def restore(self, name: str) -> None:
        self._control("POST", f"/_mock/snapshots/{name}/restore")

    def reset(self) -> None:
        self._control("POST", "/_mock/reset")

    def unknown_fields(self, **filters: Any) -> list[dict]:
        """Body fields sent that the contract does not define (operation_id, field, caller,
        ...), oldest first; filter by ``operation_id`` or ``caller``."""
        return self._control("GET", "/_mock/unknown-fields", params=filters)["unknown_fields"]

    def clear_unknown_fields(self) -> None:
        self._control("DELETE", "/_mock/unknown-fields")

    def response_style(self, style: str | None = None) -> str:
        """Set the response style for the rest of this test ("full" or "sparse") when
        given; answer the one in force."""
        if style is not None:
            return self._control("PUT", "/_mock/response-style", json={"style": style})["style"]
        return self._control("GET", "/_mock/response-style")["style"]


def isolated_settings(**values: Any) -> Any:
    """``mockcml.settings.Settings`` from ``values`` and defaults only, never from the
    caller's ``MOCKCML_*`` environment: a test's server must not change with the shell it
    was started from (``LiveServer`` strips those variables from its child too)."""
    from mockcml.settings import Settings

    class _Isolated(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings,  # noqa: ANN001, ANN206
                                       dotenv_settings, file_secret_settings):
            return (init_settings,)

    return _Isolated(**values)


def server_variables(environ: Mapping[str, str]) -> list[str]:
    """The names in ``environ`` that configure a mockcml server (``MOCKCML_<setting>``, in
    any case, as the settings read them); other ``MOCKCML_*`` names are not among them."""
    from mockcml.settings import Settings

    names = {f"MOCKCML_{field.upper()}" for field in Settings.model_fields}
    return [name for name in environ if name.upper() in names]


def _is_testclient(http: Any) -> bool:
    return type(http).__name__ == "TestClient"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _keys_from(fixtures: tuple[str, ...]) -> dict[str, str]:
    keys = {"admin": ADMIN_KEY}
    if not fixtures:
        return keys
    try:
        from mockcml.fixtures.keys import api_keys
    except ImportError:
        return keys
    return api_keys(list(fixtures)) or keys


def end_process(proc: subprocess.Popen, kill: bool = False, grace: float = 10) -> None:
    """Stop a child process: terminate it (or ``kill`` it at once), and kill it if it is
    still there after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    if kill:
        proc.kill()
    else:
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class LiveServer:
    """``mockcml serve *args`` in a child process on a free loopback port.

    Its environment is this process's without any server setting, plus ``env``: the shell
    a suite runs in never changes the server under test. What it prints goes to a
    temporary file, not a pipe: a pipe nobody drains fills up and stalls a chatty server.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None,
                 cwd: Path | str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = args
        skip = set(server_variables(os.environ))
        self.env = {**{k: v for k, v in os.environ.items() if k not in skip}, **(env or {})}
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None
        self._out: Any = None
        self._log = b""

    def start(self, timeout: float = 60.0) -> Self:
        """Start the server and wait until it answers (a loaded machine may take a while
        just to import it)."""
        # Imported before anything starts, so a missing client library leaves no process.
        import httpx

        cmd = [sys.executable, "-m", "mockcml", "serve", "--port", str(self.port),
               "--log-level", "warning", *self.args]
        self._out = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=self.env, stdout=self._out,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.url, timeout=1) as probe:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"mockcml exited with {self.proc.returncode}:\n"
                                       f"{self.log.decode('utf-8', 'replace')}")
                try:
                    if probe.get("/_mock/health").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("mockcml did not become ready in time:\n"
                           f"{self.log.decode('utf-8', 'replace')}")

    def stop(self, kill: bool = False) -> None:
        """End the process (``kill``: without a chance to clean up) and keep its output."""
        if self.proc is not None:
            end_process(self.proc, kill)
        if self._out is not None and not self._out.closed:
            self._log = self.log
            self._out.close()

    @property
    def log(self) -> bytes:
        """What the server printed: so far while it runs, all of it once stopped."""
        if self._out is None or self._out.closed:
            return self._log
        self._out.seek(0)
        return self._out.read()

    def client(self) -> Any:
        """An ``httpx.Client`` for this server (close it, or use it in ``with``)."""
        import httpx

        return httpx.Client(base_url=self.url, timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class MockServer(LiveServer):
    """The plugin's server: fixtures and time scale from the configuration, a baseline
    snapshot right after start-up, and a fresh handle on that state for each test."""

    BASELINE = "__mockcml_pytest_baseline__"

    def __init__(self, fixtures: tuple[str, ...], time_scale: float, cwd: Path) -> None:
        import httpx

        args = ["--time-scale", str(time_scale)]
        super().__init__(*args, *(["--fixtures", *fixtures] if fixtures else []), cwd=cwd)
        self.fixtures = fixtures
        self.start()
        self.http = httpx.Client(base_url=self.url, timeout=30)
        self.http.post("/_mock/snapshots", json={"name": self.BASELINE}).raise_for_status()

    def handle(self) -> MockCML:
        self.http.post(f"/_mock/snapshots/{self.BASELINE}/restore").raise_for_status()
        for path in ("/_mock/faults", "/_mock/journal"):
            self.http.delete(path).raise_for_status()
        # A snapshot restores data, not what the previous test switched.
        self.http.delete("/_mock/unknown-fields").raise_for_status()
        self.http.put("/_mock/response-style", json={"style": "full"}).raise_for_status()
        return MockCML(self.url, self.http, _keys_from(self.fixtures))

    def stop(self, kill: bool = False) -> None:
        http = getattr(self, "http", None)
        if http is not None:
            http.close()
        super().stop(kill)


def _config(request: pytest.FixtureRequest) -> tuple[tuple[str, ...], float]:
    marker = request.node.get_closest_marker("mockcml")
    ini = request.config.getini
    fixtures = list(ini("mockcml_fixtures"))
    time_scale = float(ini("mockcml_time_scale"))
    if marker is not None:
        fixtures = list(marker.kwargs.get("fixtures", fixtures))
        time_scale = float(marker.kwargs.get("time_scale", time_scale))
    root = Path(str(request.config.rootpath))
    paths = tuple(str((root / f).resolve()) if not os.path.isabs(f) else f for f in fixtures)
    return paths, time_scale


class _Servers:
    def __init__(self) -> None:
        self.running: dict[tuple, MockServer] = {}

    def get(self, key: tuple, cwd: Path) -> MockServer:
        if key not in self.running:
            self.running[key] = MockServer(key[0], key[1], cwd)
        return self.running[key]

    def stop_all(self) -> None:
        for server in self.running.values():
            server.stop()
        self.running.clear()


@pytest.fixture(scope="session")
def _mockcml_servers() -> Iterator[_Servers]:
    servers = _Servers()
    yield servers
    servers.stop_all()


@pytest.fixture(scope="module")
def _mockcml_module_servers(request: pytest.FixtureRequest,
                            _mockcml_servers: _Servers) -> Iterator[_Servers]:
    if request.config.getini("mockcml_scope") == "module":
        servers = _Servers()
        yield servers
        servers.stop_all()
    else:
        yield _mockcml_servers


@pytest.fixture
def mockcml(request: pytest.FixtureRequest, _mockcml_module_servers: _Servers) -> MockCML:
    """A live mockcml, restored to its freshly seeded state for this test."""
    server = _mockcml_module_servers.get(_config(request), Path(str(request.config.rootpath)))
    return _styled(request, server.handle())


def _styled(request: pytest.FixtureRequest, handle: MockCML) -> MockCML:
    """Apply ``@pytest.mark.mockcml(response_style=...)`` to this test's handle."""
    marker = request.node.get_closest_marker("mockcml")
    if marker is not None and "response_style" in marker.kwargs:
        handle.response_style(marker.kwargs["response_style"])
    return handle


@pytest.fixture
def mockcml_asgi(request: pytest.FixtureRequest) -> Iterator[MockCML]:
    """An in-process mockcml (a fresh app for this test), with the same handle."""
    from fastapi.testclient import TestClient

    from mockcml.app import create_app

    fixtures, time_scale = _config(request)
    app = create_app(isolated_settings(fixtures=list(fixtures), time_scale=time_scale))
    with TestClient(app, base_url="http://mockcml.test") as client:
        yield _styled(request, MockCML("http://mockcml.test", client, _keys_from(fixtures)))
