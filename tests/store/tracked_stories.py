"""Two small stories (a dam inspection, a ferry timetable) written as hourly articles, shared
by the story-tracking tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from storyline.records import Article

DAM = [
    "Inspectors found cracks in the concrete spillway of the Marrow Falls dam on Thursday.",
    "The Marrow Falls dam spillway cracks force the water board to lower the reservoir.",
    "Divers inspect the cracked spillway of the Marrow Falls dam as the reservoir drops.",
]
FERRY = [
    "The Heron Island ferry resumed sailing on Wednesday after a winter pause.",
    "Passengers crowd the Heron Island ferry on the first sailing after the winter pause.",
    "The Heron Island ferry timetable adds a late sailing after the winter pause.",
]


def hourly_articles(prefix: str, texts: list[str], start: datetime) -> list[Article]:
    """One article per text, an hour apart from `start`, ids `prefix0`, `prefix1`, ..."""
    return [
        Article(
            article_id=f"{prefix}{i}",
            text=text,
            source=f"{prefix}{i}.txt",
            title=text[:40],
            outlet=f"Outlet {i}",
            published_at=start + timedelta(hours=i),
        )
        for i, text in enumerate(texts)
    ]
