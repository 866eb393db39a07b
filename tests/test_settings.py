"""One Settings, validated once: 0 is "off" only where a stage documents it, a negative or
out-of-range value is refused with one line, and the clusterer gets exactly these values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storyline.cluster import OnlineClusterer
from storyline.dedupe import find_reprint_groups
from storyline.errors import ConfigError
from storyline.records import Article
from storyline.serve.config import ServeConfig
from storyline.settings import Settings

# (setting, OnlineClusterer argument): Settings.clusterer_options() maps one to the other.
CLUSTER_SETTINGS = [
    ("cluster_threshold", "threshold"),
    ("cluster_window_days", "window_days"),
    ("cluster_text_weight", "text_weight"),
    ("cluster_entity_weight", "entity_weight"),
    ("cluster_recluster_every", "recluster_every"),
    ("cluster_recluster_size", "recluster_size"),
    ("cluster_archive_limit", "archive_limit"),
    ("cluster_length_terms", "length_terms"),
    ("cluster_length_power", "length_power"),
    ("cluster_revive_gap_margin", "revive_gap_margin"),
]


@pytest.mark.parametrize(
    ("name", "off"),
    [
        ("cluster_recluster_every", "re-clustering off"),
        ("cluster_entity_weight", "cues off"),
        ("cluster_text_weight", "the embedder alone"),
        ("cluster_archive_limit", "no dormant story kept revivable"),
        ("cluster_length_power", "length calibration off"),
        ("cluster_revive_gap_margin", "no gap margin"),
    ],
)
def test_settings_zero_is_off_where_documented_and_negative_is_refused(name, off):
    assert getattr(Settings(**{name: 0}), name) == 0
    with pytest.raises(ConfigError) as refused:
        Settings(**{name: -1})
    message = str(refused.value)
    assert message.startswith(f"setting {name} must be ") and message.endswith("got -1")
    assert f"(0: {off})" in message and "\n" not in message


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("max_input_bytes", 0, "positive"),
        ("cluster_window_days", 0.0, "positive"),
        ("cluster_threshold", 1.0, "in (0, 1)"),
        ("cluster_threshold", 0, "in (0, 1)"),
        ("min_containment", 1.5, "in (0, 1]"),
        ("reprint_lsh_jaccard", 0, "in (0, 1]"),
        ("cluster_recluster_size", 1, "2 or more"),
        ("cluster_entity_weight", 1.0, "in [0, 1)"),
    ],
)
def test_settings_refuses_out_of_range_with_the_allowed_range(name, value, allowed):
    with pytest.raises(ConfigError, match=rf"^setting {name} must be {re.escape(allowed)}"):
        Settings(**{name: value})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ingest_batch_size", 2.5, "a whole number"),
        ("ingest_batch_size", True, "a whole number"),
        ("quarantine_non_articles", 1, "true or false"),
        ("cluster_threshold", "0.3", "a number"),
        ("cluster_threshold", float("nan"), "in (0, 1)"),
    ],
)
def test_settings_refuses_wrong_types(name, value, expected):
    with pytest.raises(ConfigError, match=f"setting {name} must be {re.escape(expected)}"):
        Settings(**{name: value})


@pytest.mark.parametrize(("setting", "argument"), CLUSTER_SETTINGS)
@pytest.mark.parametrize("value", [-1, 0, 0.5, 1, 2, 50])
def test_settings_and_clusterer_accept_the_same_values(setting, argument, value):
    """The clusterer checks its own arguments too; both must draw the line in one place."""
    try:
        Settings(**{setting: value})
        settings_ok = True
    except ConfigError:
        settings_ok = False
    try:
        OnlineClusterer(**{argument: value}, n_features=2**8)
        clusterer_ok = True
    except ConfigError:
        clusterer_ok = False
    if setting in ("cluster_recluster_every", "cluster_recluster_size", "cluster_archive_limit"):
        if isinstance(value, float):
            pytest.skip("whole-number settings: the type rule, tested above")
    assert settings_ok == clusterer_ok


def test_settings_clusterer_options_reach_the_clusterer():
    default = OnlineClusterer(n_features=2**8)
    assert default.window_days == Settings().cluster_window_days
    assert default.revive_gap_margin == Settings().cluster_revive_gap_margin
    options = Settings(cluster_window_days=3.0, cluster_recluster_every=0).clusterer_options()
    clusterer = OnlineClusterer(**options, n_features=2**8)
    assert (clusterer.window_days, clusterer.recluster_every) == (3.0, 0)
    assert {a for _, a in CLUSTER_SETTINGS} == set(options)


WIRE = (
    "Water company Severnside said on Monday it would pay customers in three districts 50 "
    "pounds each after a burst main left 40,000 homes without supply for most of the weekend. "
    "Engineers repaired the 90-year-old main near Avonmouth late on Sunday, the company said, "
    "but warned that pressure would stay low until Tuesday while reservoirs refilled. Bottled "
    "water stations at four car parks would stay open until then. The regulator said it had "
    "opened an inquiry into how long the repair took and whether vulnerable customers were "
    "reached in time. A spokeswoman for the regulator said companies were expected to deliver "
    "water to registered households within 12 hours. Local MP Carys Hughes said constituents "
    "had waited in queues for hours in freezing rain and called for the company's bonus "
    "scheme to be suspended."
)


def test_settings_reprint_lsh_jaccard_reaches_the_candidate_search():
    """A copy holding the first 40% of the wire story is proposed at the shipped 0.2 and
    missed when the LSH threshold asks for near-identical texts: the value is used."""
    words = WIRE.split()
    cut = " ".join(words[: int(len(words) * 0.4)]) + " Reporting by our staff."
    articles = [Article("a1", WIRE, "wire.txt"), Article("a2", cut, "paper.txt")]
    shipped = Settings()
    args = (shipped.shingle_words, shipped.minhash_perm, shipped.min_containment)
    (group,) = find_reprint_groups(articles, *args, shipped.reprint_lsh_jaccard)
    assert (group.original_id, tuple(group.copy_ids)) == ("a1", ("a2",))
    assert find_reprint_groups(articles, *args, 0.95) == []


def test_serve_config_zero_is_no_cap_and_negative_is_refused():
    config = ServeConfig(db_path=Path("x.db"), requests_per_minute=0, refresh_seconds=0)
    assert config.requests_per_minute == 0
    with pytest.raises(ConfigError, match=r"^setting uploads_per_minute must be 0 or more"):
        ServeConfig(db_path=Path("x.db"), uploads_per_minute=-5)
    with pytest.raises(ConfigError, match=r"^setting max_upload_bytes must be positive, got 0$"):
        ServeConfig(db_path=Path("x.db"), max_upload_bytes=0)


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--threshold=0", "setting cluster_threshold must be in (0, 1), got 0.0"),
        ("--window-days=-2", "setting cluster_window_days must be positive, got -2.0"),
    ],
)
def test_settings_cli_cluster_refuses_a_bad_option_before_opening_the_store(
    tmp_path, option, message
):
    """`storyline cluster` dropped a 0 silently (`if v`); now Settings refuses it."""
    from typer.testing import CliRunner

    from storyline.cli.app import app

    result = CliRunner().invoke(app, ["cluster", "--db", str(tmp_path / "none.db"), option])
    assert result.exit_code == 1
    assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "none.db").exists()


def test_settings_a_name_in_both_settings_has_one_rule():
    """search_budget_seconds is in Settings (the store) and ServeConfig (the server)."""
    from dataclasses import fields

    from storyline.serve.config import SERVE_RULES
    from storyline.settings import SETTING_RULES

    shared = {f.name for f in fields(Settings)} & {f.name for f in fields(ServeConfig)}
    assert "search_budget_seconds" in shared
    for name in shared:
        assert SETTING_RULES.get(name) == SERVE_RULES.get(name), name
    assert Settings(search_budget_seconds=0).search_budget_seconds == 0
    assert ServeConfig(db_path=Path("x.db"), search_budget_seconds=0).search_budget_seconds == 0
