"""Templating and error pages: the Jinja environment, security headers, `page()`.

Article data only ever reaches a page through autoescaped template variables (never
`|safe`), and every page is sent with a Content-Security-Policy that allows scripts, styles,
images and fonts from this server only, so an article containing `<script>` shows as text
and never runs, and no page makes a request to another host. This module imports nothing
else from storyline.serve, so serve/errors.py can render error pages without a cycle.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("storyline.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)


# Scripts and styles from this server only: no inline script can run, whatever a page shows.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def page(request: Request, name: str, context: dict, status: int = 200, headers=None):
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status,
        headers={**SECURITY_HEADERS, **(headers or {})},
    )


def render_error(request: Request, status: int, message: str, headers=None):
    return page(request, "error.html", {"status": status, "message": message}, status, headers)
