"""SqliteStore: the default Store, one SQLite file in WAL mode with an FTS5 index.

Why SQLite: it ships with Python, needs no server, gives crash-safe transactions (WAL) and a
full-text index (FTS5, BM25 ranking) in the same file. benchmarks/store_benchmark.py measures
it beside DuckDB on the same articles.

Schema changes are `MIGRATIONS`: migration n (1-based) brings a file from version n-1 to n.
Opening a file runs the pending ones in a single transaction (as sqlite-utils
`sqlite_utils/migrations.py`), so an upgrade either completes or leaves the file as it was;
the version lives in SQLite's `PRAGMA user_version`. Two processes opening a new file at
once are safe: the version is read again after the write lock is taken, so the second one
finds the work done instead of creating the tables twice.

Search is bounded: a query keeps its first `search_max_terms` distinct words, and a progress
handler interrupts SQLite past `search_budget_seconds` or when the caller says it gave up.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.errors import QueryInterrupted, StoreError
from storyline.records import (
    Analysis,
    Article,
    Quarantined,
    RawInput,
    SearchHit,
    StoredArticle,
)
from storyline.settings import Settings
from storyline.store.analyses import analysis_from_json, analysis_to_json
from storyline.store.base import content_sha256, search_terms
from storyline.store.sqlite_schema import MIGRATIONS

_SETTINGS = Settings()
# SQLite virtual-machine steps between two checks of the time budget. An FTS5 step can be
# long: with a 1 s budget, the repeated-word query (50 words, 10k-article store)
# stopped at 1.87 s checking every 1,000 steps, 1.41 s every 100, 1.12 s every 10 (2,300
# checks a second, each a trivial Python call).
_PROGRESS_STEPS = 20
_TOKEN = re.compile(r"\w+")


_ARTICLE_COLUMNS = (
    "article_id, source, title, outlet, published_at, author, url, wire, degraded, text, "
    "removed_lines, provenance, warnings, language, repair_confidences"
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class SqliteStore:
    """The Store protocol over one SQLite file (see the module docstring).

    >>> store = SqliteStore(":memory:")
    >>> store.count()
    0
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._depth = 0
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path}: cannot open the store ({exc}; is the folder writable?)"
            ) from exc
        try:
            self._db.execute("PRAGMA busy_timeout = 5000")
            # WAL: readers never block the writer and a crash mid-transaction leaves the
            # last committed state; NORMAL sync is crash-safe in WAL mode (SQLite docs, "WAL").
            self._enter_wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self.schema_version = self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(
                f"{self.path}: not a Storyline store ({exc}); pass --db a new file name or an "
                "existing Storyline database"
            ) from exc
        except StoreError:
            self._db.close()
            raise

    def _enter_wal(self, wait_s: float = 5.0) -> None:
        """Switch to WAL, waiting while another process holds a new file's first lock.

        Changing the journal mode answers SQLITE_BUSY at once (the busy timeout is not
        consulted) while a second process is creating the same new store, so two ingests
        started together on a new file would fail; retry for up to `wait_s`.
        """
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> int:
        """Run pending migrations in one transaction; refuse files newer than this code."""
        current = self._db.execute("PRAGMA user_version").fetchone()[0]
        known = len(MIGRATIONS)
        if current > known:
            raise StoreError(
                f"{self.path}: store schema version {current} is newer than this Storyline "
                f"knows (up to {known}); upgrade storyline to open it (the file was left untouched)"
            )
        if current == known:
            return current
        try:
            self._db.execute("BEGIN IMMEDIATE")
            # Another process may have migrated while this one waited for the lock.
            current = self._db.execute("PRAGMA user_version").fetchone()[0]
            for version in range(current + 1, known + 1):
                for statement in MIGRATIONS[version - 1]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version}")
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(
                f"{self.path}: upgrading the store from schema version {current} to {known} "
                f"failed ({exc}); the file was left at its old version"
            ) from exc
        return known

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all; nested uses join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot start a write ({exc})") from exc
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: the batch could not be committed ({exc})") from exc

    # -- writing ---------------------------------------------------------------------------

    def add_articles(
        self, articles: Sequence[Article], raws: Sequence[RawInput | None] | None = None
    ) -> list[StoredArticle]:
        if raws is not None and len(raws) != len(articles):
            raise StoreError("add_articles: raws must be None or one per article")
        outcomes = []
        with self.transaction():
            for index, article in enumerate(articles):
                raw = raws[index] if raws is not None else None
                outcomes.append(self._add_article(article, raw))
        return outcomes

    def _add_article(self, article: Article, raw: RawInput | None) -> StoredArticle:
        digest = content_sha256(article.text)
        outlet_key = (article.outlet or "").casefold()
        row = self._db.execute(
            "SELECT article_id FROM articles WHERE article_id = ? "
            "UNION ALL SELECT article_id FROM articles WHERE content_sha256 = ? AND outlet_key = ? "
            "UNION ALL SELECT article_id FROM articles WHERE url = ? "
            "UNION ALL SELECT article_id FROM articles WHERE raw_sha256 = ? LIMIT 1",
            (article.article_id, digest, outlet_key, article.url, raw.sha256 if raw else None),
        ).fetchone()
        if row:
            return StoredArticle(row[0], article.source, "already stored")
        raw_sha256 = self._add_raw(raw) if raw is not None else None
        self._db.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}, content_sha256, outlet_key, "
            "ingested_at, raw_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.article_id,
                article.source,
                article.title,
                article.outlet,
                article.published_at.astimezone(UTC).isoformat() if article.published_at else None,
                article.author,
                article.url,
                article.wire,
                int(article.degraded),
                article.text,
                json.dumps(list(article.removed_lines), ensure_ascii=False),
                json.dumps([list(p) for p in article.provenance], ensure_ascii=False),
                json.dumps(list(article.warnings), ensure_ascii=False),
                article.language,
                json.dumps([list(span) for span in article.repair_confidences]),
                digest,
                outlet_key,
                _now(),
                raw_sha256,
            ),
        )
        return StoredArticle(article.article_id, article.source, "added")

    def _add_raw(self, raw: RawInput) -> str:
        self._db.execute(
            "INSERT OR IGNORE INTO raw_inputs (sha256, format, source, content, stored_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (raw.sha256, raw.format, raw.source, raw.content, _now()),
        )
        return raw.sha256

    def add_quarantined(
        self, items: Sequence[Quarantined], raws: Sequence[RawInput | None] | None = None
    ) -> int:
        if raws is not None and len(raws) != len(items):
            raise StoreError("add_quarantined: raws must be None or one per item")
        added = 0
        with self.transaction():
            for index, item in enumerate(items):
                raw = raws[index] if raws is not None else None
                raw_sha256 = item.raw_sha256
                if raw is not None:
                    raw_sha256 = self._add_raw(raw)
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO quarantine "
                    "(source, stage, error, raw_sha256, quarantined_at) VALUES (?, ?, ?, ?, ?)",
                    (item.source, item.stage, item.error, raw_sha256, _now()),
                )
                added += cursor.rowcount
        return added

    def set_state(self, key: str, value: Any) -> None:
        try:
            encoded = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"{self.path}: state {key!r} is not JSON-serialisable ({exc}); store plain dicts, "
                "lists, strings and numbers"
            ) from exc
        with self.transaction():
            self._db.execute(
                "INSERT INTO state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, encoded, _now()),
            )

    def add_analyses(self, analyses: Sequence[Analysis]) -> None:
        """Store (or replace) each article's analysis."""
        rows = [
            (a.article_id, a.text_sha256, a.model, analysis_to_json(a), _now()) for a in analyses
        ]
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO analyses "
                "(article_id, text_sha256, model, data, analysed_at) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    # -- reading ---------------------------------------------------------------------------

    def get_analyses(
        self, keys: Sequence[str], model: str, *, by: str = "article_id"
    ) -> dict[str, Analysis]:
        """Stored analyses made by `model`, keyed by article id (or by text hash with
        `by="text_sha256"`, to find an exact copy's)."""
        if by not in ("article_id", "text_sha256"):
            raise StoreError(f"get_analyses: by must be article_id or text_sha256, not {by!r}")
        found: dict[str, Analysis] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ", ".join("?" * len(part))
            for key, data in self._db.execute(
                f"SELECT {by}, data FROM analyses WHERE {by} IN ({marks}) AND model = ?",
                (*part, model),
            ):
                found.setdefault(key, analysis_from_json(data))
        return found

    def get_article(self, article_id: str) -> Article | None:
        row = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return _article(row) if row else None

    def article_for_raw(self, raw_sha256: str) -> str | None:
        row = self._db.execute(
            "SELECT article_id FROM articles WHERE raw_sha256 = ? LIMIT 1", (raw_sha256,)
        ).fetchone()
        return row[0] if row else None

    def get_raw(self, article_id: str) -> RawInput | None:
        row = self._db.execute(
            "SELECT r.source, r.format, r.content, r.sha256 FROM articles a "
            "JOIN raw_inputs r ON r.sha256 = a.raw_sha256 WHERE a.article_id = ?",
            (article_id,),
        ).fetchone()
        return RawInput(row[0], row[1], bytes(row[2]), row[3]) if row else None

    def iter_articles(
        self,
        since: datetime | None = None,
        *,
        outlet: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> Iterator[Article]:
        clauses, params = [], []
        if since is not None:
            clauses.append("ingested_at >= ?")
            params.append(since.astimezone(UTC).isoformat(timespec="microseconds"))
        if outlet is not None:
            clauses.append("outlet_key = ?")
            params.append(outlet.casefold())
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self._db.execute(sql, params).fetchall():
            yield _article(row)

    def articles_after(self, seq: int, limit: int | None = None) -> list[tuple[int, Article]]:
        rows = self._db.execute(
            f"SELECT seq, {_ARTICLE_COLUMNS} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, -1 if limit is None else limit),
        ).fetchall()
        return [(row[0], _article(row[1:])) for row in rows]

    def set_story_members(
        self, rows: Sequence[tuple[str, int, int]], replace: bool = False
    ) -> None:
        with self.transaction():
            if replace:
                self._db.execute("DELETE FROM story_members")
            self._db.executemany(
                "INSERT INTO story_members (article_id, position, story_id) VALUES (?, ?, ?) "
                "ON CONFLICT(article_id) DO UPDATE SET position = excluded.position, "
                "story_id = excluded.story_id",
                rows,
            )

    def story_members(self) -> list[tuple[str, int]]:
        return self._db.execute(
            "SELECT article_id, story_id FROM story_members ORDER BY position"
        ).fetchall()

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        budget_seconds: float | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[SearchHit]:
        """Best matches first. Raises QueryInterrupted past `budget_seconds` (default
        `Settings.search_budget_seconds`) or as soon as `cancelled()` is true."""
        match = _fts_query(query)
        if not match:
            return []
        budget = _SETTINGS.search_budget_seconds if budget_seconds is None else budget_seconds
        with self._bounded(budget, cancelled, f"search for {query[:80]!r}"):
            rows = self._db.execute(
                "SELECT a.article_id, a.title, snippet(articles_fts, 1, '[', ']', '…', 16), "
                "bm25(articles_fts) FROM articles_fts "
                "JOIN articles a ON a.seq = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
        return [SearchHit(r[0], r[1], r[2], -r[3]) for r in rows]

    def search_cost(self, query: str) -> int:
        """Occurrences of the query's words in the index: what a search has to read.

        A look-up in the index's vocabulary (under a millisecond), so a server can tell a
        query of rare words from one of the commonest words before running it.
        """
        tokens = sorted({t for word in search_terms(query) for t in _tokens(word)})
        if not tokens:
            return 0
        row = self._db.execute(
            f"SELECT coalesce(sum(cnt), 0) FROM articles_vocab "
            f"WHERE term IN ({', '.join('?' * len(tokens))})",
            tokens,
        ).fetchone()
        return int(row[0])

    @contextmanager
    def _bounded(
        self, budget: float, cancelled: Callable[[], bool] | None, what: str
    ) -> Iterator[None]:
        """Interrupt the statements inside past `budget` seconds or once `cancelled()`."""
        deadline = time.monotonic() + budget
        stopped: list[str] = []

        def progress() -> int:
            if cancelled is not None and cancelled():
                stopped.append("the client went away")
            elif time.monotonic() > deadline:
                stopped.append(f"it ran past its {budget:g} s budget")
            return 1 if stopped else 0

        self._db.set_progress_handler(progress, _PROGRESS_STEPS)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if stopped:
                raise QueryInterrupted(f"{what} was stopped: {stopped[0]}") from exc
            raise StoreError(f"{self.path}: {what} failed ({exc})") from exc
        finally:
            self._db.set_progress_handler(None, 0)

    def quarantined(self) -> list[Quarantined]:
        rows = self._db.execute(
            "SELECT source, stage, error, raw_sha256 FROM quarantine ORDER BY id"
        ).fetchall()
        return [Quarantined(*row) for row in rows]

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def get_state(self, key: str) -> Any | None:
        row = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def state_updated_at(self, key: str) -> str | None:
        row = self._db.execute(
            "SELECT updated_at FROM state INDEXED BY state_saved WHERE key = ?", (key,)
        ).fetchone()
        return row[0] if row else None


def _tokens(word: str) -> list[str]:
    """The index's tokens of one word (unicode61 with diacritics removed, lower case)."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(ch)
    )
    return _TOKEN.findall(plain)


def _fts_query(query: str) -> str:
    """Quote each word so user text ("U.S.", "don't", "AND") is never FTS5 syntax."""
    return " ".join(f'"{w}"' for w in search_terms(query))


def _article(row: tuple) -> Article:
    published = datetime.fromisoformat(row[4]) if row[4] else None
    return Article(
        article_id=row[0],
        source=row[1],
        title=row[2],
        outlet=row[3],
        published_at=published.astimezone(UTC) if published else None,
        author=row[5],
        url=row[6],
        wire=row[7],
        degraded=bool(row[8]),
        text=row[9],
        removed_lines=tuple(json.loads(row[10])),
        provenance=tuple(tuple(p) for p in json.loads(row[11])),
        warnings=tuple(json.loads(row[12])),
        language=row[13],
        repair_confidences=tuple(
            (int(start), int(end), float(c)) for start, end, c in json.loads(row[14])
        ),
    )
