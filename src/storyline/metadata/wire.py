"""Wire-service attribution from the text: header, dateline tag, or trailer.

A wire service is credited when the article says so in one of three places:
- a line of its own at the top or bottom naming a wire ("Bloomberg", "— Associated Press");
- a dateline tag: "WASHINGTON (AP) —", "LONDON, May 3 (Reuters) -";
- a trailing "— Name" line.
A photo credit such as "(Jane Roe/Associated Press)" is not a wire credit, nor is a wire
named inside a sentence ("a Bloomberg report on Friday").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Names and tags of the large wire services; any "X Wire Service"/"X News Agency"/"X Press"
# line is recognised as well, and unknown dateline tags are expanded from the corpus.
KNOWN_WIRES = {
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "pa": "PA Media",
    "pa media": "PA Media",
    "upi": "UPI",
    "ani": "ANI",
    "pti": "PTI",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "ians": "IANS",
    "efe": "EFE",
    "ansa": "ANSA",
    "cnn wire": "CNN Wire",
    "press association": "PA Media",
    "canadian press": "The Canadian Press",
    "the canadian press": "The Canadian Press",
    "aap": "AAP",
}
_GENERIC_WIRE = re.compile(
    r"^(the )?[A-Z][\w&.-]*( [A-Z][\w&.-]*){0,4} "
    r"(Wire Service|News Agency|Press Agency|Newswire|Wire)$"
)
_DATELINE = re.compile(
    r"^[A-Z][A-Za-z .,'-]{1,60}?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?\s*"
    r"\((?P<tag>[A-Za-z][A-Za-z .&-]{0,30})\)\s*[-—–]+"
)
_TRAILER = re.compile(r"^\s*[-—–]+\s*(?P<name>[A-Z][\w .&'-]{1,40}?)\s*$")


def wire_name(line: str) -> str | None:
    """The wire service a line consists of ("Bloomberg", "— Reuters"), else None."""
    candidate = line.strip()
    trailer = _TRAILER.match(candidate)
    if trailer:
        candidate = trailer.group("name")
    candidate = candidate.strip(" .")
    if not candidate or "/" in candidate:
        return None
    known = KNOWN_WIRES.get(candidate.casefold())
    if known:
        return known
    return candidate if _GENERIC_WIRE.match(candidate) else None


def dateline_tag(paragraph: str) -> str | None:
    """The agency tag of an opening dateline ("PORTLAND, Ore. (CWS) —" gives "CWS")."""
    match = _DATELINE.match(paragraph.strip())
    if not match or "/" in match.group("tag"):
        return None
    return match.group("tag").strip()


def expand_tag(tag: str, names: Iterable[str]) -> str:
    """Expand a dateline tag to a full name: a known wire, or a corpus name with those initials."""
    known = KNOWN_WIRES.get(tag.casefold())
    if known:
        return known
    for name in names:
        initials = "".join(
            word[0]
            for word in re.findall(r"[A-Za-z]+", name)
            if word.casefold() not in {"the", "of", "and"}
        )
        if initials.upper() == tag.upper().replace(".", "").replace(" ", ""):
            return name
    return tag


_INLINE_TRAILER = re.compile(r"(?<=[.!?\"”’])\s+(?P<name>[A-Z][A-Z .&-]{1,30}[A-Z])\s*$")


def inline_credit(line: str) -> tuple[str | None, str]:
    """A wire named in capitals after a paragraph's last sentence: '... issue. BLOOMBERG'.

    Returns (wire or None, the line without the credit).
    """
    match = _INLINE_TRAILER.search(line.rstrip())
    if match:
        known = KNOWN_WIRES.get(match.group("name").strip().casefold())
        if known:
            return known, line[: match.start()].rstrip()
    return None, line


def find_wire(lines: list[str]) -> tuple[str | None, set[int]]:
    """Find the wire credit in an article's lines.

    Returns (wire name or None, indices of lines that are only the credit, to drop from
    the text). Only the first and last three non-blank lines are searched for credit lines.
    """
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edges = filled[:3] + filled[-3:]
    credit_lines = {i for i in edges if wire_name(lines[i])}
    wire = next((wire_name(lines[i]) for i in sorted(credit_lines)), None)
    if wire is None:
        wire = next((w for i in filled[-3:] if (w := inline_credit(lines[i])[0])), None)
    if wire is None:
        for i in filled[:4]:
            tag = dateline_tag(lines[i])
            if tag:
                wire = tag
                break
    return wire, credit_lines
