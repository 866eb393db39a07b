"""PostgresStore: the Store protocol over a PostgreSQL database, shared by many writers.

Why PostgreSQL: when several ingest workers, trackers and `storyline serve` processes on
several machines share one store, SQLite's single-file writer lock and local-disk WAL no longer
fit. The schema mirrors SqliteStore's (same keys, same outcomes); what differs is how the
promises are kept under concurrency:

- Articles: unique indexes on id, (content hash, outlet), URL and raw-input hash, and every
  insert is `INSERT ... ON CONFLICT DO NOTHING`. Two writers storing the same article at once
  both end with one row: the second waits for the first to commit, then sees it ("already
  stored"). Nothing is lost or stored twice (tests/store: concurrent processes).
- State: reading or writing a state key inside `transaction()` takes a transaction-scoped
  advisory lock on that key, so a read-check-write (`save_state_if_unchanged`) is atomic, as
  SQLite's BEGIN IMMEDIATE makes it for the whole file; no clusterer update is lost.
- Migrations: `MIGRATIONS` run in one transaction under an advisory lock, so two processes
  opening a new database at once cannot both create the tables; the version is stored in the
  `storyline_schema` table. PostgreSQL DDL is transactional: a failed upgrade leaves the old
  version intact.
- Search: a `tsvector` column (title weight A, text weight B, the 'simple' configuration over
  accent-folded text: no stemming or stop words, as SQLite's unicode61 tokenizer) with a GIN
  index, ranked by `ts_rank`, snippets by `ts_headline`.

PostgreSQL text cannot hold U+0000; an article containing it is refused with a StoreError.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from storyline.errors import BackendUnavailable, QueryInterrupted, StoreError
from storyline.metadata.language import detect_language
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
from storyline.store.pg_schema import MIGRATIONS

# Advisory-lock keys (any 64-bit number unique to Storyline): one for migrations; state keys
# lock hashtext(key) in a second namespace via the two-int form.
_MIGRATION_LOCK = 0x5370_7279_6C6E  # "Storyln"
_STATE_LOCK_SPACE = 0x5354  # "ST"
# Article inserts hold this lock to their commit, so `seq` order is commit order and a
# tracker that reads `seq > position` never skips a row that commits later with a lower
# seq (identity values are handed out before commit, in no commit order).
_ARTICLE_LOCK = 0x5370_7279_6C41  # "StrylA"


_ARTICLE_COLUMNS = (
    "article_id, source, title, outlet, published_at, author, url, wire, degraded, text, "
    "removed_lines, provenance, warnings, repair_confidences"
)
_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', %(title_folded)s), 'A') || "
    "setweight(to_tsvector('simple', %(text_folded)s), 'B')"
)
_HEADLINE = "StartSel=[, StopSel=], MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…"
_SCHEME = re.compile(r"^postgres(ql)?:/+", re.IGNORECASE)


def is_postgres_url(value: object) -> bool:
    """True for a `postgresql://` or `postgres://` URL (also after Path collapsed its '//')."""
    return bool(_SCHEME.match(str(value)))


def normalise_url(value: object) -> str:
    """The URL with exactly two slashes after the scheme (`Path` turns '//' into '/')."""
    text = str(value)
    return _SCHEME.sub("postgresql://", text, count=1)


def redact(url: str) -> str:
    """The URL without its password, for messages and `store.path`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def fold(text: str | None) -> str:
    """Lower case without accents ('Café' -> 'cafe'): what the search column and queries use."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _import_psycopg():
    try:
        import psycopg
    except ImportError as exc:
        raise BackendUnavailable(
            "the PostgreSQL store needs psycopg 3: pip install 'storyline[postgres]'"
        ) from exc
    return psycopg


class PostgresStore:
    """The Store protocol over one PostgreSQL database (see the module docstring).

    >>> store = PostgresStore("postgresql://storyline@db.example/news")  # doctest: +SKIP
    >>> store.count()  # doctest: +SKIP
    0
    """

    def __init__(self, url: str) -> None:
        psycopg = _import_psycopg()
        self._psycopg = psycopg
        url = normalise_url(url)
        self.path = redact(url)
        self._depth = 0
        self._locked_keys: set[str] = set()
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"{self.path}: cannot connect to PostgreSQL ({str(exc).strip()}); is the server "
                "running, and does the database exist (createdb NAME)?"
            ) from exc
        try:
            self.schema_version = self._migrate()
        except BaseException:
            self._db.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _migrate(self) -> int:
        """Run pending migrations in one locked transaction; refuse databases newer than us."""
        known = len(MIGRATIONS)
        current = 0
        try:
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS storyline_schema (version INTEGER NOT NULL)"
                )
                row = self._db.execute("SELECT max(version) FROM storyline_schema").fetchone()
                current = row[0] or 0
                if current > known:
                    raise StoreError(
                        f"{self.path}: store schema version {current} is newer than this "
                        f"Storyline knows (up to {known}); upgrade storyline to open it (the "
                        "database was left untouched)"
                    )
                for version in range(current + 1, known + 1):
                    for statement in MIGRATIONS[version - 1]:
                        self._db.execute(statement)
                    self._db.execute("DELETE FROM storyline_schema")
                    self._db.execute("INSERT INTO storyline_schema VALUES (%s)", (version,))
        except self._psycopg.Error as exc:
            raise StoreError(
                f"{self.path}: upgrading the store from schema version {current} to {known} "
                f"failed ({str(exc).strip()}); the database was left at its old version"
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
        self._depth = 1
        try:
            with self._db.transaction():
                yield
        except self._psycopg.Error as exc:
            raise StoreError(f"{self.path}: the batch could not be committed ({exc})") from exc
        finally:
            self._depth = 0
            self._locked_keys.clear()

    # -- writing ---------------------------------------------------------------------------

    def add_articles(
        self, articles: Sequence[Article], raws: Sequence[RawInput | None] | None = None
    ) -> list[StoredArticle]:
        if raws is not None and len(raws) != len(articles):
            raise StoreError("add_articles: raws must be None or one per article")
        outcomes = []
        with self.transaction():
            if articles:
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (_ARTICLE_LOCK,))
            for index, article in enumerate(articles):
                raw = raws[index] if raws is not None else None
                outcomes.append(self._add_article(article, raw))
        return outcomes

    def _existing(self, article: Article, digest: str, outlet_key: str, raw_sha: str | None):
        return self._db.execute(
            "SELECT article_id FROM articles WHERE article_id = %s "
            "UNION ALL SELECT article_id FROM articles WHERE content_sha256 = %s "
            "AND outlet_key = %s UNION ALL SELECT article_id FROM articles WHERE url = %s "
            "UNION ALL SELECT article_id FROM articles WHERE raw_sha256 = %s LIMIT 1",
            (article.article_id, digest, outlet_key, article.url, raw_sha),
        ).fetchone()

    def _add_article(self, article: Article, raw: RawInput | None) -> StoredArticle:
        digest = content_sha256(article.text)
        outlet_key = (article.outlet or "").casefold()
        raw_sha = raw.sha256 if raw is not None else None
        row = self._existing(article, digest, outlet_key, raw_sha)
        if row:
            return StoredArticle(row[0], article.source, "already stored")
        values = {
            "article_id": article.article_id,
            "source": article.source,
            "title": article.title,
            "outlet": article.outlet,
            "published_at": article.published_at.astimezone(UTC) if article.published_at else None,
            "author": article.author,
            "url": article.url,
            "wire": article.wire,
            "degraded": bool(article.degraded),
            "text": article.text,
            "removed_lines": json.dumps(list(article.removed_lines), ensure_ascii=False),
            "provenance": json.dumps([list(p) for p in article.provenance], ensure_ascii=False),
            "warnings": json.dumps(list(article.warnings), ensure_ascii=False),
            "repair_confidences": json.dumps([list(span) for span in article.repair_confidences]),
            "content_sha256": digest,
            "outlet_key": outlet_key,
            "ingested_at": datetime.now(UTC),
            "raw_sha256": raw_sha,
            "language": detect_language(article.text),
            "title_folded": fold(article.title),
            "text_folded": fold(article.text),
        }
        _refuse_nul(article)
        # ON CONFLICT DO NOTHING with no target covers every unique index: a concurrent writer
        # that stored the same article first makes this insert a no-op, never an error.
        inserted = self._db.execute(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}, content_sha256, outlet_key, "
            "ingested_at, raw_sha256, language, search) VALUES (%(article_id)s, %(source)s, "
            "%(title)s, %(outlet)s, %(published_at)s, %(author)s, %(url)s, %(wire)s, "
            "%(degraded)s, %(text)s, %(removed_lines)s, %(provenance)s, %(warnings)s, "
            "%(repair_confidences)s, "
            "%(content_sha256)s, %(outlet_key)s, %(ingested_at)s, %(raw_sha256)s, "
            f"%(language)s, {_SEARCH_VECTOR}) ON CONFLICT DO NOTHING RETURNING article_id",
            values,
        ).fetchone()
        if inserted is None:
            row = self._existing(article, digest, outlet_key, raw_sha)
            return StoredArticle(
                row[0] if row else article.article_id, article.source, "already stored"
            )
        if raw is not None:
            self._add_raw(raw)
        return StoredArticle(article.article_id, article.source, "added")

    def _add_raw(self, raw: RawInput) -> str:
        self._db.execute(
            "INSERT INTO raw_inputs (sha256, format, source, content, stored_at) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (raw.sha256, raw.format, raw.source, raw.content, datetime.now(UTC)),
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
                    "INSERT INTO quarantine (source, stage, error, raw_sha256, quarantined_at) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (
                        _no_nul(item.source),
                        item.stage,
                        _no_nul(item.error),
                        raw_sha256,
                        datetime.now(UTC),
                    ),
                )
                added += cursor.rowcount
        return added

    def _lock_state(self, key: str) -> None:
        """Inside a transaction: hold `key`'s advisory lock until it ends (see module doc)."""
        if self._depth and key not in self._locked_keys:
            self._db.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_STATE_LOCK_SPACE, key)
            )
            self._locked_keys.add(key)

    def set_state(self, key: str, value: Any) -> None:
        try:
            encoded = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"{self.path}: state {key!r} is not JSON-serialisable ({exc}); store plain dicts, "
                "lists, strings and numbers"
            ) from exc
        with self.transaction():
            self._lock_state(key)
            self._db.execute(
                "INSERT INTO state (key, value, updated_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, _no_nul(encoded), _now()),
            )

    def add_analyses(self, analyses: Sequence[Analysis]) -> None:
        """Store (or replace) each article's analysis."""
        with self.transaction():
            for a in analyses:
                self._db.execute(
                    "INSERT INTO analyses (article_id, text_sha256, model, data, analysed_at) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                    "text_sha256 = excluded.text_sha256, model = excluded.model, "
                    "data = excluded.data, analysed_at = excluded.analysed_at",
                    (a.article_id, a.text_sha256, a.model, analysis_to_json(a), _now()),
                )

    # -- reading ---------------------------------------------------------------------------

    def get_analyses(
        self, keys: Sequence[str], model: str, *, by: str = "article_id"
    ) -> dict[str, Analysis]:
        """As SqliteStore.get_analyses: by article id, or by text hash for exact copies."""
        if by not in ("article_id", "text_sha256"):
            raise StoreError(f"get_analyses: by must be article_id or text_sha256, not {by!r}")
        found: dict[str, Analysis] = {}
        rows = self._db.execute(
            f"SELECT {by}, data FROM analyses WHERE {by} = ANY(%s) AND model = %s",
            (list(dict.fromkeys(keys)), model),
        )
        for key, data in rows:
            found.setdefault(key, analysis_from_json(data))
        return found

    def get_article(self, article_id: str) -> Article | None:
        row = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id = %s", (article_id,)
        ).fetchone()
        return _article(row) if row else None

    def article_for_raw(self, raw_sha256: str) -> str | None:
        row = self._db.execute(
            "SELECT article_id FROM articles WHERE raw_sha256 = %s LIMIT 1", (raw_sha256,)
        ).fetchone()
        return row[0] if row else None

    def get_raw(self, article_id: str) -> RawInput | None:
        row = self._db.execute(
            "SELECT r.source, r.format, r.content, r.sha256 FROM articles a "
            "JOIN raw_inputs r ON r.sha256 = a.raw_sha256 WHERE a.article_id = %s",
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
            clauses.append("ingested_at >= %s")
            params.append(since.astimezone(UTC))
        if outlet is not None:
            clauses.append("outlet_key = %s")
            params.append(outlet.casefold())
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY seq DESC" if newest_first else " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        for row in self._db.execute(sql, params).fetchall():
            yield _article(row)

    def articles_after(self, seq: int, limit: int | None = None) -> list[tuple[int, Article]]:
        rows = self._db.execute(
            f"SELECT seq, {_ARTICLE_COLUMNS} FROM articles WHERE seq > %s ORDER BY seq LIMIT %s",
            (seq, limit),
        ).fetchall()
        return [(row[0], _article(row[1:])) for row in rows]

    def set_story_members(
        self, rows: Sequence[tuple[str, int, int]], replace: bool = False
    ) -> None:
        with self.transaction():
            if replace:
                self._db.execute("DELETE FROM story_members")
            with self._db.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO story_members (article_id, position, story_id) "
                    "VALUES (%s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                    "position = excluded.position, story_id = excluded.story_id",
                    [tuple(row) for row in rows],
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
        """Best matches first; the server stops the query past `budget_seconds`.

        PostgreSQL cannot poll `cancelled` mid-query, so it is checked before the query;
        `statement_timeout` bounds the rest (QueryInterrupted, as in SQLite).
        """
        words = " ".join(search_terms(fold(query.replace("\x00", " "))))
        if not any(ch.isalnum() for ch in words):
            return []
        if cancelled is not None and cancelled():
            raise QueryInterrupted(f"search for {query[:80]!r} cancelled: the client left")
        budget = Settings().search_budget_seconds if budget_seconds is None else budget_seconds
        try:
            with self._db.transaction():
                self._db.execute(f"SET LOCAL statement_timeout = {max(1, int(budget * 1000))}")
                rows = self._ranked_hits(words, limit)
        except self._psycopg.errors.QueryCanceled as exc:
            raise QueryInterrupted(
                f"search for {query[:80]!r} stopped after its {budget:g} s budget"
            ) from exc
        return [SearchHit(r[0], r[1], r[2], float(r[3])) for r in rows]

    def search_cost(self, query: str) -> int:
        """Articles holding each of the query's words, summed (GIN index counts, no ranking)."""
        words = " ".join(search_terms(fold(query.replace("\x00", " "))))
        if not any(ch.isalnum() for ch in words):
            return 0
        return sum(
            self._db.execute(
                "SELECT count(*) FROM articles WHERE search @@ plainto_tsquery('simple', %s)",
                (word,),
            ).fetchone()[0]
            for word in words.split()
        )

    def _ranked_hits(self, words: str, limit: int) -> list[tuple]:
        # Rank in the inner query (GIN index, ts_rank) and build headlines only for the hits.
        return self._db.execute(
            "WITH q AS (SELECT plainto_tsquery('simple', %(words)s) AS query), "
            "hits AS (SELECT a.article_id, a.title, a.text, ts_rank(a.search, q.query) AS rank "
            "FROM articles a, q WHERE a.search @@ q.query ORDER BY rank DESC, a.seq LIMIT "
            "%(limit)s) SELECT hits.article_id, hits.title, ts_headline('simple', hits.text, "
            "q.query, %(options)s), hits.rank FROM hits, q ORDER BY hits.rank DESC",
            {"words": words, "limit": limit, "options": _HEADLINE},
        ).fetchall()

    def quarantined(self) -> list[Quarantined]:
        rows = self._db.execute(
            "SELECT source, stage, error, raw_sha256 FROM quarantine ORDER BY id"
        ).fetchall()
        return [Quarantined(*row) for row in rows]

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def get_state(self, key: str) -> Any | None:
        self._lock_state(key)
        row = self._db.execute("SELECT value FROM state WHERE key = %s", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def state_updated_at(self, key: str) -> str | None:
        self._lock_state(key)
        row = self._db.execute("SELECT updated_at FROM state WHERE key = %s", (key,)).fetchone()
        return row[0] if row else None


def _no_nul(text: str | None) -> str | None:
    """Quarantine reasons and sources must be kept: U+0000 is written as the text '\\x00'."""
    return text.replace("\x00", "\\x00") if text else text


def _refuse_nul(article: Article) -> None:
    fields = {
        "text": [article.text],
        "title": [article.title],
        "source": [article.source],
        "outlet": [article.outlet],
        "author": [article.author],
        "url": [article.url],
        "wire": [article.wire],
        "article_id": [article.article_id],
        "removed_lines": article.removed_lines,
        "warnings": article.warnings,
        "provenance": [part for pair in article.provenance for part in pair],
    }
    for name, values in fields.items():
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise StoreError(
                f"article {article.article_id!r} ({article.source}): field {name!r} holds a NUL "
                "character (U+0000), which PostgreSQL text cannot store; remove it before storing"
            )


def _article(row: tuple) -> Article:
    return Article(
        article_id=row[0],
        source=row[1],
        title=row[2],
        outlet=row[3],
        published_at=row[4].astimezone(UTC) if row[4] else None,
        author=row[5],
        url=row[6],
        wire=row[7],
        degraded=bool(row[8]),
        text=row[9],
        removed_lines=tuple(row[10]),
        provenance=tuple(tuple(p) for p in row[11]),
        warnings=tuple(row[12]),
        repair_confidences=tuple((int(a), int(b), float(c)) for a, b, c in row[13]),
    )
