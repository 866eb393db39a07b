"""One error shape for every API failure: {"error": {"status", "code", "message"}}.

Handlers turn Storyline errors, FastAPI's validation errors and HTTP errors into it, so a
client parses one format whatever went wrong; web pages get the same message as HTML.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.errors import InputError, StorylineError
from storyline.serve.pages import render_error


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
        return _respond(request, ApiError(exc.status_code, code, str(exc.detail)))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        # str() of a KeyError subclass (StoryNotFound) would wrap the message in quotes.
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        return _respond(request, ApiError(422, "invalid", str(message)))

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError):
        return _respond(request, ApiError(500, "storyline_error", str(exc)))
