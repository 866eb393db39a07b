"""Texts that are not articles: platform notices, player and weather widgets, a word or two.

Scraped news dumps hold pages whose extracted "text" is what a platform printed instead of
the story (Twitter's "Tweet with a location" notice, "JavaScript is disabled", a parked
domain's DNS notice), a video player's "Play Video" under a headline, a weather box, or a
button label ("Yes"). Stored, they become stories of their own. Each rule here was written
from such records in ../shared/data/multinews-sample100 and checked to hit no real article
of ecbplus-clustering, multinews, neus-allsides, polnear-attribution or the UCI headlines
(benchmarks/hostile_benchmark.py --non-articles prints the hits per rule and dataset).

A headline item (its text is its title, as in a headline feed) is not "too short".
"""

from __future__ import annotations

import re

from storyline.clean.boilerplate import normalize_line

# Notices platforms print in place of the content, matched anywhere in a short text.
_PLATFORM = re.compile(
    r"add location information to your tweets"
    r"|we'?ve detected that javascript is disabled"
    r"|(please )?enable javascript (in your browser )?to (view|continue|see)"
    r"|javascript is (disabled|required|not enabled)"
    r"|your browser does not support (the )?(video|audio|html5)"
    r"|this video is (no longer )?(unavailable|available)"
    r"|the ip address for this domain may have changed"
    r"|this domain (name )?(is|may be) for sale",
    re.I,
)
# A whole line that is a player control or a button label.
_WIDGET_LINE = re.compile(
    r"^(play|watch|replay|pause) (the )?video|^(play|watch|listen|replay|yes|no|ok|cancel|"
    r"close|loading\W*|learn more|show more|next|previous|skip( ad)?|mute|unmute)$",
    re.I,
)
# Weather-box markers: "High 58F", "Low 56F.", "Winds ENE at 10 to 20 mph", "Chance of rain 90%".
_WEATHER = re.compile(
    r"\b(high|low) -?\d{1,3} ?°? ?[FC]\b|\bwinds? [NESW]{1,3} at \d+|\bchance of (rain|snow|"
    r"showers|precipitation) \d{1,3}%",
    re.I,
)
# Notices and widgets are short; a real article quoting one runs on far past this.
_MAX_NOTICE_WORDS = 120
# A headline alone (the player rule): a single line of at most this many words.
_MAX_HEADLINE_WORDS = 20


def non_article_reason(
    raw_text: str, clean_text: str, title: str | None, min_words: int
) -> tuple[str, str] | None:
    """(rule, reason) when a text is not an article, else None; see the module docstring."""
    words = len(raw_text.split())
    if words <= _MAX_NOTICE_WORDS:
        notice = _PLATFORM.search(raw_text)
        if notice:
            return "platform", f"is a platform notice, not an article ({notice.group()!r})"
        if len(_WEATHER.findall(raw_text)) >= 2:
            return "weather", "is a weather widget (forecast highs, lows, winds), not an article"
        lines = [line.strip() for line in raw_text.splitlines() if line.strip()]
        widgets = [line for line in lines if _WIDGET_LINE.match(line)]
        rest = [line for line in lines if not _WIDGET_LINE.match(line)]
        if widgets and len(rest) <= 1 and len(" ".join(rest).split()) <= _MAX_HEADLINE_WORDS:
            shown = ", ".join(repr(w) for w in widgets[:3])
            return "widget", f"is player or button text ({shown}), not an article"
    headline_item = _is_headline_item(raw_text, title) or _is_headline_item(clean_text, title)
    if len(clean_text.split()) < min_words and not headline_item:
        return (
            "too short",
            f"has {len(clean_text.split())} words, fewer than the {min_words} an article needs",
        )
    return None


def _is_headline_item(text: str, title: str | None) -> bool:
    return bool(title) and normalize_line(text) == normalize_line(title or "")
