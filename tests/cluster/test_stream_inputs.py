"""The online path on awkward streams: late arrivals, empty and tiny texts, mass copies."""

from datetime import UTC, datetime, timedelta

from storyline.cluster import OnlineClusterer, cluster_stream
from storyline.dedupe import find_reprint_groups
from storyline.records import Article

START = datetime(2026, 3, 2, 7, tzinfo=UTC)
STRIKE = [
    "Ferry crews walked out on Friday in a dispute over night-shift pay, stranding commuters.",
    "Nordlink ferry strike: union says crews will stay out until night-shift pay improves.",
    "Ferry crews walked out again on Saturday in the night-shift pay dispute with Nordlink.",
]
CYCLE = [
    "The city council approved a harbour-front cycle lane after a two-year consultation.",
    "Shopkeepers fear losing parking spaces to the new harbour-front cycle lane.",
]


def test_stream_late_article_joins_its_story_not_the_latest():
    clusterer = OnlineClusterer(threshold=0.2, window_days=7, embedder=None)
    clusterer.partial_fit(
        STRIKE[:2] + CYCLE, [START, START, START + timedelta(days=1), START + timedelta(days=2)]
    )
    # Arrives last, dated between the strike articles: it belongs to the strike story.
    clusterer.partial_fit([STRIKE[2]], [START + timedelta(hours=30)])
    labels = clusterer.resolved_labels()
    assert labels[4] == labels[0] == labels[1]
    assert labels[4] != labels[2]


def test_stream_empty_and_one_word_texts_start_their_own_stories():
    texts = [STRIKE[0], "", "Ferry", "   ", STRIKE[1]]
    labels = cluster_stream(texts, [None] * len(texts), threshold=0.2, embedder=None)
    assert len(labels) == len(texts)
    assert labels[1] not in (labels[0],) and labels[3] not in (labels[0],)
    # without entity cues the two strike reports share one story
    labels = cluster_stream(
        texts, [None] * len(texts), threshold=0.2, embedder=None, entity_weight=0
    )
    assert labels[0] == labels[4]
    assert labels[1] not in (labels[0],) and labels[3] not in (labels[0],)


def test_stream_thousand_copies_form_one_story_and_one_reprint_group():
    copies = [STRIKE[0]] * 1000
    labels = cluster_stream(copies, [START] * 1000, threshold=0.2, embedder=None)
    assert set(labels) == {labels[0]}
    articles = [
        Article(article_id=f"c{i}", text=STRIKE[0] + " " + STRIKE[1], source=f"{i}")
        for i in range(1000)
    ]
    (group,) = find_reprint_groups(articles, shingle_words=5, num_perm=64, min_containment=0.7)
    assert group.kind == "exact" and len(group.copy_ids) == 999


def test_stream_progress_reports_embedded_and_assigned_articles():
    """`partial_fit(progress=...)` reports embedding in chunks and assignment as it goes,
    and the chunked embedding gives the labels of one embedder call."""
    import numpy as np

    from storyline.cluster import online

    class Counting:
        name = "counting"

        def __init__(self):
            self.calls = 0

        def embed(self, texts):
            self.calls += 1
            return np.array([[len(t) % 7 + 1.0, t.count("e") + 1.0] for t in texts])

    texts = (STRIKE + CYCLE) * 60  # 300 texts
    dates = [START + timedelta(minutes=i) for i in range(len(texts))]
    seen = []
    embedder = Counting()
    clusterer = OnlineClusterer(embedder=embedder).partial_fit(
        texts, dates, progress=lambda stage, done, total: seen.append((stage, done, total))
    )
    embedded = [s for s in seen if s[0] == "embedded"]
    assigned = [s for s in seen if s[0] == "assigned"]
    assert embedded[-1] == ("embedded", 300, 300) and len(embedded) == embedder.calls > 1
    assert assigned[-1] == ("assigned", 300, 300)
    assert [d for _, d, _ in embedded] == sorted(d for _, d, _ in embedded)
    assert len(embedded) == -(-300 // online.PROGRESS_EMBED_EVERY)
    plain = OnlineClusterer(embedder=Counting()).partial_fit(texts, dates)
    assert plain.resolved_labels() == clusterer.resolved_labels()
