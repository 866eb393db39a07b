"""The ingest endpoint's work: check the token and size, store the upload, re-cluster.

Uploaded bytes go to a private temporary folder under sanitised names and through the same
`ingest_paths` as `storyline ingest`, so every format, the deduplication and the quarantine
behave exactly as on the command line; the folder is deleted afterwards. Stored sources
name the uploaded file ("upload/dump.jsonl:3"), never that folder, and a compressed upload
is read through the ingest readers' cap on expanded bytes, set to
`ServeConfig.max_expanded_upload_bytes` (a gzip bomb is refused, not unpacked).
"""

from __future__ import annotations

import dataclasses
import hmac
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from storyline.ingest.run import ingest_paths
from storyline.serve.errors import ApiError
from storyline.serve.services import Services
from storyline.settings import Settings
from storyline.store import Store
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
# Characters of an uploaded file's name kept (file systems allow 255 bytes per name).
MAX_NAME_CHARS = 100
# The prefix stored sources of uploads get instead of the server's temporary folder.
UPLOAD_SOURCE = "upload/"


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
    """A file name that cannot leave the upload folder ("../../x" -> "x") and fits a file
    system: a long name keeps its start and its suffixes (".csv.gz" tells the format)."""
    base = _UNSAFE.sub("_", Path(name or "").name).strip("._")
    if len(base) > MAX_NAME_CHARS:
        suffixes = "".join(Path(base).suffixes)[-20:]
        base = base[: MAX_NAME_CHARS - len(suffixes)] + suffixes
    return f"{index:03d}-{base}" if base else f"{index:03d}-upload{suffix}"


class _UploadSources:
    """The store, with every stored source renamed from the temporary file to the upload."""

    def __init__(self, store: Store, folder: str) -> None:
        self._store = store
        self._prefix = folder.rstrip("/") + "/"

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def rename(self, source: str) -> str:
        if not source.startswith(self._prefix):
            return source
        return UPLOAD_SOURCE + re.sub(r"^\d{3}-", "", source[len(self._prefix) :])

    def _renamed(self, item):
        return None if item is None else dataclasses.replace(item, source=self.rename(item.source))

    def add_articles(self, articles, raws=None):
        renamed_raws = None if raws is None else [self._renamed(r) for r in raws]
        return self._store.add_articles([self._renamed(a) for a in articles], renamed_raws)

    def add_quarantined(self, items, raws=None):
        renamed_raws = None if raws is None else [self._renamed(r) for r in raws]
        return self._store.add_quarantined([self._renamed(q) for q in items], renamed_raws)


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
    # The token first: a failed login must not use up the real token holder's quota (the
    # per-client request cap still bounds guessing).
    check_token(request, s.config.token)
    s.uploads.check(request.client.host if request.client else "unknown")
    body = await read_capped(request, s.config.max_upload_bytes)
    if not body.strip():
        raise ApiError(422, "invalid", "the upload is empty")
    files = await _files(request, body)
    return await run_in_threadpool(_store_files, s, files)


def _store_files(s: Services, files: list[tuple[str, bytes]]) -> dict:
    cap = s.config.max_expanded_upload_bytes
    settings = Settings(max_dataset_bytes=cap, max_input_bytes=min(cap, Settings().max_input_bytes))
    with tempfile.TemporaryDirectory(prefix="storyline-upload-") as folder, s.write_lock:
        for name, content in files:
            (Path(folder) / name).write_bytes(content)
        store = s.stores()
        sources = _UploadSources(store, folder)
        try:
            report = ingest_paths([folder], sources, settings)
        except RecursionError:
            raise ApiError(
                422, "invalid", "the upload is nested too deeply to read; nothing was stored"
            ) from None
        problems = [
            {
                "source": sources.rename(q.source).removeprefix(UPLOAD_SOURCE),
                "stage": q.stage,
                "error": _strip(q.error, folder),
            }
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
    return re.sub(re.escape(folder + "/") + r"(\d{3}-)?", "", message)
