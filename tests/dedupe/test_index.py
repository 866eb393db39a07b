import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from datasketch.lsh import _optimal_param

from storyline.dedupe import ReprintIndex, find_reprint_groups, shingles
from storyline.dedupe.hashing import hash_batch
from storyline.dedupe.index import shingle_hashes
from storyline.dedupe.lsh import optimal_bands
from storyline.errors import ConfigError
from storyline.records import Article

START = datetime(2026, 2, 9, 8, tzinfo=UTC)

WIRE = (
    "BRISTOL (WPA) — Water company Severnside said on Monday it would pay customers in "
    "three districts 50 pounds each after a burst main left 40,000 homes without supply "
    "for most of the weekend.\n\n"
    "Engineers repaired the 90-year-old main near Avonmouth late on Sunday, the company "
    "said, but warned that pressure would stay low until Tuesday while reservoirs refilled. "
    "Bottled water stations at four car parks would stay open until then.\n\n"
    "The regulator said it had opened an inquiry into how long the repair took and whether "
    "vulnerable customers were reached in time. A spokeswoman for the regulator said "
    "companies were expected to deliver water to registered households within 12 hours.\n\n"
    "Local MP Carys Hughes said constituents had waited in queues for hours in freezing "
    "rain and called for the company's bonus scheme to be suspended. Severnside's chief "
    "executive apologised and said the network needed investment that bills alone could "
    "not fund."
)
OTHER = (
    "The county cricket club unveiled plans on Monday for a new 6,000-seat stand, "
    "funded by the sale of its indoor school site to a housing developer. The club said "
    "building would start after the season ends and the stand would open in 2028. "
    "Neighbours have objected to the loss of parking and to evening floodlit matches."
)
THIRD = (
    "A pair of peregrine falcons has returned to nest on the cathedral tower for the "
    "tenth year running, volunteers said. A webcam on the parapet streams the nest, and "
    "last year the birds raised four chicks that fledged in June. Visitors can watch from "
    "a telescope set up on the green on weekend afternoons."
)


def article(article_id, text, hours=0, outlet=None, wire=None):
    return Article(
        article_id=article_id,
        text=text,
        source=f"{article_id}.txt",
        outlet=outlet,
        wire=wire,
        published_at=START + timedelta(hours=hours),
    )


def cut_down(text: str) -> str:
    """A regional paper's copy: the first two paragraphs only, with a new headline."""
    return "Water payout after burst main\n\n" + "\n\n".join(text.split("\n\n")[:2])


def stream():
    return [
        article("wire", WIRE, 0, outlet="WPA", wire="WPA"),
        article("cricket", OTHER, 1),
        article("copy-exact", WIRE, 2, outlet="Western Post", wire="WPA"),
        article("falcons", THIRD, 3),
        article("copy-cut", cut_down(WIRE), 4, outlet="Valley Times", wire="WPA"),
        article("copy-edited", WIRE.replace("freezing rain", "the cold"), 5),
    ]


def members(group):
    return {group.original_id, *group.copy_ids}


def test_index_exact_copy_grouped():
    (group,) = ReprintIndex().partial_fit(stream()[:3]).groups()
    assert members(group) == {"wire", "copy-exact"} and group.kind == "exact"


def test_index_cut_down_copy_joins_original():
    (group,) = ReprintIndex().partial_fit([stream()[0], stream()[4]]).groups()
    assert members(group) == {"wire", "copy-cut"} and group.kind == "near"


def test_index_edited_copy_joins_original():
    (group,) = ReprintIndex().partial_fit([stream()[0], stream()[5]]).groups()
    assert members(group) == {"wire", "copy-edited"}


def test_index_degraded_copy_joins_original():
    """A copy that lost its case and punctuation (a scraped or OCR'd reprint) still joins."""
    degraded = "".join(ch for ch in WIRE.lower() if ch.isalnum() or ch.isspace())
    (group,) = ReprintIndex().partial_fit([stream()[0], article("degraded", degraded, 1)]).groups()
    assert members(group) == {"wire", "degraded"}


def test_index_distinct_articles_stay_apart():
    assert ReprintIndex().partial_fit(stream()[1:2] + stream()[3:4]).groups() == []


def test_index_wire_copy_chosen_as_original_even_when_later():
    articles = stream()
    late_wire = article("wire", WIRE, 10, outlet="WPA", wire="WPA")
    (group,) = ReprintIndex().partial_fit([articles[2], late_wire]).groups()
    assert group.original_id == "wire"


def test_index_earliest_chosen_without_wire_copy():
    early = article("early", WIRE, 0, outlet="Western Post")
    late = article("late", WIRE.replace("freezing rain", "the cold"), 6, outlet="Bay News")
    (group,) = ReprintIndex().partial_fit([late, early]).groups()
    assert group.original_id == "early"


def test_index_incremental_equals_batch():
    articles = stream()
    batch = ReprintIndex().partial_fit(articles).groups()
    index = ReprintIndex()
    for start in range(0, len(articles), 2):
        index.partial_fit(articles[start : start + 2])
    assert index.groups() == batch


def test_index_state_round_trips_through_json():
    articles = stream()
    whole = ReprintIndex().partial_fit(articles)
    state = json.loads(json.dumps(ReprintIndex().partial_fit(articles[:3]).to_state()))
    resumed = ReprintIndex.from_state(state).partial_fit(articles[3:])
    assert resumed.groups() == whole.groups()


def test_index_state_keeps_settings():
    state = ReprintIndex(shingle_words=4, min_containment=0.8).to_state()
    restored = ReprintIndex.from_state(state)
    assert (restored.shingle_words, restored.min_containment) == (4, 0.8)


