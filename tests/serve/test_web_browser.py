"""The web UI in a real browser: headless Debian Chromium driven by Playwright.

A uvicorn server runs on a free loopback port over a copy of the demo store (plus one
article full of markup), with every briefing built in advance. The tests walk the issue's
path: list, search, story, citation popover, source article, "since" view, disagreements,
quotes, upload with and without the token, escaping, and a phone-width screen. Screenshots
of the main pages go to test-artifacts/screenshots/ at the repository root.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
uvicorn = pytest.importorskip("uvicorn")

from storyline.serve import ServeConfig, create_app  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
TOKEN = "browser-token"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}

if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_store_path, tmp_path_factory):
    """The app under uvicorn on a background thread; yields its base URL."""
    path = tmp_path_factory.mktemp("browser") / "store.db"
    shutil.copy(web_store_path, path)
    app = create_app(
        ServeConfig(db_path=path, token=TOKEN, requests_per_minute=0, refresh_seconds=0.2)
    )
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as error:  # a broken browser install is an environment problem
            pytest.skip(f"chromium does not start: {error}")
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.dialogs = dialogs
    yield tab
    context.close()


@pytest.fixture(scope="module")
def demo_story(server) -> dict:
    stories = httpx.get(f"{server}/api/v1/stories").json()["data"]
    return max(stories, key=lambda s: s["article_count"])


def screenshot(tab, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def article_total(tab) -> int:
    lede = tab.locator(".lede").inner_text()
    return int(lede.split(" from ")[1].split()[0])


def test_browser_story_list_search_and_open(page, server, demo_story):
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Stories"
    assert page.locator(".story-card").count() >= 2
    screenshot(page, "list")
    page.fill("#q", "senators")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?q=senators**")
    cards = page.locator(".story-card")
    assert cards.count() == 1
    assert "1 story matches" in page.locator("#result-count").inner_text()
    cards.first.locator("h2 a").click()
    page.wait_for_url(f"**/stories/{demo_story['story_id']}")
    assert page.locator("h1").inner_text() == demo_story["label"]


def test_browser_citation_shows_its_source_sentence(page, server, demo_story):
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    marker = page.locator("#summary a.cite").first
    popover = page.locator("#" + marker.get_attribute("aria-describedby"))
    assert not popover.is_visible()
    marker.hover()
    popover.wait_for(state="visible")
    text = popover.inner_text()
    assert "·" in text and "2026" in text  # outlet and date
    assert len(popover.locator(".pop-quote").inner_text()) > 40  # the source sentence
    screenshot(page, "story")
    page.mouse.move(5, 5)
    popover.wait_for(state="hidden")
    marker.focus()  # keyboard users get the same popover
    popover.wait_for(state="visible")
    screenshot(page, "story-full", full_page=True)


def test_browser_citation_leads_to_the_highlighted_source(page, server, demo_story):
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    marker = page.locator("#summary a.cite").first
    sentence = page.locator("#" + marker.get_attribute("aria-describedby") + " .pop-quote")
    wanted = sentence.text_content()
    briefing = httpx.get(f"{server}/api/v1/stories/{demo_story['story_id']}/briefing").json()
    first = briefing["data"]["summary"][0]
    # the popover quotes the evidence span of the first summary sentence's first citation
    assert wanted in {span["text"] for span in first["evidence"]}
    marker.click()
    page.wait_for_url("**/articles/**")
    highlight = page.locator("mark#highlight")
    assert highlight.is_visible()
    # exactly the cited characters are marked, nothing more: no search, no guessing
    marks = page.locator("mark.highlight")
    assert "".join(marks.all_text_contents()) == wanted
    assert page.evaluate("() => document.querySelectorAll('.article-text mark').length") == 1
    assert highlight.evaluate("m => m.getBoundingClientRect().top < innerHeight")
    assert "Part of the story" in page.locator(".in-story").inner_text()
    screenshot(page, "article")


@pytest.mark.parametrize("section", ["#consensus", "#timeline .event", "#quotes"])
def test_browser_other_citations_highlight_their_span(page, server, demo_story, section):
    """A claim's second outlet, a timeline event, a quote: the article page marks exactly
    the characters the marker's popover quotes (for a claim, that outlet's own wording)."""
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    marker = page.locator(f"{section} a.cite").last
    wanted = page.locator("#" + marker.get_attribute("aria-describedby") + " .pop-quote")
    wanted = wanted.text_content()
    href = marker.get_attribute("href")
    page.goto(server + href)
    assert page.locator("mark#highlight").is_visible()
    assert "".join(page.locator(".article-text mark").all_text_contents()) == wanted
    article_id = href.split("/articles/")[1].split("?")[0]
    text = httpx.get(f"{server}/api/v1/articles/{article_id}").json()["data"]["text"]
    start, end = (int(v.split("=")[1]) for v in href.split("?")[1].split("#")[0].split("&"))
    assert text[start:end] == wanted


def test_browser_since_date_shows_the_update_view(page, server, demo_story, web_since):
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    assert page.locator("#update-banner").count() == 0
    page.fill("#since", web_since.isoformat())
    page.click("#since-form button[type=submit]")
    page.wait_for_url(f"**since={web_since.isoformat()}")
    banner = page.locator("#update-banner")
    assert banner.is_visible()
    assert "Update view" in banner.inner_text()
    assert "Mar 9, 2026" in page.locator("#summary-h").inner_text()
    screenshot(page, "story-update")
    banner.locator("a").click()
    page.wait_for_url(f"**/stories/{demo_story['story_id']}")
    assert page.locator("#update-banner").count() == 0


def test_browser_disagreement_panel(page, server, demo_story):
    page.goto(f"{server}/stories/{demo_story['story_id']}#cross-source")
    panel = page.locator("#disagreements")
    assert panel.is_visible()
    values = panel.locator(".value").all_inner_texts()
    assert "$40 million" in values and "$45 million" in values
    claims = panel.locator(".claim")
    assert claims.count() >= 2
    for index in range(claims.count()):  # each side is cited
        assert claims.nth(index).locator("a.cite").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(SCREENSHOTS / "disagreements.png"))


def test_browser_quotes_by_speaker(page, server, demo_story):
    page.goto(f"{server}/stories/{demo_story['story_id']}#quotes")
    speakers = [s.split("\n")[0] for s in page.locator(".speaker-name").all_inner_texts()]
    assert any(s.startswith("Marta Lindqvist") for s in speakers)
    group = page.locator(".speaker", has=page.locator(".speaker-name", has_text="Marta Lindqvist"))
    assert group.locator("blockquote").count() >= 2
    assert "We have seen enough to act now" in group.inner_text()


def upload(page, server, token: str | None, name: str, content: bytes):
    page.goto(server + "/upload")
    if token is not None:
        page.fill("#upload-token", token)
    page.set_input_files(
        "#upload-file", {"name": name, "mimeType": "application/x-ndjson", "buffer": content}
    )
    page.click("#upload-button")
    result = page.locator("#upload-result")
    result.locator("h2").wait_for(state="visible", timeout=60_000)
    return result


NEW_ARTICLE = {
    "title": "Harbor city opens a night market on the old ferry pier",
    "text": (
        "The city of Harbor Point opened a night market on its old ferry pier on Friday, "
        "with forty stalls selling street food, books and handmade goods.\n\n"
        "The market will run every weekend until October, the council said, and the pier "
        "will be closed to cars from six in the evening."
    ),
    "outlet": "Harbor Point Herald",
    "date": "2026-03-13T18:00:00Z",
    "author": "Ines Park",
}


@pytest.mark.parametrize(("token", "status"), [(None, "401"), ("wrong-token", "401")])
def test_browser_upload_without_the_token_is_refused(page, server, token, status):
    result = upload(page, server, token, "refused.jsonl", json.dumps(NEW_ARTICLE).encode())
    assert f"Upload refused ({status})" in result.locator("h2").inner_text()
    assert "token" in result.locator(".error-message").inner_text()
    screenshot(page, "upload-refused")


def test_browser_upload_with_the_token_adds_the_article(page, server):
    page.goto(server + "/")
    before = article_total(page)
    result = upload(page, server, TOKEN, "market.jsonl", json.dumps(NEW_ARTICLE).encode())
    assert result.locator("h2").inner_text() == "Stored 1 new article"
    screenshot(page, "upload")
    result.locator(".result-list a").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text() == NEW_ARTICLE["title"]
    page.goto(server + "/")
    assert article_total(page) == before + 1


def test_browser_script_article_shows_as_text(page, server, script_title):
    page.goto(server + "/?q=sourdough")
    page.locator(".story-card h2 a").first.click()
    page.wait_for_url("**/stories/**")
    page.locator("#sources .source-title").first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text() == script_title
    assert "<script>alert(1)</script>" in page.locator(".article-text").inner_text()
    assert page.locator(".article-text script, .article-text img").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


@pytest.mark.parametrize("path", ["/", "/stories/{story}", "/articles/{article}", "/upload"])
def test_browser_phone_width_has_no_horizontal_scroll(browser, server, demo_story, path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    story = httpx.get(f"{server}/api/v1/stories/{demo_story['story_id']}").json()["data"]
    url = server + path.format(
        story=demo_story["story_id"], article=story["articles"][0]["article_id"]
    )
    tab.goto(url)
    width = tab.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways: {width}"
    if path == "/stories/{story}":
        tab.screenshot(path=str(SCREENSHOTS / "story-phone.png"))
        marker = tab.locator("#summary a.cite").first
        marker.focus()
        tab.locator("#" + marker.get_attribute("aria-describedby")).wait_for(state="visible")
        width = tab.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        assert width[0] <= width[1], f"an open popover scrolls sideways: {width}"
        tab.screenshot(path=str(SCREENSHOTS / "story-phone-popover.png"))
    context.close()
