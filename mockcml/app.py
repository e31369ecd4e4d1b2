"""The ASGI application: ``uvicorn mockcml.app:app`` (configured from MOCKCML_* variables)."""

from __future__ import annotations

import importlib
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mockcml.control.faults import FaultBook
from mockcml.control.journal import Journal, JournalMiddleware, recorded
from mockcml.control.lazy import LazyControl
from mockcml.control.shared import state as shared_state
from mockcml.control.shared import tables as _shared_tables  # noqa: F401 - in the schema
from mockcml.control.snapshots import Snapshots
from mockcml.control.unknown_fields import UnknownFields
from mockcml.core import meta
from mockcml.core.clock import Clock
from mockcml.core.contract import load_contract
from mockcml.core.db import Database
from mockcml.core.errors import HTTP_TO_GRPC, ApiError, error_response, render
from mockcml.core.intake import Intake, Limits
from mockcml.core.render import ResponseStyle
from mockcml.core.routing import ContractRouter
from mockcml.core.state import Mock
from mockcml.docs import document_routes
from mockcml.kit.wire import BodyDecoder
from mockcml.lifecycle.scheduler import Scheduler
from mockcml.resources import RESOURCE_MODULES
from mockcml.settings import Settings

log = logging.getLogger("mockcml")


def build_mock(settings: Settings) -> Mock:
    from mockcml.resources.job_runs.effects import SOURCES

    contract = load_contract()
    mock = Mock(
        settings=settings,
        db=Database(settings.url),
        clock=Clock(),
        contract=contract,
        decoder=BodyDecoder(contract.definitions),
        intake=Intake(Limits(settings.max_body_bytes, settings.max_upload_bytes,
                             settings.body_timeout, settings.max_body_readers)),
    )
    mock.scheduler = Scheduler(mock, [source() for source in SOURCES])
    mock.response_style = ResponseStyle(settings.response_style)
    if shared_state.database_mode(settings.shared_state, mock.db.dialect):
        _share(mock)
        return mock
    mock.shared = shared_state.LocalState(mock)
    mock.faults = FaultBook()
    mock.journal = Journal(size=settings.journal_size,
                           record_bodies=settings.journal_bodies)
    mock.snapshots = Snapshots(mock)
    mock.unknown_fields = UnknownFields()
    return mock


def _share(mock: Mock) -> None:
    """Database mode: every subsystem keeps its state in the shared tables."""
    from mockcml.control.shared.faults import SharedFaultBook
    from mockcml.control.shared.journal import SharedJournal
    from mockcml.control.shared.snapshots import SharedSnapshots
    from mockcml.control.shared.unknown_fields import SharedUnknownFields

    shared = shared_state.DatabaseState(mock)
    mock.shared = shared
    mock.faults = SharedFaultBook(shared)
    mock.journal = SharedJournal(shared, mock.settings.journal_size, mock.settings.journal_bodies)
    mock.snapshots = SharedSnapshots(shared)
    mock.unknown_fields = SharedUnknownFields(shared)


def start(mock: Mock) -> None:
    """Check the fixtures, create the schema and seed the world; ready when this returns.

    Fixtures are checked whole before anything is written (``mockcml serve`` checks them
    first and leaves the scenario on ``mock.scenario``); they seed an empty
    database only, in one transaction, and stay on the mock, packed, for ``/_mock/reset``.
    """
    from mockcml.core.memory import give_back
    from mockcml.fixtures import FixtureError, read_scenario
    from mockcml.fixtures.kept import KeptScenario
    from mockcml.fixtures.load import is_empty, seed

    settings = mock.settings
    if not mock.scenario_read:
        if settings.fixtures:
            try:
                scenario = read_scenario(settings.fixtures, settings, mock.clock.now())
            except FixtureError as exc:
                raise SystemExit(f"mockcml: invalid fixtures\n{exc.report()}") from None
            mock.scenario = KeptScenario(scenario)
        mock.scenario_read = True
    with mock.db.starting():  # one process at a time (several workers or replicas)
        mock.db.create_all()
        with mock.db.transaction() as session:
            meta.load_clock(session, mock.clock)
            if is_empty(session):
                # The built-in admin is created only when the fixtures define no users.
                seed(session, mock.scenario.get() if mock.scenario is not None else None,
                     settings, mock.clock.now())
            elif mock.scenario is not None and not mock.one_of_workers:
                log.warning("the database already holds data, so the fixtures were not "
                            "applied (POST /_mock/reset applies them)")
        mock.shared.ensure()
    if mock.scenario is not None:
        mock.scenario.pack()  # kept for resets, compact
    give_back()
    mock.ready = True