def test_index_unknown_state_version_raises_config_error():
    state = ReprintIndex().to_state() | {"version": 99}
    with pytest.raises(ConfigError, match="version"):
        ReprintIndex.from_state(state)


def test_index_same_article_added_twice_counts_once():
    index = ReprintIndex().partial_fit(stream()[:1]).partial_fit(stream()[:1])
    assert len(index.entries_) == 1 and index.groups() == []


def test_index_original_of_copy_is_wire():
    index = ReprintIndex().partial_fit(stream())
    assert index.original_of("copy-cut") == "wire"


def test_index_find_reprint_groups_matches_index():
    articles = stream()
    assert (
        find_reprint_groups(articles, 5, 128, 0.7) == ReprintIndex().partial_fit(articles).groups()
    )


@pytest.mark.parametrize(
    "kwargs", [{"min_containment": 0}, {"lsh_jaccard": 1.0}, {"shingle_words": 0}]
)
def test_index_bad_settings_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        ReprintIndex(**kwargs)


def edited(text: str, k: int) -> str:
    """Copy number k of `text` with one word changed, so no two copies are exact."""
    words = text.split()
    position = (k * 7) % len(words)
    words[position] = f"{words[position]}{k}"
    return " ".join(words)


def test_index_thousand_exact_copies_form_one_group():
    articles = [article(f"c{k}", WIRE, k) for k in range(1000)]
    (group,) = ReprintIndex().partial_fit(articles).groups()
    assert group.original_id == "c0" and len(group.copy_ids) == 999 and group.kind == "exact"


def test_index_thousand_near_copies_form_one_group_whatever_the_batches():
    articles = [article(f"c{k}", edited(WIRE, k), k) for k in range(1000)] + stream()[1:2]
    whole = ReprintIndex().partial_fit(articles).groups()
    index = ReprintIndex()
    for start in range(0, len(articles), 137):
        index.partial_fit(articles[start : start + 137])
    assert index.groups() == whole
    (group,) = whole
    assert len(group.copy_ids) == 999 and group.kind == "near" and "cricket" not in group.copy_ids


@pytest.mark.parametrize("text", ["", "   ", "!!! ...", "Breaking"])
def test_index_empty_or_one_word_article_never_joins_other_text(text):
    articles = [article("odd", text), *stream()[:2]]
    assert ReprintIndex().partial_fit(articles).groups() == []


def test_index_empty_articles_are_not_copies_of_each_other():
    assert ReprintIndex().partial_fit([article("a", ""), article("b", " ")]).groups() == []


def test_index_same_one_word_article_is_an_exact_copy():
    index = ReprintIndex().partial_fit([article("a", "Breaking"), article("b", "BREAKING!")])
    (group,) = index.groups()
    assert members(group) == {"a", "b"} and group.kind == "exact"


def test_index_repeated_id_in_one_batch_counts_once():
    index = ReprintIndex().partial_fit([stream()[0], stream()[0]])
    assert len(index.entries_) == 1 and index.groups() == []


def test_index_window_forgets_old_articles_but_not_exact_copies():
    fillers = [article(f"f{k}", f"{THIRD} Filler number {k} {'x ' * k}", k) for k in range(5)]
    index = ReprintIndex(window=3)
    index.partial_fit([article("wire", WIRE, 0)]).partial_fit(fillers)
    assert index.first_live_ == 3 and index.shingles_.get(0).size == 0
    index.partial_fit([article("cut", cut_down(WIRE), 9)])
    assert not any("wire" in members(g) for g in index.groups())
    index.partial_fit([article("same", WIRE, 10)])
    (group,) = [g for g in index.groups() if "wire" in members(g)]
    assert {"wire", "same"} <= members(group)


def test_index_window_state_round_trips():
    articles = stream()
    index = ReprintIndex(window=4).partial_fit(articles[:3]).partial_fit(articles[3:5])
    restored = ReprintIndex.from_state(json.loads(json.dumps(index.to_state())))
    assert restored.window == 4 and restored.first_live_ == index.first_live_
    assert restored.partial_fit(articles[5:]).groups() == index.partial_fit(articles[5:]).groups()


def test_index_version_1_state_raises_config_error_with_hint():
    with pytest.raises(ConfigError, match="version 1 .*rebuild the index"):
        ReprintIndex.from_state({"version": 1, "params": {}, "articles": []})


@pytest.mark.parametrize("text", ["", "one", "a b c d e", "a b c d e f", WIRE, cut_down(WIRE)])
def test_index_one_shingle_hash_per_shingle(text):
    assert shingle_hashes(text, 5).size == len(shingles(text, 5))


def test_index_shingle_hashes_independent_of_batch():
    batch = hash_batch(["", OTHER, "héllo wörld", WIRE], 5)
    assert np.array_equal(batch.hashes(3), shingle_hashes(WIRE, 5))
    assert batch.digests[3] == hash_batch([WIRE], 5).digests[0]


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.2, 128), (0.5, 128), (0.3, 32), (0.8, 64)])
def test_index_bands_match_datasketch(threshold, num_perm):
    assert optimal_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_index_large_call_is_chunked_without_changing_groups(monkeypatch):
    articles = [article(f"c{k}", edited(WIRE, k), k) for k in range(30)] + stream()
    whole = ReprintIndex().partial_fit(articles).groups()
    monkeypatch.setattr("storyline.dedupe.index._CHUNK_ARTICLES", 4)
    monkeypatch.setattr("storyline.dedupe.index._CHUNK_CHARS", 3000)
    assert ReprintIndex().partial_fit(articles).groups() == whole
