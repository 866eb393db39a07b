"""One error shape for every API failure: {"error": {"status", "code", "message"}}.

Handlers turn Storyline errors, FastAPI's validation errors and HTTP errors into it, so a
client parses one format whatever went wrong; web pages get the same message as HTML.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.errors import InputError, QueryInterrupted, StorylineError
from storyline.serve.pages import render_error

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with the HTTP status and machine-readable code it should be sent as."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal",
    503: "busy",
}

_MEANINGS = {
    401: "Missing or wrong token",
    403: "Uploads are disabled (no token configured)",
    404: "No such story, article or part",
    413: "Upload over the size cap",
    415: "Unsupported content type",
    422: "Invalid parameters or input",
    429: "Over the per-client request cap (see Retry-After)",
    500: "Server error",
    503: "Busy or over the time budget (see Retry-After)",
}
_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
            },
        }
    },
}


def ERROR_RESPONSES(*statuses: int) -> dict:  # noqa: N802 (reads as a constant table)
    """OpenAPI `responses` entries for `statuses`, each in the one error shape."""
    return {
        status: {
            "description": _MEANINGS[status],
            "content": {"application/json": {"schema": _ERROR_SCHEMA}},
        }
        for status in statuses
    }


def error_body(status: int, code: str, message: str) -> dict:
    return {"error": {"status": status, "code": code, "message": message}}


def _respond(request: Request, error: ApiError):
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            error_body(error.status, error.code, error.message),
            status_code=error.status,
            headers=error.headers,
        )
    return render_error(request, error.status, error.message, error.headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors():
        where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {problem.get('msg', 'invalid')}" if where else problem["msg"])
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return _respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return _respond(request, ApiError(422, "invalid", _validation_message(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = _CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})  # a 405 carries Allow
        return _respond(request, ApiError(exc.status_code, code, str(exc.detail), headers or None))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        # str() of a KeyError subclass (StoryNotFound) would wrap the message in quotes.
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return _respond(request, ApiError(422, "invalid", str(message)))

    @app.exception_handler(QueryInterrupted)
    async def interrupted(request: Request, exc: QueryInterrupted):
        message = f"{exc}; use fewer or rarer words"
        return _respond(request, ApiError(503, "timeout", message, {"Retry-After": "5"}))

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError):
        log.error("request %s failed: %s", request.url.path, exc)
        return _respond(request, ApiError(500, "storyline_error", str(exc)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # Starlette logs the traceback; the client gets the one shape, not a plain-text 500.
        return _respond(
            request,
            ApiError(500, "internal", f"internal error ({type(exc).__name__}); it was logged"),
        )
