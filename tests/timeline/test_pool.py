from datetime import date

from storyline.timeline import PoolWeights, timeline_from_pool
from storyline.timeline.pool import clean_pool_sentence, prepare_pool


def test_pool_wire_dateline_cut():
    text = (
        "BEIRUT | Wed Apr 27 , 2011 7:44 am EDT BEIRUT -LRB- Reuters -RRB- - Troops entered "
        "the southern town at dawn ."
    )
    assert clean_pool_sentence(text) == "Troops entered the southern town at dawn ."


def test_pool_boilerplate_and_fragments_dropped():
    pool = [
        (
            date(2013, 6, 30),
            [
                "A version of this article appeared in print on June 30 , 2013 , on page A1 .",
                "Cairo , 11:46 a.m.",
                "Millions of protesters marched across Egypt to demand the president resign .",
            ],
        )
    ]
    prepared = prepare_pool(pool)
    assert prepared.texts == (
        "Millions of protesters marched across Egypt to demand the president resign .",
    )


def test_pool_dates_named_by_other_sentences_rank_higher():
    filler = "Protesters gathered again in the capital square on a quiet day of marches ."
    pool = [
        (date(2011, 3, 14), [filler, filler.replace("quiet", "tense")]),
        (date(2011, 3, 15), ["Protests erupt in the southern city after arrests of students ."]),
        (
            date(2011, 4, 20),
            [
                "Since the protests erupted on March 15 , hundreds of people have died .",
                "The unrest that began on March 15 has spread to the capital by now .",
            ],
        ),
    ]
    weights = PoolWeights(cross_reference=3.0, min_relevance_quantile=0.0)
    timeline = timeline_from_pool(pool, 1, 1, weights)
    assert [when for when, _ in timeline] == [date(2011, 3, 15)]


def test_pool_redundancy_weight_lets_a_different_sentence_in():
    pool = [
        (
            date(2010, 4, 20),
            [
                "An explosion on the drilling rig kills eleven workers in the Gulf .",
                "An explosion on the drilling rig kills eleven workers in the Gulf today .",
                "The coast guard begins searching for the missing crew members at sea .",
            ],
        )
    ]
    ((_, texts),) = timeline_from_pool(pool, 1, 2, PoolWeights(redundancy=1.5))
    assert len(texts) == 2 and any("coast guard" in t for t in texts)


def test_pool_empty_gives_empty_timeline():
    assert timeline_from_pool([], 3, 1) == []
    assert timeline_from_pool([(date(2011, 1, 1), ["Too short ."])], 3, 1) == []
