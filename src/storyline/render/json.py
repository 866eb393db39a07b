"""Records as JSON-ready data, one function per record, shared by the CLI and the API.

Dates and datetimes become ISO strings. Every cited part of a briefing (summary sentences,
timeline events, cross-source claims, quotes, figures) has an `evidence` list of
`{article_id, start, end, text}` spans, where `text == article.text[start:end]`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from storyline.records import Briefing, Story


def briefing_to_dict(briefing: Briefing) -> dict:
    """The briefing as JSON-ready data; citations also given as [n] markers."""
    data = asdict(briefing)
    for sentence in data["summary"]:
        sentence["markers"] = [briefing.marker_of(a) for a in sentence["article_ids"]]
    for event in data["timeline"]:
        event["markers"] = [briefing.marker_of(a) for a in event["article_ids"]]
    return data


def story_to_dict(story: Story, article_ids: bool = False) -> dict:
    """One story as `storyline stories --json` and `/api/v1/stories` give it.

    `article_ids` adds the member ids (the CLI lists them; the API links to the story
    instead, since a large story has thousands).
    """
    data = {
        "story_id": story.story_id,
        "label": story.label,
        "article_count": len(story.article_ids),
        "outlets": list(story.outlets),
        "first_at": story.first_at.isoformat() if story.first_at else None,
        "last_at": story.last_at.isoformat() if story.last_at else None,
        "active": story.active,
    }
    if article_ids:
        data["article_ids"] = list(story.article_ids)
    return data


def render_json(briefing: Briefing) -> str:
    return (
        json.dumps(
            briefing_to_dict(briefing),
            indent=2,
            ensure_ascii=False,
            default=lambda v: v.isoformat() if isinstance(v, date) else str(v),
        )
        + "\n"
    )
