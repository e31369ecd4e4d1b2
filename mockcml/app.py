"""The ASGI application: ``uvicorn mockcml.app:app`` (configured from MOCKCML_* variables)."""

from __future__ import annotations

import importlib
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from mockcml.core.clock import Clock
from mockcml.core.contract import load_contract
from mockcml.core.db import Database
from mockcml.core.errors import HTTP_TO_GRPC, ApiError, error_response, render
from mockcml.core.routing import contract_routes
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
    )
    mock.scheduler = Scheduler(mock, [source() for source in SOURCES])
    return mock


def start(mock: Mock) -> None:
    """Create the schema and seed the world; the server is ready when this returns."""
    from mockcml.resources.users.service import ensure_default_admin

    mock.db.create_all()
    with mock.db.transaction() as session:
        ensure_default_admin(
            session, mock.settings.admin_username, mock.settings.admin_api_key, mock.clock.now()
        )
    mock.ready = True


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    for module in RESOURCE_MODULES:
        importlib.import_module(module)
    mock = build_mock(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        start(mock)
        mock.scheduler.start()
        try:
            yield
        finally:
            mock.ready = False
            await mock.scheduler.stop()
            mock.db.dispose()

    # FastAPI's own document describes only the mock's control plane, never the CML API.
    app = FastAPI(
        title="mockcml control plane",
        version="0.1.0",
        openapi_url="/_mock/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.mock = mock

    @app.get("/_mock/health", tags=["control"])
    async def health() -> dict:
        """Answers 200 once the server has created its schema and loaded its fixtures."""
        if not mock.ready:
            return error_response(14, "mockcml is starting")
        return {"status": "ok", "ready": True}

    app.router.routes.extend(document_routes())
    app.router.routes.extend(contract_routes(mock.contract.operations))
    _install_error_handlers(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError):
        return render(exc)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        code = HTTP_TO_GRPC.get(exc.status_code, 2)
        if exc.status_code == 404:
            message = f"no route for {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return error_response(code, message, exc.status_code, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError):
        return error_response(3, f"invalid request: {exc.errors()}")

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception):
        log.exception("unexpected error")
        return error_response(13, "internal error")


app = create_app()
