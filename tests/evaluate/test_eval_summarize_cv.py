"""`storyline eval summarize --cv`: grouped CV rows next to the held-out split and baselines."""

from storyline.evaluate.summarize_cv import evaluate_summarize_cv, redundant_pair_share


def test_eval_summarize_cv_reports_cv_heldout_and_baselines(require_data):
    require_data("multinews")
    require_data("neus")
    result = evaluate_summarize_cv(limit=10)
    systems = {row["system"] for row in result.rows}
    for group in ("neus", "multinews"):
        assert f"{group}: storyline (grouped 5-fold CV)" in systems
        for baseline in ("lead", "textrank", "lexrank", "random", "oracle"):
            assert f"{group}: {baseline}" in systems
    assert result.n == 20
    assert any("fitted on" in note for note in result.notes)
    assert any("cosine > 0.8" in note for note in result.notes)


def test_redundant_pair_share_counts_pairs_above_the_cut():
    import numpy as np

    class Fixed:
        def embed(self, texts):
            return np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])[: len(texts)]

    assert redundant_pair_share([["a", "b", "c"]], Fixed()) == 1 / 3
