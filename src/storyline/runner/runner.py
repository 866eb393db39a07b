"""Runner: the one orchestrator of Storyline's stages, run in order like spaCy's `Language`.

    read -> clean -> metadata -> reprints -> analyse -> embed -> cluster -> brief

`read`, `clean` and `metadata` turn inputs into Articles (`clean.clean_documents` finds the
metadata while it cleans, so those two run as one call); `reprints` groups copies; `analyse`
gives each article an Analysis, once: stored analyses are reused, an exact copy reuses its
original's, and the rest run in-process or on a process pool (`workers`); `embed` and
`cluster` run inside story tracking (`tracking.track_stories`); `brief` builds a Briefing
from stored analyses with no spaCy. Every per-article stage goes through the error handler
(`runner.errors`): a failing article is quarantined with the stage named, the rest go on.

>>> with Runner(Settings(), workers=2) as runner:  # doctest: +SKIP
...     briefing = runner.brief_paths(["articles/"])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from storyline.records import Analysis, Article, Briefing, Quarantined
from storyline.runner.analyse import Analyser, analysis_model, reuse, text_sha256
from storyline.runner.errors import failure
from storyline.settings import Settings

STAGES = ("read", "clean", "metadata", "reprints", "analyse", "embed", "cluster", "brief")

Progress = Callable[[Iterable, str, int | None], Iterable]

# Below this many articles to analyse a pool costs more than it saves: each worker loads
# spaCy (about 1-2 s) before its first article, and one core analyses ~8 articles/s.
_MIN_POOL_ARTICLES = 64


def _no_progress(items: Iterable, description: str, total: int | None) -> Iterable:
    return items


class Runner:
    """Runs the stages for `brief`, `ingest`, `cluster` and `serve`; holds the settings, the
    analyse stage and (once needed) its process pool. Close it, or use it as a context.

    `pool_factory(analyser)` builds the pool of workers that run the per-article stages
    (default: `runner.pool.AnalysisPool`, processes on this machine; the Ray engine passes
    actors on a cluster); it needs `workers`, `chunk_size`, `start`, `map`, `embed`, `close`.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        workers: int = 1,
        progress: Progress = _no_progress,
        pool_factory: Callable | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.workers = max(1, workers)
        self.progress = progress
        self.analyser = Analyser(self.settings.spacy_model)
        self._pool_factory = pool_factory
        self._pool = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    # -- read, clean, metadata -------------------------------------------------------------

    def read(self, paths: Iterable[str | Path]) -> tuple[list[Article], list[Quarantined]]:
        """Read and clean every article under `paths`; return them with what was quarantined."""
        from storyline.clean.article import clean_documents
        from storyline.ingest import read_inputs

        settings = self.settings
        raws, quarantined = [], []
        for item in read_inputs(paths, settings.max_input_bytes):
            (quarantined if isinstance(item, Quarantined) else raws).append(item)
        try:
            articles = clean_documents(
                raws, settings.min_furniture_repeats, settings.max_article_chars
            )
        except Exception:  # noqa: BLE001 - retry one by one so only the culprit is quarantined
            articles = []
            for raw in raws:
                try:
                    articles += clean_documents(
                        [raw], settings.min_furniture_repeats, settings.max_article_chars
                    )
                except Exception as exc:  # noqa: BLE001 - the error handler: quarantine, go on
                    quarantined.append(failure(raw.source, "clean", exc))
        return list(articles), quarantined

    # -- analyse ---------------------------------------------------------------------------

    def analyse(
        self, articles: Sequence[Article], store=None
    ) -> tuple[dict[str, Analysis], list[Quarantined]]:
        """Each article's Analysis, by id, and the articles that failed (stage named).

        With a `store`: analyses stored for these articles (or for an exact copy with the
        same date) are reused, and new ones are stored. Stores without an `analyses` table
        (a third-party backend) are analysed afresh each time.
        """
        tag = analysis_model(self.settings.spacy_model)
        get = getattr(store, "get_analyses", None)
        done: dict[str, Analysis] = {}
        if get is not None:
            stored = get([a.article_id for a in articles], tag)
            for article in articles:
                if (found := stored.get(article.article_id)) and reuse(found, article):
                    done[article.article_id] = found
        # The rest, one analysis per (exact text, date): copies reuse the first one's.
        todo: dict[tuple, list[Article]] = {}
        for article in articles:
            if article.article_id not in done:
                key = (text_sha256(article.text), article.published_on)
                todo.setdefault(key, []).append(article)
        firsts: dict[tuple, Analysis | Quarantined] = {}
        if todo and get is not None:
            by_text = get([key[0] for key in todo], tag, by="text_sha256")
            for key, group in todo.items():
                if (found := by_text.get(key[0])) and reuse(found, group[0]):
                    firsts[key] = found
        pending = [group[0] for key, group in todo.items() if key not in firsts]
        for article, result in zip(pending, self._analyse_each(pending), strict=True):
            firsts[(text_sha256(article.text), article.published_on)] = result
        new: list[Analysis] = []
        quarantined: list[Quarantined] = []
        for key, group in todo.items():
            result = firsts[key]
            for article in group:
                if isinstance(result, Quarantined):
                    quarantined.append(_for(result, article))
                    continue
                analysis = reuse(result, article)
                assert analysis is not None  # same text and date, by construction of `todo`
                done[article.article_id] = analysis
                new.append(analysis)
        if new and store is not None and hasattr(store, "add_analyses"):
            store.add_analyses(new)
        return done, quarantined

    def pool(self):
        """The pool of `workers` analysers, made on first use (None for one local worker)."""
        if (self.workers > 1 or self._pool_factory is not None) and self._pool is None:
            if self._pool_factory is not None:
                self._pool = self._pool_factory(self.analyser)
            else:
                from storyline.runner.pool import AnalysisPool

                self._pool = AnalysisPool(self.analyser, self.workers)
        return self._pool

    def _analyse_each(self, articles: Sequence[Article]) -> list[Analysis | Quarantined]:
        """Run the analyse stage over `articles`, on the pool when there are enough."""
        # A given pool (a cluster's) is always used: its workers are the point of it.
        if self._pool_factory is not None or (
            self.workers > 1 and len(articles) >= _MIN_POOL_ARTICLES
        ):
            pool = self.pool()
            chunks = pool.map(articles)
            size = pool.chunk_size
        else:
            size = 32
            chunks = (self.analyser(articles[i : i + size]) for i in range(0, len(articles), size))
        total = -(-len(articles) // size)
        results: list[Analysis | Quarantined] = []
        for chunk in self.progress(chunks, "Analysing articles", total):
            results += chunk
        return results

    # -- reprints, brief -------------------------------------------------------------------

    def brief(
        self,
        articles: Sequence[Article],
        quarantined: Sequence[Quarantined] = (),
        since: date | None = None,
        store=None,
    ) -> Briefing:
        """The briefing of one story's articles, from stored analyses where `store` has them."""
        from storyline.pipeline import brief_from_analyses

        return brief_from_analyses(
            articles,
            lambda distinct: self.analyse(distinct, store),
            self.settings,
            quarantined,
            since,
        )

    def brief_paths(self, paths: Iterable[str | Path], since: date | None = None) -> Briefing:
        """Read, clean, deduplicate, analyse and brief every article under `paths`."""
        articles, quarantined = self.read(paths)
        return self.brief(articles, quarantined, since)

    # -- ingest, cluster -------------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path], store, **options):
        """Read, clean, store and analyse (see `ingest.run.ingest_paths`)."""
        from storyline.ingest.run import ingest_paths

        return ingest_paths(paths, store, self.settings, self.progress, runner=self, **options)

    def embedder(self, local):
        """`local` with its rows computed on the pool's workers when there is a pool and
        `local` is the packaged MiniLM (a registry name the workers rebuild exactly)."""
        if local is None or self.pool() is None or getattr(local, "name", None) != "minilm":
            return local
        from storyline.runner.pool import PoolEmbedder

        return PoolEmbedder(self.pool(), local)

    def cluster(self, store, progress=None) -> list:
        """Embed (on the pool's workers) and cluster what the store holds that no story has
        yet; assignment itself is one ordered consumer, here."""
        from storyline.cluster.online import resolve_embedder
        from storyline.tracking import track_stories

        embedder = self.embedder(resolve_embedder(self.settings.cluster_embedder))
        return track_stories(store, embedder, progress)


def _for(item: Quarantined, article: Article) -> Quarantined:
    """The quarantine record of a failed analysis, under the copy that shares its text."""
    if item.source == article.source:
        return item
    return Quarantined(article.source, item.stage, item.error.replace(item.source, article.source))
