"""The ingest endpoint's work: check the token and size, store the upload, re-cluster.

Uploaded bytes go to a private temporary folder under sanitised names and through the same
`ingest_paths` as `storyline ingest`, so every format, the deduplication and the quarantine
behave exactly as on the command line; the folder is deleted afterwards.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from pathlib import Path

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from storyline.ingest.run import ingest_paths
from storyline.serve.errors import ApiError
from storyline.serve.services import Services
from storyline.tracking import track_stories

# Body types accepted without multipart, and the file suffix that tells ingest the format.
BODY_SUFFIXES = {
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/json": ".json",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def check_token(request: Request, expected: str | None) -> None:
    if not expected:
        raise ApiError(
            403,
            "forbidden",
            "uploads are disabled: start the server with --token or set STORYLINE_TOKEN",
        )
    given = request.headers.get("authorization", "")
    token = given.removeprefix("Bearer ").strip() if given.startswith("Bearer ") else ""
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(
            401,
            "unauthorized",
            "missing or wrong token: send the header 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def read_capped(request: Request, cap: int) -> bytes:
    """The request body, refused (413) as soon as it passes `cap` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise ApiError(
            413, "too_large", f"upload of {int(declared):,} bytes is over the {cap:,} byte cap"
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise ApiError(413, "too_large", f"upload is over the {cap:,} byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


def safe_name(name: str | None, index: int, suffix: str = ".txt") -> str:
    """A file name that cannot leave the upload folder ("../../x" -> "x")."""
    base = _UNSAFE.sub("_", Path(name or "").name).strip("._")
    return f"{index:03d}-{base}" if base else f"{index:03d}-upload{suffix}"


async def _files(request: Request, body: bytes) -> list[tuple[str, bytes]]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        request._body = body  # let Starlette parse the bytes already read and capped
        form = await request.form()
        files = [
            (safe_name(item.filename, i), await item.read())
            for i, item in enumerate(form.getlist("file") + form.getlist("files"))
            if hasattr(item, "filename")
        ]
        if not files:
            raise ApiError(422, "invalid", "multipart upload without a 'file' field")
        return files
    if media not in BODY_SUFFIXES:
        allowed = ", ".join(["multipart/form-data", *BODY_SUFFIXES])
        raise ApiError(
            415, "unsupported_media_type", f"content type {media or 'none'!r}; use {allowed}"
        )
    return [(f"000-upload{BODY_SUFFIXES[media]}", body)]


async def ingest_upload(request: Request, s: Services) -> dict:
    s.uploads.check(request.client.host if request.client else "unknown")
    check_token(request, s.config.token)
    body = await read_capped(request, s.config.max_upload_bytes)
    if not body.strip():
        raise ApiError(422, "invalid", "the upload is empty")
    files = await _files(request, body)
    return await run_in_threadpool(_store_files, s, files)


def _store_files(s: Services, files: list[tuple[str, bytes]]) -> dict:
    with tempfile.TemporaryDirectory(prefix="storyline-upload-") as folder, s.write_lock:
        for name, content in files:
            (Path(folder) / name).write_bytes(content)
        store = s.stores()
        report = ingest_paths([folder], store)
        problems = [
            {"source": Path(q.source).name, "stage": q.stage, "error": _strip(q.error, folder)}
            for q in report.quarantined
        ]
        if (
            report.count("quarantined")
            and not report.count("added")
            and not report.count("already stored")
        ):
            raise ApiError(
                422,
                "invalid",
                "nothing could be stored: " + "; ".join(p["error"] for p in problems),
            )
        if report.article_ids:
            track_stories(store)
    snapshot = s.catalog.refresh()
    return {
        "added": report.count("added"),
        "already_stored": report.count("already stored"),
        "quarantined": problems,
        "article_ids": list(report.article_ids),
        "story_ids": sorted(
            {
                snapshot.story_of_article[a]
                for a in report.article_ids
                if a in snapshot.story_of_article
            }
        ),
        "warnings": [_strip(w, folder) for w in report.warnings],
    }


def _strip(message: str, folder: str) -> str:
    """Error messages name the uploaded file, not the server's temporary folder."""
    return message.replace(folder + "/", "")
