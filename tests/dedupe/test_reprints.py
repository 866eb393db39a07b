from storyline.dedupe import find_reprint_groups
from storyline.records import Article

WIRE = (
    "Ferry crews on the northern route walked off the job on Friday, stranding about "
    "3,000 commuters after talks over night-shift pay broke down. The operator, Nordlink, "
    "said it would run a reduced timetable using managers and agency staff. Union organiser "
    "Dev Patel said crews had been asking for a fair rota for more than a year and would "
    "stay out until the company returned to talks. The transport ministry urged both sides "
    "to meet on Monday. Commuter groups said the walkout would cost local businesses "
    "dearly, as the route carries most of the island's workforce to the mainland each day."
)
OTHER = (
    "The city council approved a new cycle lane along the harbour front on Thursday, "
    "after a two-year consultation in which residents split almost evenly. Work is due to "
    "start in May and cost about 4 million euros, paid mostly from a regional grant. "
    "Shopkeepers on the route said they feared losing parking spaces and customers, while "
    "cycling groups called the decision overdue."
)


def article(article_id, text, outlet=None, wire=None):
    return Article(
        article_id=article_id, text=text, source=f"{article_id}.txt", outlet=outlet, wire=wire
    )


def groups_of(*articles):
    return find_reprint_groups(articles, shingle_words=5, num_perm=128, min_containment=0.7)


def test_reprints_exact_copy_grouped():
    (group,) = groups_of(article("a", WIRE), article("b", WIRE), article("c", OTHER))
    assert group.kind == "exact" and {group.original_id, *group.copy_ids} == {"a", "b"}


def test_reprints_cut_and_edited_copy_grouped_with_wire_original():
    edited = WIRE.replace("dearly", "heavily").rsplit(" Commuter groups", 1)[0]
    (group,) = groups_of(
        article("copy", "Nordlink strike\n\n" + edited, outlet="Bay Herald"),
        article("wire", WIRE, outlet="Nord Wire Service", wire="Nord Wire Service"),
    )
    assert group.original_id == "wire" and group.copy_ids == ("copy",)
    assert group.kind == "near"


def test_reprints_degraded_copy_grouped():
    degraded = "".join(ch for ch in WIRE.lower() if ch.isalnum() or ch.isspace())
    assert len(groups_of(article("a", WIRE), article("b", degraded))) == 1


def test_reprints_distinct_articles_not_grouped():
    assert groups_of(article("a", WIRE), article("b", OTHER)) == []
