"""The JSON API over a store holding the demo corpus: every endpoint, and bad input.

Every failure must come back in the one error shape {"error": {"status", "code", "message"}}
with the HTTP status repeated inside.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.ingest.run import ingest_paths
from storyline.serve import ServeConfig, create_app
from storyline.store import open_store
from storyline.tracking import track_stories

TOKEN = "correct-horse-battery"
JSONL = {"content-type": "application/x-ndjson", "authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, demo_dir) -> Path:
    path = tmp_path_factory.mktemp("api") / "demo.db"
    with open_store(path) as store:
        ingest_paths([demo_dir], store)
        track_stories(store)
    return path


@pytest.fixture()
def client(db_path, tmp_path) -> TestClient:
    """A client over a private copy of the demo store (uploads must not leak between tests)."""
    copy = tmp_path / "store.db"
    shutil.copy(db_path, copy)
    app = create_app(ServeConfig(db_path=copy, token=TOKEN, refresh_seconds=0))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def shared_client(db_path):
    """Read-only client over the module's store, so briefings are built once."""
    app = create_app(ServeConfig(db_path=db_path, token=TOKEN))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def story_id(shared_client) -> int:
    stories = shared_client.get("/api/v1/stories").json()["data"]
    return max(stories, key=lambda s: s["article_count"])["story_id"]


def assert_error(response, status: int, code: str, words: str = "") -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert words.casefold() in body["error"]["message"].casefold()
    return body["error"]


def test_health_counts_articles_and_stories(shared_client):
    data = shared_client.get("/api/v1/health").json()["data"]
    assert data["status"] == "ok"
    assert data["articles"] == 12
    assert data["clustered_articles"] == 12
    assert data["stories"] >= 1


def test_story_list_is_paginated_with_total_count(shared_client):
    everything = shared_client.get("/api/v1/stories").json()
    assert everything["count"] == len(everything["data"]) >= 1
    assert sum(s["article_count"] for s in everything["data"]) == 12
    page = shared_client.get("/api/v1/stories?limit=1&offset=0").json()
    assert page["count"] == everything["count"] and len(page["data"]) == 1
    assert page["limit"] == 1 and page["offset"] == 0


def test_story_list_filters_by_text_entity_outlet_and_dates(shared_client, story_id):
    def ids(query: str) -> set[int]:
        return {s["story_id"] for s in shared_client.get(f"/api/v1/stories?{query}").json()["data"]}

    assert story_id in ids("q=battery recall")
    assert ids("q=zeppelin") == set()
    assert story_id in ids("entity=Voltaro")
    assert story_id in ids("outlet=metro ledger")  # case-insensitive exact outlet name
    assert ids("outlet=No Such Outlet") == set()
    assert story_id in ids("from=2026-03-01&to=2026-03-31")
    assert ids("from=2027-01-01") == set()


def test_story_with_articles_and_links(shared_client, story_id):
    data = shared_client.get(f"/api/v1/stories/{story_id}").json()["data"]
    assert data["story_id"] == story_id
    assert len(data["articles"]) == data["article_count"]
    dates = [a["published_at"] for a in data["articles"] if a["published_at"]]
    assert dates == sorted(dates)
    assert data["links"]["briefing"] == f"/api/v1/stories/{story_id}/briefing"


def test_briefing_cites_articles_of_the_story_with_their_sentences(shared_client, story_id):
    story = shared_client.get(f"/api/v1/stories/{story_id}").json()["data"]
    members = {a["article_id"] for a in story["articles"]}
    briefing = shared_client.get(f"/api/v1/stories/{story_id}/briefing").json()["data"]
    assert briefing["summary"]
    for sentence in briefing["summary"]:
        assert sentence["article_ids"] and set(sentence["article_ids"]) <= members
        assert [span["article_id"] for span in sentence["evidence"]] == sentence["article_ids"]
    texts = {}
    for part in briefing["summary"] + briefing["timeline"] + briefing["quotes"]:
        for span in part["evidence"]:
            if span["article_id"] not in texts:
                article = shared_client.get(f"/api/v1/articles/{span['article_id']}").json()
                texts[span["article_id"]] = article["data"]["text"]
            assert texts[span["article_id"]][span["start"] : span["end"]] == span["text"]
    first = briefing["summary"][0]
    assert first["evidence"][0]["text"] == first["text"]


