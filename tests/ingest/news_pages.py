"""Article text and a saved-page template shared by the ingest tests (invented events)."""

DAM_PARAGRAPHS = [
    "State inspectors found three hairline cracks in the concrete spillway of the Marrow "
    "Falls dam during a routine survey on Thursday, the county water board said.",
    "“There is no danger to anyone downstream today,” said Odile Brenner, the board’s chief "
    "engineer. “But we will not wait for the spring melt to find out how deep they go.”",
    "The board will lower the reservoir by two metres over the next fortnight so divers can "
    "inspect the base of the spillway, and it has asked boat owners to move their moorings.",
    "The dam, built in 1962, holds back the lake that supplies drinking water to about "
    "40,000 people in Marrow Falls and three neighbouring villages.",
]


def page_html(title: str, paragraphs: list[str], head: str = "") -> str:
    """A saved news page: navigation, the article, a promo box and a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Lakeview Sentinel</title>
<meta property="og:site_name" content="Lakeview Sentinel">{head}</head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{title}</h1>{body}</article></main>
<aside>Sign up for our morning newsletter</aside>
<footer>© 2026 Lakeview Sentinel. All rights reserved.</footer></body></html>"""
