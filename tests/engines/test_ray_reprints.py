"""Distributed reprint detection (engines/ray_reprints.py) gives the local index's groups:
real Multi-News articles with exact, cut-down and edited copies, on a local Ray."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storyline.dedupe import ReprintIndex
from storyline.records import Article

MULTINEWS = Path(__file__).resolve().parents[3] / "shared/data/multinews-sample100"


def corpus() -> list[Article]:
    """Each source article, then (shuffled in) an exact copy by another outlet, its first
    60% of paragraphs, and a copy with 3% of words dropped; some sources share a wire."""
    with gzip.open(MULTINEWS / "clusters.jsonl.gz", "rt", encoding="utf-8") as lines:
        texts = [d["text"] for c in map(json.loads, lines) for d in c["documents"]]
    rng = random.Random(3)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    articles = []
    for n, text in enumerate(texts[:120]):
        when = start + timedelta(hours=n)
        paragraphs = [p for p in text.split("\n") if p.strip()]
        words = text.split()
        copies = {
            "": text,
            "-exact": text,
            "-cut": "\n".join(paragraphs[: max(1, int(len(paragraphs) * 0.6))]),
            "-edit": " ".join(w for w in words if rng.random() > 0.03),
        }
        for suffix, body in copies.items():
            articles.append(
                Article(
                    article_id=f"m{n}{suffix}",
                    text=body,
                    source=f"m{n}{suffix}.txt",
                    outlet=f"Outlet {suffix or 'wire'}",
                    wire="Outlet wire" if n % 3 == 0 else None,
                    published_at=when + timedelta(minutes=rng.randint(0, 600)),
                )
            )
    rng.shuffle(articles)
    return articles


@pytest.mark.slow
@pytest.mark.skipif(not MULTINEWS.is_dir(), reason="../shared/data/multinews-sample100 absent")
@pytest.mark.parametrize("max_bucket", [64, 2])  # 2: the bucket cap decides candidates
def test_ray_reprints_equal_the_local_index(max_bucket):
    pytest.importorskip("ray")
    from storyline.engines import LocalEngine
    from storyline.engines.ray_engine import RayEngine
    from storyline.engines.ray_reprints import ray_reprint_groups

    articles = corpus()
    local = ReprintIndex(max_bucket=max_bucket).partial_fit(articles).groups()
    with RayEngine(workers=2) as engine:
        remote = ray_reprint_groups(engine._connect(), articles, max_bucket=max_bucket, workers=2)
        if max_bucket == 64:  # the engines' own entry point, default settings
            assert engine.reprint_groups(articles) == LocalEngine().reprint_groups(articles)
    assert remote == local  # originals, copies in order, kinds and similarities
    assert len(local) >= 100
    assert sum(len(g.copy_ids) for g in local) >= 300