def test_briefing_parts_match_the_briefing(shared_client, story_id):
    briefing = shared_client.get(f"/api/v1/stories/{story_id}/briefing").json()["data"]
    for part, key in [
        ("timeline", "timeline"),
        ("entities", "entities"),
        ("quotes", "quotes"),
        ("figures", "figures"),
        ("reprints", "reprint_groups"),
        ("sources", "sources"),
    ]:
        body = shared_client.get(f"/api/v1/stories/{story_id}/{part}").json()
        assert body["data"] == briefing[key]
        assert body["count"] == len(briefing[key])
    assert briefing["reprint_groups"], "the demo's wire story is reprinted twice"
    view = shared_client.get(f"/api/v1/stories/{story_id}/cross-source").json()["data"]
    values = {v for d in view["disagreements"] for v in d["values"]}
    assert {"$40 million", "$45 million"} <= values


def test_update_briefing_holds_only_later_articles(shared_client, story_id):
    since = "2026-03-08"
    update = shared_client.get(f"/api/v1/stories/{story_id}/briefing?since={since}").json()
    data = update["data"]
    assert data["since"] == since
    later = {
        s["article_id"] for s in data["sources"] if s["published_on"] and s["published_on"] > since
    }
    cited = {a for sentence in data["summary"] for a in sentence["article_ids"]}
    assert cited and cited <= later


def test_article_has_metadata_text_and_provenance(shared_client, story_id):
    story = shared_client.get(f"/api/v1/stories/{story_id}").json()["data"]
    article_id = story["articles"][0]["article_id"]
    data = shared_client.get(f"/api/v1/articles/{article_id}").json()["data"]
    assert data["story_id"] == story_id
    assert len(data["text"]) > 200
    assert data["raw"]["sha256"] and data["raw"]["bytes"] > 0
    assert data["provenance"]


def test_search_finds_articles_and_their_story(shared_client, story_id):
    body = shared_client.get("/api/v1/search?q=compensation fund").json()
    assert body["count"] >= 2
    assert all(hit["story_id"] == story_id for hit in body["data"])


@pytest.mark.parametrize(
    ("path", "status", "code", "words"),
    [
        ("/api/v1/stories/999999", 404, "not_found", "no story 999999"),
        ("/api/v1/stories/abc", 422, "invalid", "story_id"),
        ("/api/v1/stories/999999/briefing", 404, "not_found", "no story"),
        ("/api/v1/stories/0/gossip", 404, "not_found", "no story part"),
        ("/api/v1/articles/nope", 404, "not_found", "no article"),
        ("/api/v1/stories?from=2026-02-30", 422, "invalid", "from"),
        ("/api/v1/stories?from=2026-05-01&to=2026-04-01", 422, "invalid", "after"),
        ("/api/v1/stories?limit=0", 422, "invalid", "limit"),
        ("/api/v1/stories?limit=5000", 422, "invalid", "limit"),
        ("/api/v1/stories?offset=-1", 422, "invalid", "offset"),
        ("/api/v1/stories/0/briefing?since=yesterday", 422, "invalid", "since"),
        ("/api/v1/search", 422, "invalid", "q"),
        ("/api/v1/no-such-endpoint", 404, "not_found", ""),
    ],
)
def test_bad_requests_get_the_one_error_shape(shared_client, path, status, code, words):
    assert_error(shared_client.get(path), status, code, words)


def test_wrong_method_gets_the_error_shape(shared_client):
    assert_error(shared_client.delete("/api/v1/stories"), 405, "method_not_allowed")


def test_upload_jsonl_with_token_adds_articles_to_stories(client):
    record = {
        "title": "Voltaro battery recall widens to scooters",
        "text": "Voltaro Mobility widened its battery recall on Monday to cover 30,000 "
        "electric scooters that use the same battery packs as its e-bikes, the company "
        "said, after two more fires were reported in Oregon. " * 3,
        "outlet": "Coastal Observer",
        "date": "2026-03-14",
    }
    response = client.post("/api/v1/ingest", content=json.dumps(record) + "\n", headers=JSONL)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["added"] == 1 and data["quarantined"] == []
    assert len(data["story_ids"]) == 1
    assert client.get("/api/v1/health").json()["data"]["articles"] == 13
    again = client.post("/api/v1/ingest", content=json.dumps(record) + "\n", headers=JSONL)
    assert again.json()["data"] == {**again.json()["data"], "added": 0, "already_stored": 1}


