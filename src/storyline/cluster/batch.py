"""Story assignment for articles, and batch re-clustering after a settings change.

`assign_stories` feeds articles to an `OnlineClusterer` in publication order and returns
the stories. `recluster` runs the whole history again with new settings and maps the new
stories onto the old ids (each old id goes to the new story holding most of its
articles), recording merges and splits as `StoryEvent`s instead of renumbering.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from storyline.cluster.online import OnlineClusterer, resolve_embedder
from storyline.embed.base import Embedder
from storyline.records import Article, Story, StoryEvent


def _reading_order(article: Article) -> tuple:
    when = article.published_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when is not None, when or datetime.min.replace(tzinfo=UTC), article.article_id)


def article_text(article: Article) -> str:
    """What the clusterer reads: the headline (when known) then the text."""
    return f"{article.title}\n{article.text}" if article.title else article.text


def assign_stories(
    articles: Sequence[Article],
    clusterer: OnlineClusterer | None = None,
    embedder: Embedder | str | None = "auto",
    progress: Callable[[str, int, int], None] | None = None,
    **settings,
) -> tuple[OnlineClusterer, list[Story]]:
    """Add `articles` (sorted by publication time, undated first) to `clusterer`.

    A new clusterer is made from `embedder` and `settings` when none is given; ids of
    articles it has already seen are skipped, so re-running a batch is harmless.

    >>> clusterer, stories = assign_stories(articles)  # doctest: +SKIP
    >>> clusterer, stories = assign_stories(more_articles, clusterer)  # doctest: +SKIP
    """
    if clusterer is None:
        clusterer = OnlineClusterer(embedder=resolve_embedder(embedder), **settings)
    seen = set(clusterer.article_ids_)
    fresh = sorted((a for a in articles if a.article_id not in seen), key=_reading_order)
    if not fresh:
        return clusterer, clusterer.stories()
    clusterer.partial_fit(
        [article_text(a) for a in fresh],
        [a.published_at for a in fresh],
        article_ids=[a.article_id for a in fresh],
        headlines=[a.title for a in fresh],
        outlets=[a.outlet for a in fresh],
        progress=progress,
    )
    return clusterer, clusterer.stories()


def recluster(
    articles: Sequence[Article],
    previous: OnlineClusterer | None = None,
    embedder: Embedder | str | None = "auto",
    progress: Callable[[str, int, int], None] | None = None,
    **settings,
) -> tuple[OnlineClusterer, dict[str, int], list[StoryEvent]]:
    """Cluster all `articles` again with `settings`; keep old story ids where possible.

    Returns the new clusterer, the story id of every article (old ids reused) and the
    merge/split events between the previous and the new stories.
    """
    clusterer, _ = assign_stories(articles, None, embedder, progress, **settings)
    new_of = dict(zip(clusterer.article_ids_, clusterer.resolved_labels(), strict=True))
    if previous is None:
        return clusterer, new_of, []
    old_of = dict(zip(previous.article_ids_, previous.resolved_labels(), strict=True))
    stories, events = map_story_ids(old_of, new_of)
    return clusterer, stories, events


def map_story_ids(
    old_of: dict[str, int], new_of: dict[str, int]
) -> tuple[dict[str, int], list[StoryEvent]]:
    """Rename new clusters to old story ids by overlap; list the merges and splits.

    Greedy matching by decreasing overlap: each old id is given to at most one new
    cluster and each new cluster takes at most one old id; the rest get fresh ids above
    every old one.
    """
    overlap = Counter((new_of[a], old_of[a]) for a in new_of if a in old_of)
    renamed: dict[int, int] = {}
    used: set[int] = set()
    for (new, old), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if new not in renamed and old not in used:
            renamed[new] = old
            used.add(old)
    next_id = max([*old_of.values(), -1]) + 1
    for new in sorted(set(new_of.values())):
        if new not in renamed:
            renamed[new] = next_id
            next_id += 1
    stories = {a: renamed[n] for a, n in new_of.items()}
    events: list[StoryEvent] = []
    sources: dict[int, set[int]] = {}
    targets: dict[int, set[int]] = {}
    for article, story in stories.items():
        if article in old_of:
            sources.setdefault(story, set()).add(old_of[article])
            targets.setdefault(old_of[article], set()).add(story)
    for old, news in sorted(targets.items()):
        if len(news) > 1:
            events.append(StoryEvent("split", story_id=old, to_ids=tuple(sorted(news - {old}))))
    for new, olds in sorted(sources.items()):
        if len(olds) > 1:
            events.append(StoryEvent("merge", story_id=new, from_ids=tuple(sorted(olds - {new}))))
    return stories, events
