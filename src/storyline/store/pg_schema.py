"""PostgresStore's schema, one entry per version (the `storyline_schema` table holds the
version); apart from the store so that module holds only behaviour.
"""

from __future__ import annotations

# Each entry is the statements of one schema version, run in order inside one transaction.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: SqliteStore's schema 1-4 in one step: articles with their keys, raw inputs,
    # quarantine (one row per problem), key-value state, and the full-text column + index.
    (
        """CREATE TABLE raw_inputs (
            sha256 TEXT PRIMARY KEY,
            format TEXT NOT NULL,
            source TEXT NOT NULL,
            content BYTEA NOT NULL,
            stored_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE articles (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            article_id TEXT NOT NULL UNIQUE,
            content_sha256 TEXT NOT NULL,
            outlet_key TEXT NOT NULL DEFAULT '',
            url TEXT,
            source TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            published_at TIMESTAMPTZ,
            author TEXT,
            wire TEXT,
            degraded BOOLEAN NOT NULL DEFAULT FALSE,
            text TEXT NOT NULL,
            removed_lines JSONB NOT NULL DEFAULT '[]',
            provenance JSONB NOT NULL DEFAULT '[]',
            warnings JSONB NOT NULL DEFAULT '[]',
            ingested_at TIMESTAMPTZ NOT NULL,
            raw_sha256 TEXT REFERENCES raw_inputs(sha256) DEFERRABLE INITIALLY DEFERRED,
            language TEXT,
            search TSVECTOR NOT NULL
        )""",
        "CREATE UNIQUE INDEX articles_content ON articles(content_sha256, outlet_key)",
        "CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL",
        "CREATE UNIQUE INDEX articles_raw ON articles(raw_sha256) WHERE raw_sha256 IS NOT NULL",
        "CREATE INDEX articles_outlet ON articles(outlet_key, seq)",
        "CREATE INDEX articles_ingested ON articles(ingested_at)",
        "CREATE INDEX articles_search ON articles USING GIN (search)",
        """CREATE TABLE quarantine (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source TEXT NOT NULL,
            stage TEXT NOT NULL,
            error TEXT NOT NULL,
            raw_sha256 TEXT,
            quarantined_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE UNIQUE INDEX quarantine_problem
            ON quarantine(source, stage, error, coalesce(raw_sha256, ''))""",
        # value is TEXT, not JSONB: the clusterer's state runs to tens of MB and is only ever
        # read whole; TEXT keeps it byte-for-byte and skips JSONB's parse on every save.
        """CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    ),
    # 2: story membership (tracking.py), as SqliteStore's migration of the same name.
    (
        """CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY,
            position BIGINT NOT NULL,
            story_id BIGINT NOT NULL
        )""",
        "CREATE INDEX story_members_position ON story_members(position)",
    ),
    # 3: a repaired degraded copy's (start, end, confidence) per sentence (issue 22), as
    # SqliteStore's migration 7.
    ("ALTER TABLE articles ADD COLUMN repair_confidences JSONB NOT NULL DEFAULT '[]'",),
    # 4: as SqliteStore's 8: each article's Analysis as JSON text, found by id or text hash.
    (
        """CREATE TABLE analyses (
            article_id TEXT PRIMARY KEY,
            text_sha256 TEXT NOT NULL,
            model TEXT NOT NULL,
            data TEXT NOT NULL,
            analysed_at TIMESTAMPTZ NOT NULL
        )""",
        "CREATE INDEX analyses_text ON analyses(text_sha256, model)",
    ),
]