class MockApp(FastAPI):
    """The FastAPI app, with the contract's operations served ahead of its middleware stack.

    A contract call that the ContractRouter fully matches (path and method) goes straight
    to its endpoint, journalled as the JournalMiddleware would: the endpoint answers every
    error itself, so Starlette's error, exception and exit-stack middlewares would only
    pass it through, and they cost as much as a GetProject's own work. Anything else (the
    /_mock routes, documents, an unknown route, a 405) goes through the whole stack.
    Middleware added after ``create_app`` turns the shortcut off, so it sees every call.
    """

    contract: ContractRouter | None = None

    def add_middleware(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.contract = None
        super().add_middleware(*args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.contract is not None:
            if self.root_path:
                scope["root_path"] = self.root_path
            # Every contract route is under /api/v2/, which is what the journal records.
            endpoint = (self.contract.dispatch(scope) if scope["path"].startswith("/api/v2/")
                        else None)
            if endpoint is not None:
                scope["app"] = self
                await recorded(self.state.mock.journal, endpoint, scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    for module in RESOURCE_MODULES:
        importlib.import_module(module)
    mock = build_mock(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await mock.db.run(start, mock)
        mock.scheduler.start()
        mock.shared.start()
        try:
            yield
        finally:
            mock.ready = False
            await mock.scheduler.stop()
            await mock.shared.stop()
            await mock.journal.close()
            mock.snapshots.close()
            mock.db.dispose()  # waits for the database threads: nothing uses shared after
            mock.shared.close()

    # FastAPI's own document describes only the mock's control plane, never the CML API.
    app = MockApp(
        title="mockcml control plane",
        version="0.1.0",
        openapi_url="/_mock/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.mock = mock

    @app.get("/_mock/fixture-schema.json", tags=["control"])
    async def fixture_schema() -> Response:
        """JSON Schema of the YAML fixture format (for editors)."""
        from mockcml.fixtures.schema import schema_bytes

        return Response(schema_bytes(), media_type="application/schema+json")

    # The /_mock routes are built on first use (control/lazy.py), ahead of FastAPI's own.
    app.router.routes.insert(0, LazyControl(app))
    app.add_middleware(JournalMiddleware, journal=mock.journal)
    # The contract first: it is where nearly every request goes.
    contract = ContractRouter(mock.contract.operations)
    app.router.routes.insert(0, contract)
    app.router.routes.extend(document_routes())
    _install_error_handlers(app)
    app.contract = contract  # last: add_middleware turns the shortcut off
    return app


def _style(request: Request) -> str:
    """The response style for errors raised outside the contract endpoint (no route, 405):
    the mock's own controls under /_mock always answer in full."""
    if request.url.path.startswith("/_mock"):
        return "full"
    return request.app.state.mock.response_style.current


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return render(exc, _style(request))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        code = HTTP_TO_GRPC.get(exc.status_code, 2)
        if exc.status_code == 404:
            message = f"no route for {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return error_response(code, message, exc.status_code, getattr(exc, "headers", None),
                              _style(request))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        return error_response(3, f"invalid request: {exc.errors()}")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.exception("unexpected error")
        return error_response(13, "internal error", style=_style(request))


def __getattr__(name: str) -> FastAPI:
    """``uvicorn mockcml.app:app`` builds the app from MOCKCML_* variables on first access;
    importing this module (as ``mockcml serve`` does) builds nothing."""
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
