"""Briefing as JSON: plain data, dates as ISO strings."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from storyline.records import Briefing


def briefing_to_dict(briefing: Briefing) -> dict:
    """The briefing as JSON-ready data; citations also given as [n] markers."""
    data = asdict(briefing)
    for sentence in data["summary"]:
        sentence["markers"] = [briefing.marker_of(a) for a in sentence["article_ids"]]
    for event in data["timeline"]:
        event["markers"] = [briefing.marker_of(a) for a in event["article_ids"]]
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
