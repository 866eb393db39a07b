"""Line-level boilerplate removal: promos, page furniture, repeated captions.

Three signals, none tied to one site:
- a line that matches a call-to-action or navigation pattern (newsletter, app, "contact us",
  breadcrumbs, share buttons);
- a line that repeats an earlier line of the same article, alone or with a photo credit
  appended (a caption printed under the photo and again in the text): every copy goes;
- a line the same outlet prints in several articles (`find_furniture`), learned per corpus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

_PATTERNS = [
    r"^(you are here|skip to (main )?content|advertisement|sponsored( content)?|"
    r"share( this( article| story)?)?|print|comments?|related( (stories|articles|coverage))?|"
    r"most (read|popular)|trending( now)?|top stories|more from .{1,40}|"
    r"(photo|image|video)( gallery)?|listen to (this )?(article|story)|"
    r"log ?in|sign ?in|register|subscribe( now)?)\s*:?$",
    r"^home\s*(›|>|»|/|\|)",  # breadcrumbs
    r"\b(sign up|subscribe|register)\b.{0,60}\b(newsletter|alerts?|briefing|updates)\b",
    r"\bnewsletter\b.{0,60}\b(sign up|subscribe|inbox|delivered)\b",
    r"\b(download|get|install) (the|our) .{0,40}\bapp\b",
    r"\bapp\b.{0,40}\b(breaking news|alerts|notifications)\b",
    r"\b(follow|join|like) us on\b",
    r"\b(join|subscribe to) (our|the) .{0,30}(whatsapp|telegram|line|signal|viber)\b",
    r"\b(contact|email|e-mail|write to) us\b",
    r"\b(have|got) a (news )?tip\b",
    r"\byour feedback is (important|valuable)\b",
    r"^tell us what you think\b",
    r"^(read|see) (more|also)\s*:",
    r"^click here\b",
    r"\ball rights reserved\b|^©|^copyright\b",
    r"^(share|tweet|email|whatsapp)( (on|via) \w+)?( \| (share|tweet|email|whatsapp)\b.*)?$",
    r"\bcookies?\b.{0,80}\b(accept|consent|policy|settings)\b",
    r"^(this (article|story) (was|has been) (updated|corrected)|updated:? \d)",
    # WordPress feed trailer and "read on" links that feeds append to an entry.
    r"^the post .{1,200} appeared first on .{1,80}$",
    r"^(continue reading|read the full (story|article)|read more)\b.{0,60}$",
    # Channel promos: "BT is now on Telegram!", and a truncated trailing "... Subscribe to".
    r"\b(is|are) now on (telegram|whatsapp|line|signal|viber|instagram|tiktok|youtube)\b",
    r"^for (daily|weekly|the latest) (updates|news|headlines)\b",
    r"\bsubscribe( to)?\W*$",
]
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.I)
# A trailing "(Name/Agency)" or "Photo: ..." marks a caption credit, e.g. "(Jo Roe/AP)".
_PHOTO_CREDIT = re.compile(
    r"(\((?:photo:?\s*)?[^()]{2,60}/[^()]{2,60}\)|\b(photo|image)s?:\s*"
    r"[^.]{2,60})\s*$",
    re.I,
)
# Lines this long are body text even when they contain a trigger phrase.
_MAX_PROMO_WORDS = 30


# A call to action inside a degraded article, which arrives as one line: cut from here on
# when it falls in the last `_TRAILING_PROMO_WORDS` words ("... contact us at editors").
_CALL_TO_ACTION = re.compile(
    r"\b((contact|email|e-mail|write to) us|sign up|subscribe|follow us|download (the|our))\b",
    re.I,
)
_TRAILING_PROMO_WORDS = 25


def strip_trailing_promo(text: str) -> tuple[str, list[str]]:
    """Cut a call to action off the end of a text with no line breaks to separate it."""
    words = text.split()
    tail = " ".join(words[-_TRAILING_PROMO_WORDS:])
    match = _CALL_TO_ACTION.search(tail)
    if not match:
        return text, []
    cut = text.rfind(tail[match.start() :])
    return text[:cut].rstrip(), [text[cut:].strip()]


def normalize_line(line: str) -> str:
    """Case- and punctuation-insensitive form of a line, for repeat detection."""
    return " ".join(re.findall(r"\w+", line.casefold()))


def is_promo_line(line: str) -> bool:
    """True for calls to action, navigation and legal lines (see module docstring)."""
    stripped = line.strip()
    return (
        bool(stripped)
        and len(stripped.split()) <= _MAX_PROMO_WORDS
        and bool(_BOILERPLATE.search(stripped))
    )


def strip_boilerplate(
    lines: Sequence[str], furniture: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """Return (kept lines, removed lines); blank lines are kept as paragraph breaks."""
    normalized = [normalize_line(line) for line in lines]
    repeated = _repeated_captions(normalized, lines)
    kept, removed = [], []
    for index, line in enumerate(lines):
        if not line.strip():
            kept.append(line)
        elif (
            index in repeated
            or normalized[index] in furniture
            or is_promo_line(line)
            or _is_credited_caption(line)
        ):
            removed.append(line.strip())
        else:
            kept.append(line)
    return kept, removed


def _is_credited_caption(line: str) -> bool:
    """A line ending in a photo credit, e.g. '... on Tuesday.(Jane Roe/Agency)'."""
    return len(line.split()) <= _MAX_CAPTION_WORDS and bool(_PHOTO_CREDIT.search(line.strip()))


# A caption repeated with a credit appended is short; longer lines are only matched exactly.
_MAX_CAPTION_WORDS = 80


def _repeated_captions(normalized: list[str], lines: Sequence[str]) -> set[int]:
    """Indices of lines repeated in one article (exactly, or with a credit appended).

    Linear in the article's length: exact repeats are grouped by hash, and a credited line
    (at most `_MAX_CAPTION_WORDS` words) looks up each of its word prefixes among the
    earlier lines, instead of comparing every line with every other.
    """
    by_text: dict[str, list[int]] = {}
    indices: set[int] = set()
    for j, text in enumerate(normalized):
        words = text.split()
        if (
            len(words) <= _MAX_CAPTION_WORDS
            and len(words) > 4
            and _PHOTO_CREDIT.search(lines[j].strip())
        ):
            for end in range(4, len(words)):
                earlier = by_text.get(" ".join(words[:end]))
                if earlier:
                    indices.update(earlier)
                    indices.add(j)
        if len(words) >= 4:
            by_text.setdefault(text, []).append(j)
    for group in by_text.values():
        if len(group) > 1:
            indices.update(group)
    return indices


def find_furniture(
    articles: Iterable[tuple[str, Sequence[str]]], min_repeats: int
) -> dict[str, frozenset[str]]:
    """Learn each outlet's page furniture: short lines it prints in `min_repeats`+ articles.

    `articles` yields (outlet key, lines). Only lines of at most 15 words count, so a wire
    paragraph an outlet reprints in several stories is not mistaken for furniture.
    """
    counts: dict[str, Counter[str]] = {}
    for outlet, lines in articles:
        seen = {normalize_line(line) for line in lines if 0 < len(line.split()) <= 15}
        counts.setdefault(outlet, Counter()).update(seen - {""})
    return {
        outlet: frozenset(line for line, n in counter.items() if n >= min_repeats)
        for outlet, counter in counts.items()
    }
