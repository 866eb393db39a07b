"""ASGI middleware capping requests per client address (see ratelimit.RateLimiter)."""

from __future__ import annotations

import json

from storyline.serve.errors import ApiError, error_body
from storyline.serve.ratelimit import RateLimiter


class RequestCap:
    """Answer 429 in the one error shape once a client passes its per-minute cap."""

    def __init__(self, app, per_minute: int, max_clients: int = 10_000) -> None:
        self.app = app
        self.limiter = RateLimiter(per_minute, max_keys=max_clients)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or self.limiter.per_minute <= 0:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        try:
            self.limiter.check(client)
        except ApiError as exc:
            body = json.dumps(error_body(exc.status, exc.code, exc.message)).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", exc.headers["Retry-After"].encode()),
                (b"x-content-type-options", b"nosniff"),
            ]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
