"""Story cards for the list page: a lead snippet, key people, outlets, "updated N ago".

A card reads one stored article (the story's newest) and, when the story's briefing was
already built, its key people; it never builds a briefing (seconds of spaCy per story).
"""

from __future__ import annotations

from storyline.records import Story
from storyline.serve.feeds import lead
from storyline.serve.services import Services

# Characters of the lead shown on a card: two lines on a laptop.
CARD_SNIPPET_CHARS = 220
# People named on a card.
CARD_PEOPLE = 3


def _built_briefing(s: Services, story: Story) -> dict | None:
    """The story's full briefing if any version of it was built (this process or stored)."""
    served = s.briefings.in_memory(story, None)
    if served is not None:
        return served.data
    stored = s.stores().get_state(f"briefing:{story.story_id}:all")
    return stored.get("briefing") if isinstance(stored, dict) else None


def _newest_article(s: Services, story: Story):
    store = s.stores()
    articles = [a for a in (store.get_article(i) for i in story.article_ids[-5:]) if a]
    if not articles:
        return None
    return max(articles, key=lambda a: (a.published_at is not None, a.published_at or 0))


def story_card(s: Services, story: Story) -> dict:
    article = _newest_article(s, story)
    briefing = _built_briefing(s, story)
    people = []
    if briefing:
        people = [e["name"] for e in briefing.get("entities", []) if e.get("label") == "PERSON"]
    return {
        "story": story,
        "snippet": lead(article.text, CARD_SNIPPET_CHARS) if article else "",
        "snippet_from": article.credit if article else None,
        "people": people[:CARD_PEOPLE],
    }
