"""HTML pages: main text and metadata through trafilatura (Barbaresi, ACL 2021 demos).

trafilatura removes navigation, footers and promo blocks and reads title, author, date
(htmldate) and site name from the page's meta tags and markup.
"""

from __future__ import annotations

import trafilatura

from storyline.errors import MalformedRecord
from storyline.records import RawDocument

# htmldate's extensive search guesses from free text and copyright lines ("© 2026" gives
# 2026-01-01); only markup signals (meta tags, <time>, URL) are trusted here, and the text's
# own date line or dateline is read later, in clean/article.py.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_FIELDS = {"title": "title", "sitename": "outlet", "date": "date", "author": "author", "url": "url"}


def extract_main_text(html: str, url: str | None = None) -> str:
    """Return the main article text of a page, or "" when none is found."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=False)
    return (document.text or "") if document is not None else ""


def parse_html(
    html: str, source: str, warnings: tuple[str, ...] = (), url: str | None = None
) -> RawDocument:
    """Main text plus title, outlet, date, author and URL of a saved page.

    `url`, when known (a WARC record's target URI), helps trafilatura name the site and
    becomes the article's URL if the page does not state its canonical one.
    """
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, date_extraction_params=_DATE_PARAMS
        )
    except (ValueError, TypeError) as exc:  # lxml refuses some inputs outright
        raise MalformedRecord(source, f"HTML cannot be parsed ({exc})") from exc
    if document is None or not (document.text or "").strip():
        raise MalformedRecord(
            source,
            "no article text found in the HTML",
            "is this a saved article page rather than an index or app shell?",
        )
    metadata = []
    for attribute, key in _FIELDS.items():
        value = getattr(document, attribute, None)
        if value:
            metadata.append((key, str(value)))
    if url and not any(key == "url" for key, _ in metadata):
        metadata.append(("url", url))
    return RawDocument(
        source=source,
        format="html",
        text=document.text,
        metadata=tuple(metadata),
        provenance=tuple((key, "html-meta") for key, _ in metadata),
        warnings=warnings,
    )
