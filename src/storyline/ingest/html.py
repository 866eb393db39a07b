"""HTML pages: main text and metadata through trafilatura (Barbaresi, ACL 2021 demos).

trafilatura removes navigation, footers and promo blocks and reads title, author, date
(htmldate) and site name from the page's meta tags and markup.
"""

from __future__ import annotations

import trafilatura

from storyline.errors import MalformedRecord
from storyline.records import RawDocument

_FIELDS = {"title": "title", "sitename": "outlet", "date": "date", "author": "author", "url": "url"}


def extract_main_text(html: str, url: str | None = None) -> str:
    """Return the main article text of a page, or "" when none is found."""
    document = trafilatura.bare_extraction(html, url=url, with_metadata=False)
    return (document.text or "") if document is not None else ""


def parse_html(html: str, source: str, warnings: tuple[str, ...] = ()) -> RawDocument:
    """Main text plus title, outlet, date, author and URL of a saved page."""
    document = trafilatura.bare_extraction(html, with_metadata=True)
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
    return RawDocument(
        source=source,
        format="html",
        text=document.text,
        metadata=tuple(metadata),
        provenance=tuple((key, "html-meta") for key, _ in metadata),
        warnings=warnings,
    )
