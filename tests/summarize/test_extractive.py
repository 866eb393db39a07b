from storyline.summarize import Candidate, select_sentences

DOCS = [
    [
        "Ferry crews on the northern route walked off the job on Friday over night-shift pay.",
        "The strike stranded about 3,000 commuters who rely on the island ferry each morning.",
        "Union organiser Dev Patel said crews wanted a fair rota rather than a pay rise.",
        "The weather on the island was mild for the time of year, forecasters said.",
    ],
    [
        "Ferry crews walked off the job on Friday in a dispute over night-shift pay.",
        "The operator Nordlink said it would run a reduced timetable with managers on board.",
        "The transport ministry urged Nordlink and the union to resume talks on Monday.",
    ],
]


def candidates():
    return [Candidate(text, d, p) for d, doc in enumerate(DOCS) for p, text in enumerate(doc)]


def test_extractive_respects_word_budget():
    chosen = select_sentences(candidates(), max_words=40)
    words = sum(len(candidates()[i].text.split()) for i in chosen)
    assert 20 <= words <= 44


def test_extractive_skips_sentence_repeating_a_chosen_one():
    chosen = select_sentences(candidates(), max_words=200)
    texts = [candidates()[i].text for i in chosen]
    assert not (DOCS[0][0] in texts and DOCS[1][0] in texts)


def test_extractive_prefers_central_lead_over_off_topic():
    chosen = select_sentences(candidates(), max_words=40)
    assert candidates()[chosen[0]].text in (DOCS[0][0], DOCS[1][0])
    assert DOCS[0][3] not in [candidates()[i].text for i in chosen]


def test_extractive_empty_input_gives_empty_summary():
    assert select_sentences([], max_words=100) == []


def test_extractive_choice_does_not_depend_on_the_order_of_the_documents():
    chosen = [candidates()[i].text for i in select_sentences(candidates(), max_words=60)]
    reordered = [Candidate(t, d, p) for d, doc in enumerate(DOCS[::-1]) for p, t in enumerate(doc)]
    again = [reordered[i].text for i in select_sentences(reordered, max_words=60)]
    assert len(chosen) >= 3 and again == chosen


def test_extractive_works_without_embedder_and_with_any_embedder():
    from storyline.embed import HashingEmbedder

    plain = select_sentences(candidates(), max_words=60)
    assert plain
    assert select_sentences(candidates(), max_words=60, embedder=HashingEmbedder(2**12))
    assert select_sentences(candidates(), max_words=60, meaning_cosine=None)


def test_extractive_skips_a_paraphrase_by_meaning():
    """Two sentences with few shared words but one meaning: the embedding cut drops one."""
    import numpy as np

    pool = [
        Candidate("Ferry crews walked off the job on Friday over night-shift pay.", 0, 0),
        Candidate("On Friday the boat staff struck in a row about wages for late shifts.", 1, 0),
        Candidate("The operator said a reduced timetable would run with managers aboard.", 0, 1),
    ]
    rows = np.array([[1.0, 0.0], [0.95, 0.312], [0.0, 1.0]])
    both = select_sentences(pool, 200, embeddings=rows, meaning_cosine=None)
    assert {0, 1} <= set(both)
    assert not {0, 1} <= set(select_sentences(pool, 200, embeddings=rows))


def test_extractive_uses_embedding_features_when_scorer_needs_them():
    import numpy as np

    from storyline.embed import HashingEmbedder
    from storyline.summarize.scoring import TreeScorer

    scorer = TreeScorer(
        feature_names=("embedding_centroid_cosine",),
        baseline=0.0,
        roots=np.array([0]),
        feature=np.array([-1]),
        threshold=np.array([0.0]),
        left=np.array([-1]),
        right=np.array([-1]),
        value=np.array([0.0]),
    )
    chosen = select_sentences(
        candidates(), max_words=40, scorer=scorer, embedder=HashingEmbedder(2**12)
    )
    assert 20 <= sum(len(candidates()[i].text.split()) for i in chosen) <= 44


def test_extractive_zero_budget_gives_empty_summary():
    assert select_sentences(candidates(), max_words=0) == []
