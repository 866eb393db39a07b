"""API docs served by this server from the OpenAPI schema: no request to another host.

FastAPI's default /docs page loads Swagger UI's script and styles from a CDN, so offline it
is a blank page. This one is rendered on the server from `app.openapi()` with the site's
own template and stylesheet: every operation with its parameters, body and responses.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request

from storyline.serve.pages import page

router = APIRouter(include_in_schema=False)
_METHODS = ("get", "post", "put", "patch", "delete")


def _schema_type(schema: dict) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(t for t in (_schema_type(s) for s in schema["anyOf"]) if t)
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_schema_type(schema.get('items', {}))}"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def operations(spec: dict) -> list[dict]:
    """One entry per (path, method), in the schema's order, ready for docs.html."""
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                {
                    "name": p["name"],
                    "where": p.get("in", ""),
                    "required": p.get("required", False),
                    "type": _schema_type(p.get("schema", {})),
                    "description": p.get("description") or p.get("schema", {}).get("description"),
                }
                for p in op.get("parameters", [])
            ]
            body = sorted(op.get("requestBody", {}).get("content", {}))
            responses = [
                {"status": status, "description": r.get("description", "")}
                for status, r in op.get("responses", {}).items()
            ]
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": re.sub(r"[^a-z0-9]+", "-", f"{method}-{path}".lower()).strip("-"),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": body,
                    "responses": responses,
                }
            )
    return out


@router.get("/docs")
def api_docs(request: Request):
    spec = request.app.openapi()
    return page(
        request,
        "docs.html",
        {"info": spec.get("info", {}), "operations": operations(spec)},
    )
