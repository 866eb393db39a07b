"""Hostile and careless use of the API (issue 18): bounded work per request, no plain-text
500s, no leaked server paths, caps that cannot be used against the real token holder."""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import threading
import time
from datetime import date

import pytest
from fastapi.testclient import TestClient

from storyline.errors import QueryInterrupted
from storyline.serve import ServeConfig, create_app
from storyline.serve import briefings as briefings_module
from storyline.serve.briefings import BriefingService
from storyline.serve.ratelimit import RateLimiter
from storyline.serve.searching import until_disconnect
from storyline.store import open_store
from storyline.tracking import stored_stories

TOKEN = "correct-horse-battery"
AUTH = {"authorization": f"Bearer {TOKEN}"}
JSONL = {**AUTH, "content-type": "application/x-ndjson"}
RECORD = {
    "title": "Harbour tunnel closes for repairs",
    "text": "The harbour tunnel in Port Elwood will close for six weeks of repairs from "
    "Monday, the city's transport office said, sending 40,000 daily drivers onto the "
    "coast road. " * 3,
    "outlet": "Elwood Gazette",
    "date": "2026-03-14",
}


@pytest.fixture()
def make_client(demo_store_path, tmp_path):
    """A client over a private copy of the demo store, with config overrides."""
    opened = []

    def make(**options) -> TestClient:
        copy = tmp_path / f"store-{len(opened)}.db"
        shutil.copy(demo_store_path, copy)
        config = ServeConfig(db_path=copy, token=TOKEN, refresh_seconds=0, **options)
        client = TestClient(create_app(config), raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code
    return error


# --- searches --------------------------------------------------------------------------


def test_repeated_words_search_like_the_word_once(make_client):
    client = make_client()
    once = client.get("/api/v1/search", params={"q": "battery"}).json()["data"]
    many = client.get("/api/v1/search", params={"q": "battery " * 100}).json()["data"]
    assert once and many == once


def test_a_search_past_its_budget_gets_a_json_503(make_client):
    client = make_client(search_budget_seconds=0)
    for path in ("/api/v1/search", "/api/v1/stories"):
        response = client.get(path, params={"q": "the battery recall"})
        error = error_of(response, 503, "timeout")
        assert "budget" in error["message"] and response.headers["retry-after"]


def test_costly_searches_beyond_the_lane_are_answered_busy(make_client):
    client = make_client(heavy_search_cost=0)  # every search counts as costly here
    gate = client.app.state.services.searches
    assert gate._heavy.acquire(blocking=False)  # another costly search is running
    try:
        response = client.get("/api/v1/search", params={"q": "battery"})
        error_of(response, 503, "busy")
        assert response.headers["retry-after"] == "2"
    finally:
        gate._heavy.release()
    assert client.get("/api/v1/search", params={"q": "battery"}).status_code == 200


def test_work_stops_when_the_client_disconnects():
    class GoneRequest:
        async def is_disconnected(self) -> bool:
            return True

    stopped = threading.Event()

    def work(cancelled) -> str:
        for _ in range(600):  # 60 s unless cancelled
            if cancelled():
                stopped.set()
                raise QueryInterrupted("stopped: the client went away")
            threading.Event().wait(0.1)
        return "ran to the end"

    with pytest.raises(QueryInterrupted):
        asyncio.run(until_disconnect(GoneRequest(), work))
    assert stopped.is_set()


@pytest.mark.parametrize("path", ["/", "/feed.atom", "/api/v1/stories"])
def test_every_story_search_stops_when_its_client_leaves(make_client, path):
    """The web list's /?q=, the search feed and the API: a client that goes away while the
    full-text search runs stops it (the search sees `cancelled()` turn true)."""
    client = make_client()
    catalog = client.app.state.services.catalog
    stopped = threading.Event()

    def slow_search(store, story_filter, cancelled=None):
        for _ in range(100):  # 10 s unless cancelled
            if cancelled is not None and cancelled():
                stopped.set()
                raise QueryInterrupted("stopped: the client went away")
            threading.Event().wait(0.1)
        return []

    catalog.search = slow_search
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"q=battery",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    sent = []

    arrived = time.monotonic()

    async def receive():
        # the request arrives, then the client hangs up 0.3 s later (Starlette polls
        # `receive` under an already-cancelled scope, so answer without awaiting)
        if time.monotonic() - arrived < 0.3:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    async def run():
        await asyncio.wait_for(client.app(scope, receive, send), timeout=8)

    asyncio.run(run())
    assert stopped.is_set()


@pytest.mark.parametrize("q", ["dam\x00x", "\x00", "battery\x00recall"])
def test_a_nul_byte_in_a_query_is_no_server_error(make_client, q):
    client = make_client()
    for path in ("/api/v1/search", "/api/v1/stories"):
        response = client.get(path, params={"q": q})
        assert response.status_code == 200, response.text
        assert "data" in response.json()


# --- briefings -------------------------------------------------------------------------


def test_cold_briefing_builds_beyond_the_cap_get_503_with_retry_after(make_client):
    client = make_client(briefing_builds=1)
    service = client.app.state.services.briefings
    story = client.get("/api/v1/stories").json()["data"][0]["story_id"]
    assert service._builds.acquire(blocking=False)  # a build is running
    try:
        response = client.get(f"/api/v1/stories/{story}/briefing")
        error_of(response, 503, "busy")
        assert int(response.headers["retry-after"]) >= 1
        error_of(client.get(f"/api/v1/stories/{story}/quotes"), 503, "busy")
    finally:
        service._builds.release()


def test_update_briefings_are_kept_for_a_few_dates_per_story(
    demo_store_path, tmp_path, monkeypatch
):
    copy = tmp_path / "s.db"
    shutil.copy(demo_store_path, copy)
    built = []

    def fake_build(articles, since, total, store=None):
        built.append(since)
        return {"since": str(since), "summary": []}

    monkeypatch.setattr(briefings_module, "build_briefing", fake_build)
    with open_store(copy) as store:
        service = BriefingService(lambda: store, since_per_story=3)
        story = stored_stories(store)[0]
        days = [date(2026, 3, day) for day in range(1, 11)]
        for day in days:
            assert service.get(story, day).data["since"] == str(day)
        rows = store._db.execute("SELECT key FROM state WHERE key LIKE 'briefing:%'").fetchall()
        assert len(rows) == 1  # one row per story, not one per date asked
        kept = store.get_state(rows[0][0])["entries"]
        assert [e["since"] for e in kept] == ["2026-03-10", "2026-03-09", "2026-03-08"]
        fresh = BriefingService(lambda: store, since_per_story=3)  # another process
        fresh.get(story, days[-1])
        assert len(built) == len(days)  # read from the store, not rebuilt


# --- rate limits -----------------------------------------------------------------------


def test_the_rate_limiter_forgets_clients_past_its_size():
    limiter = RateLimiter(per_minute=5, max_keys=100)
    for i in range(5000):
        limiter.check(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) <= 100


def test_the_rate_limiter_forgets_clients_silent_for_a_window(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("storyline.serve.ratelimit.time.monotonic", lambda: now[0])
    limiter = RateLimiter(per_minute=5)
    for i in range(50):
        limiter.check(f"client-{i}")
    now[0] += 61
    limiter.check("late")
    assert len(limiter) == 1


def test_failed_logins_do_not_use_up_the_token_holders_upload_quota(make_client):
    client = make_client(uploads_per_minute=2)
    wrong = {**JSONL, "authorization": "Bearer guess"}
    for _ in range(5):
        error_of(client.post("/api/v1/ingest", content="{}\n", headers=wrong), 401, "unauthorized")
    response = client.post("/api/v1/ingest", content=json.dumps(RECORD) + "\n", headers=JSONL)
    assert response.status_code == 201, response.text


# --- uploads ---------------------------------------------------------------------------


def test_a_gzip_bomb_upload_is_refused_at_the_expanded_byte_cap(make_client):
    client = make_client(max_expanded_upload_bytes=1 << 20)
    bomb = gzip.compress(b"text,title\n" + b"a" * (64 << 20), 9)  # 64 MiB in ~65 KB
    assert len(bomb) < 100_000
    files = {"file": ("dump.csv.gz", bomb, "application/gzip")}
    error = error_of(client.post("/api/v1/ingest", files=files, headers=AUTH), 422, "invalid")
    assert "1,048,576 byte" in error["message"] and "dump.csv.gz" in error["message"]
    assert "storyline-upload-" not in error["message"]


def test_a_deeply_nested_json_upload_gets_a_json_error(make_client):
    client = make_client()
    body = "[" * 100_000 + "]" * 100_000
    headers = {**AUTH, "content-type": "application/json"}
    response = client.post("/api/v1/ingest", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid"


def test_an_upload_with_a_thousand_character_name_is_stored(make_client):
    client = make_client()
    files = {"file": ("x" * 1000 + ".txt", RECORD["text"].encode(), "text/plain")}
    response = client.post("/api/v1/ingest", files=files, headers=AUTH)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["added"] == 1


def test_an_uploaded_article_names_its_file_not_the_servers_folder(make_client):
    client = make_client()
    files = {"file": ("harbour-notes.txt", RECORD["text"].encode(), "text/plain")}
    article_id = client.post("/api/v1/ingest", files=files, headers=AUTH).json()["data"][
        "article_ids"
    ][0]
    data = client.get(f"/api/v1/articles/{article_id}").json()["data"]
    assert data["source"] == "upload/harbour-notes.txt"
    assert data["raw"]["source"] == "upload/harbour-notes.txt"
    body = client.post("/api/v1/ingest", content=json.dumps(RECORD) + "\n", headers=JSONL)
    line = client.get(f"/api/v1/articles/{body.json()['data']['article_ids'][0]}").json()
    assert line["data"]["source"].startswith("upload/") and "/tmp" not in json.dumps(line)


def test_the_article_language_is_served(make_client):
    client = make_client()
    article_id = client.post(
        "/api/v1/ingest", content=json.dumps(RECORD) + "\n", headers=JSONL
    ).json()["data"]["article_ids"][0]
    assert client.get(f"/api/v1/articles/{article_id}").json()["data"]["language"] == "en"


# --- headers and schema ----------------------------------------------------------------


def test_json_static_and_error_responses_say_nosniff(make_client):
    client = make_client(requests_per_minute=4)
    responses = [
        client.get("/api/v1/health"),
        client.get("/static/app.css"),
        client.get("/api/v1/stories/99999"),
    ]
    responses += [client.get("/api/v1/health") for _ in range(3)]  # the last one is a 429
    assert responses[-1].status_code == 429
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff", response.url


def test_a_wrong_method_names_the_allowed_ones(make_client):
    client = make_client()
    response = client.delete("/api/v1/stories")
    error_of(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"
    assert client.get("/api/v1/ingest").headers["allow"] == "POST"


def test_openapi_documents_the_error_statuses(make_client):
    paths = make_client().get("/openapi.json").json()["paths"]
    documented = {path: set(ops[next(iter(ops))]["responses"]) for path, ops in paths.items()}
    assert {"404", "422", "429", "500", "503"} <= documented["/api/v1/stories/{story_id}/briefing"]
    assert {"401", "403", "413", "415", "429"} <= documented["/api/v1/ingest"]
    assert {"503", "422"} <= documented["/api/v1/search"]


# --- health ----------------------------------------------------------------------------


def test_health_reports_the_backlog_and_a_failing_tracker(make_client, monkeypatch):
    client = make_client()
    services = client.app.state.services
    before = client.get("/api/v1/health").json()["data"]
    assert before["tracker"]["backlog"] == 0 and before["status"] == "ok"

    def broken(store):
        raise MemoryError("the clusterer ran out of memory")

    monkeypatch.setattr("storyline.serve.catalog.track_stories", broken)
    with open_store(services.config.db_path) as other_process:
        other_process._db.execute("PRAGMA foreign_keys = OFF")
        from storyline.records import Article

        other_process.add_articles([Article("late1", RECORD["text"], "late.txt")])
    now = client.get("/api/v1/health").json()["data"]
    assert now["articles"] == before["articles"] + 1  # live, not the last snapshot's
    services.catalog.wait_for_refresh(timeout=60)
    data = client.get("/api/v1/health").json()["data"]
    assert data["status"] == "degraded"
    assert data["tracker"]["backlog"] == 1
    assert "MemoryError: the clusterer ran out of memory" in data["tracker"]["last_error"]


def test_an_unexpected_exception_is_a_json_500(make_client, monkeypatch):
    client = make_client()

    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(client.app.state.services.searches, "run", boom)
    error = error_of(client.get("/api/v1/search", params={"q": "battery"}), 500, "internal")
    assert "RuntimeError" in error["message"]
