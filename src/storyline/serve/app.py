"""The FastAPI app: JSON API under /api/v1, web pages at /, OpenAPI docs at /docs."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from storyline.serve import api, docs, feeds, web
from storyline.serve.config import ServeConfig
from storyline.serve.errors import install_error_handlers
from storyline.serve.limits import RequestCap
from storyline.serve.services import Services


def _version() -> str:
    try:
        return version("storyline")
    except PackageNotFoundError:
        return "0"


def create_app(config: ServeConfig) -> FastAPI:
    """Build the app over the store at `config.db_path` (opened, or created, right away)."""
    services = Services.start(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        services.stores.close()

    app = FastAPI(
        title="Storyline",
        version=_version(),
        summary="Tracked news stories with cited briefings, over one embedded store.",
        lifespan=lifespan,
        docs_url=None,  # serve/docs.py: the CDN-loaded Swagger UI is blank offline
        redoc_url=None,
    )
    app.state.services = services
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(web.router)
    app.include_router(feeds.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(packages=[("storyline.serve", "static")]), name="static")
    app.add_middleware(
        RequestCap, per_minute=config.requests_per_minute, max_clients=config.rate_limit_clients
    )
    app.add_middleware(NoSniff)
    return app


class NoSniff:
    """Every response says `X-Content-Type-Options: nosniff`: a browser must not run an
    uploaded text or a JSON answer as a script or page because it looks like one."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message) -> None:
            if message["type"] == "http.response.start":
                name = b"x-content-type-options"
                headers = [(k, v) for k, v in message.get("headers", []) if k != name]
                message = {**message, "headers": [*headers, (name, b"nosniff")]}
            await send(message)

        await self.app(scope, receive, send_with_header)


def app_from_env() -> FastAPI:
    """App factory for multi-process serving: the config is JSON in $STORYLINE_SERVE_CONFIG."""
    import os

    return create_app(ServeConfig.from_json(os.environ["STORYLINE_SERVE_CONFIG"]))
