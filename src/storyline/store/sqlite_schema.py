"""SqliteStore's schema, one entry per version (`PRAGMA user_version` holds the version);
apart from the store so that module holds only behaviour.
"""

from __future__ import annotations

# Each entry is the statements of one schema version, run in order inside one transaction.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: articles keyed by id, by normalised-text hash per outlet, and by URL; quarantine.
    (
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL UNIQUE,
            content_sha256 TEXT NOT NULL,
            outlet_key TEXT NOT NULL DEFAULT '',
            url TEXT,
            source TEXT NOT NULL,
            title TEXT,
            outlet TEXT,
            published_at TEXT,
            author TEXT,
            wire TEXT,
            degraded INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL,
            removed_lines TEXT NOT NULL DEFAULT '[]',
            provenance TEXT NOT NULL DEFAULT '[]',
            warnings TEXT NOT NULL DEFAULT '[]',
            ingested_at TEXT NOT NULL
        )""",
        "CREATE UNIQUE INDEX articles_content ON articles(content_sha256, outlet_key)",
        "CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL",
        "CREATE INDEX articles_outlet ON articles(outlet_key, seq)",
        "CREATE INDEX articles_ingested ON articles(ingested_at)",
        """CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            stage TEXT NOT NULL,
            error TEXT NOT NULL,
            raw_sha256 TEXT,
            quarantined_at TEXT NOT NULL
        )""",
    ),
    # 2: raw inputs kept for re-processing; detected language; one quarantine row per problem.
    (
        """CREATE TABLE raw_inputs (
            sha256 TEXT PRIMARY KEY,
            format TEXT NOT NULL,
            source TEXT NOT NULL,
            content BLOB NOT NULL,
            stored_at TEXT NOT NULL
        )""",
        "ALTER TABLE articles ADD COLUMN raw_sha256 TEXT REFERENCES raw_inputs(sha256)",
        "ALTER TABLE articles ADD COLUMN language TEXT",
        """DELETE FROM quarantine WHERE id NOT IN (
            SELECT min(id) FROM quarantine
            GROUP BY source, stage, error, coalesce(raw_sha256, ''))""",
        """CREATE UNIQUE INDEX quarantine_problem
            ON quarantine(source, stage, error, coalesce(raw_sha256, ''))""",
        "CREATE INDEX articles_raw ON articles(raw_sha256)",
    ),
    # 3: full-text index over title and text (external content, kept in step by triggers);
    # key-value state for stateful stages such as the online clusterer.
    (
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='seq',
            tokenize='unicode61 remove_diacritics 2')""",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
        END""",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
        END""",
        """CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
    ),
    # 4: when each state key was saved, readable without the value: the clusterer's state
    # runs to tens of MB and SQLite would walk its overflow pages to reach a later column.
    ("CREATE INDEX state_saved ON state(key, updated_at)",),
    # 5: the index's vocabulary (term, documents, occurrences), read to price a search
    # before running it (see `search_cost`); no data of its own.
    ("CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row')",),
    # 6: story membership (tracking.py): each article's clusterer story and arrival position,
    # so the clusterer's saved state keeps only its active window, not every article id.
    (
        """CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            story_id INTEGER NOT NULL
        )""",
        "CREATE INDEX story_members_position ON story_members(position)",
    ),
    # 7: a repaired degraded copy's (start, end, confidence) per sentence, so a briefing
    # built from the store can tell quotable repaired sentences from guesses (issue 22).
    ("ALTER TABLE articles ADD COLUMN repair_confidences TEXT NOT NULL DEFAULT '[]'",),
    # 8: each article's Analysis (sentences, mentions, quotes, figures, dates) as JSON,
    # computed once at ingest; found by text hash so an exact copy reuses it.
    (
        """CREATE TABLE analyses (
            article_id TEXT PRIMARY KEY,
            text_sha256 TEXT NOT NULL,
            model TEXT NOT NULL,
            data TEXT NOT NULL,
            analysed_at TEXT NOT NULL
        )""",
        "CREATE INDEX analyses_text ON analyses(text_sha256, model)",
    ),
]