def test_upload_multipart_file_uses_only_the_file_name(client):
    text = "Regulators in Oregon opened a review of e-bike battery sales. " * 20
    files = {"file": ("../../etc/report.txt", text.encode(), "text/plain")}
    headers = {"authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/v1/ingest", files=files, headers=headers)
    assert response.status_code == 201, response.text
    article_id = response.json()["data"]["article_ids"][0]
    source = client.get(f"/api/v1/articles/{article_id}").json()["data"]["source"]
    assert "etc_report.txt" in source or source.endswith("report.txt")
    assert not Path("/etc/report.txt").exists()


def test_upload_without_or_with_a_wrong_token_is_refused(client):
    body = '{"text": "' + "word " * 100 + '"}\n'
    plain = {"content-type": "application/x-ndjson"}
    assert_error(client.post("/api/v1/ingest", content=body, headers=plain), 401, "unauthorized")
    wrong = {**plain, "authorization": "Bearer guess"}
    assert_error(client.post("/api/v1/ingest", content=body, headers=wrong), 401, "unauthorized")
    assert client.get("/api/v1/health").json()["data"]["articles"] == 12


def test_uploads_are_disabled_without_a_configured_token(db_path, tmp_path):
    copy = tmp_path / "store.db"
    shutil.copy(db_path, copy)
    with TestClient(create_app(ServeConfig(db_path=copy))) as no_token:
        response = no_token.post("/api/v1/ingest", content="{}", headers=JSONL)
    assert_error(response, 403, "forbidden", "--token")


def test_oversized_upload_is_refused_before_it_is_stored(db_path, tmp_path):
    copy = tmp_path / "store.db"
    shutil.copy(db_path, copy)
    config = ServeConfig(db_path=copy, token=TOKEN, max_upload_bytes=1000)
    with TestClient(create_app(config)) as small:
        body = json.dumps({"text": "news " * 400}) + "\n"
        assert_error(small.post("/api/v1/ingest", content=body, headers=JSONL), 413, "too_large")
        assert small.get("/api/v1/health").json()["data"]["articles"] == 12


def test_malformed_jsonl_is_refused_and_quarantined_not_stored(client, tmp_path):
    response = client.post("/api/v1/ingest", content='{"text": "broken\n', headers=JSONL)
    error = assert_error(response, 422, "invalid", "invalid JSON")
    assert "storyline-upload-" not in error["message"], "temporary paths stay private"
    assert client.get("/api/v1/health").json()["data"]["articles"] == 12


def test_upload_of_an_unknown_type_or_nothing_is_refused(client):
    png = {"content-type": "image/png", "authorization": f"Bearer {TOKEN}"}
    assert_error(
        client.post("/api/v1/ingest", content=b"\x89PNG", headers=png),
        415,
        "unsupported_media_type",
    )
    assert_error(
        client.post("/api/v1/ingest", content=b"  \n", headers=JSONL), 422, "invalid", "empty"
    )


def test_requests_over_the_per_client_cap_get_429(db_path):
    config = ServeConfig(db_path=db_path, requests_per_minute=3)
    with TestClient(create_app(config)) as capped:
        for _ in range(3):
            assert capped.get("/api/v1/health").status_code == 200
        response = capped.get("/api/v1/health")
    error = assert_error(response, 429, "rate_limited", "3 requests per minute")
    assert error and int(response.headers["retry-after"]) >= 1


def test_articles_stored_by_another_process_show_up_without_restart(client, tmp_path):
    before = client.get("/api/v1/health").json()["data"]
    later = tmp_path / "later.txt"
    later.write_text(
        "Voltaro Mobility said on Tuesday that replacement battery packs for the recalled "
        "e-bikes would reach dealers in April, weeks earlier than planned. " * 5
    )
    db = client.app.state.services.config.db_path
    with open_store(db) as other_process:  # what `storyline ingest` does from a shell
        ingest_paths([later], other_process)
    catalog = client.app.state.services.catalog
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # a request notices it; clustering runs behind
        after = client.get("/api/v1/health").json()["data"]
        if after["clustered_articles"] == before["articles"] + 1:
            break
        catalog.wait_for_refresh(timeout=5)
    assert after["articles"] == before["articles"] + 1
    assert after["clustered_articles"] == after["articles"]


def test_openapi_documents_every_endpoint(shared_client):
    paths = shared_client.get("/openapi.json").json()["paths"]
    for path in [
        "/api/v1/health",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/stories/{story_id}/briefing",
        "/api/v1/articles/{article_id}",
        "/api/v1/search",
        "/api/v1/ingest",
    ]:
        assert path in paths
    assert shared_client.get("/docs").status_code == 200
