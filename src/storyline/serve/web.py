"""Web pages: server-rendered Jinja templates (autoescaped) with a little JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("storyline.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)


def render_error(request: Request, status: int, message: str, headers=None):
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message},
        status_code=status,
        headers=headers,
    )
