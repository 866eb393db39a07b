import pytest

from storyline.clean.boilerplate import find_furniture, is_promo_line, strip_boilerplate

BODY = [
    "Ferry crews on the northern route walked off the job on Friday, stranding about 3,000 "
    "commuters, after talks over night-shift pay broke down.",
    "",
    "“We asked for a fair rota, not a pay rise,” said union organiser Dev Patel.",
]


@pytest.mark.parametrize(
    "line",
    [
        "You are here",
        "Home › News › Transport",
        "Sign up for our morning briefing newsletter",
        "Download the Bay Herald app for breaking news alerts.",
        "Have a news tip? Contact us at tips@bayherald.example",
        "Your feedback is important to us",
        "Tell us what you think. Email us at",
        "Follow us on Instagram and TikTok",
        "Join our WhatsApp channel for the latest updates",
        "Advertisement",
        "Read more: Ferry timetable changes from April",
        "© 2026 Bay Herald. All rights reserved.",
        "contact us at editors@bayherald.example",
    ],
)
def test_boilerplate_promo_lines_detected(line):
    assert is_promo_line(line)


@pytest.mark.parametrize(
    "line",
    BODY[::2]
    + [
        "The union said members would contact the ministry about the dispute next week.",
        "Subscribers to the ferry's monthly pass will get refunds, the operator said.",
    ],
)
def test_boilerplate_news_sentences_kept(line):
    assert not is_promo_line(line)


def test_boilerplate_repeated_caption_removed_in_both_copies():
    caption = "Commuters queue at the ferry terminal on Friday as crews stage a walkout."
    lines = [caption, caption + "(Mia Lund/Bay Herald)", "", *BODY]
    kept, removed = strip_boilerplate(lines)
    assert [k for k in kept if k.strip()] == [BODY[0], BODY[2]]
    assert len(removed) == 2


def test_boilerplate_furniture_learned_per_outlet():
    articles = [
        ("Bay Herald", ["Bay Herald | Your coast, your news", f"Story {i} text."]) for i in range(3)
    ]
    articles.append(("Other Paper", ["Bay Herald | Your coast, your news", "Story."]))
    furniture = find_furniture(articles, min_repeats=3)
    assert "bay herald your coast your news" in furniture["Bay Herald"]
    assert not furniture["Other Paper"]


def test_boilerplate_repeats_found_far_apart_in_a_long_article():
    caption = "Commuters queue at the ferry terminal on Friday as crews stage a walkout."
    filler = [
        f"Paragraph {n} of the report adds detail number {n} on the strike." for n in range(3000)
    ]
    lines = [caption, *filler, caption + " (Mia Lund/Bay Herald)", filler[5]]
    kept, removed = strip_boilerplate(lines)
    assert caption in removed and caption + " (Mia Lund/Bay Herald)" in removed
    assert filler[5] in removed and len(kept) == 2999
