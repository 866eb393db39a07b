"""Story lists in the order a reader asks for, shared by `storyline stories`, the web UI
and the feeds."""

from __future__ import annotations

from datetime import UTC

from storyline.records import Story

# Orders offered: name -> what it means (the CLI's --sort and the web's ?sort=).
ORDERS = {
    "updated": "last article first",
    "size": "most articles first",
    "outlets": "most outlets first",
}


def _last(story: Story) -> float:
    when = story.last_at
    if when is None:
        return 0.0
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def sort_stories(stories, order: str = "updated") -> list[Story]:
    """Stories in the order asked for; dormant stories are sorted like the rest, not hidden.

    (Sorting dormant stories last hid the four largest stories of a 79-story store.)
    """
    keys = {
        "updated": lambda s: (-_last(s), -len(s.article_ids), s.story_id),
        "size": lambda s: (-len(s.article_ids), -_last(s), s.story_id),
        "outlets": lambda s: (-len(s.outlets), -len(s.article_ids), s.story_id),
    }
    return sorted(stories, key=keys[order])
