"""One article's Analysis as JSON for the `analyses` table, shared by every store backend.

Records are written field by field (dates as ISO strings) and read back by field name, so a
record that later gains a field with a default still reads; an analysis whose `model` tag is
not the current one is redone by the runner rather than trusted. Sentence rows are
tagged with their dtype (`vector_dtype`; untagged rows are the float32 of older versions).
"""

from __future__ import annotations

import base64
import json
from dataclasses import fields
from datetime import date

from storyline.records import (
    Analysis,
    Figure,
    Mention,
    Quote,
    ResolvedDate,
    Sentence,
    UnplacedDate,
)

# The dtype of Analysis.sentence_vectors; a row written in another dtype is converted on
# read, so stores need no migration when it changes.
VECTOR_DTYPE = "float16"

# Evidence spans (Quote.evidence, Figure.evidence) are found when a briefing is built, not
# at analysis time, so they are never stored.
_NOT_STORED = frozenset({"evidence"})

# The record type of each list in an Analysis, and its fields that hold dates.
_PARTS = {
    "sentences": (Sentence, ()),
    "mentions": (Mention, ()),
    "quotes": (Quote, ()),
    "figures": (Figure, ("when",)),
    "dates": (ResolvedDate, ("value",)),
    "unplaced": (UnplacedDate, ()),
}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def analysis_to_json(analysis: Analysis) -> str:
    data: dict = {
        "article_id": analysis.article_id,
        "text_sha256": analysis.text_sha256,
        "published_on": _plain(analysis.published_on),
        "model": analysis.model,
        "sentence_vectors": base64.b64encode(analysis.sentence_vectors).decode("ascii"),
        "vector_dtype": VECTOR_DTYPE,
    }
    for part in _PARTS:
        data[part] = [
            {f.name: _plain(getattr(r, f.name)) for f in fields(r) if f.name not in _NOT_STORED}
            for r in getattr(analysis, part)
        ]
    # ASCII escapes: a lone surrogate in the text cannot break the write.
    return json.dumps(data)


def analysis_from_json(text: str) -> Analysis:
    data = json.loads(text)
    parts = {}
    for part, (record, date_fields) in _PARTS.items():
        names = {f.name for f in fields(record)}
        rows = []
        for row in data.get(part, []):
            values = {k: v for k, v in row.items() if k in names}
            for key in date_fields:
                if values.get(key) is not None:
                    values[key] = date.fromisoformat(values[key])
            rows.append(record(**values))
        parts[part] = tuple(rows)
    published = data.get("published_on")
    return Analysis(
        article_id=data["article_id"],
        text_sha256=data["text_sha256"],
        published_on=date.fromisoformat(published) if published else None,
        model=data.get("model", ""),
        sentence_vectors=_as_stored_dtype(
            base64.b64decode(data.get("sentence_vectors", "")),
            data.get("vector_dtype", "float32"),  # rows written before float16 were float32
        ),
        **parts,
    )


def _as_stored_dtype(rows: bytes, dtype: str) -> bytes:
    """Sentence rows as VECTOR_DTYPE bytes, whatever dtype they were written in."""
    if not rows or dtype == VECTOR_DTYPE:
        return rows
    import numpy as np  # only for rows of an older store

    return np.frombuffer(rows, dtype=dtype).astype(VECTOR_DTYPE).tobytes()
