"""A hostile-input corpus written at test time: bad files of many kinds with good ones mixed in.

`write_corpus(folder)` writes every case and returns them. A case names the files it wrote,
the marker words of the good articles it holds (each must be stored) and the (source,
reason) fragments of the quarantine records its bad items must produce. Bombs and oversize
files are small: the test runs ingest with low caps (`HOSTILE_SETTINGS`), so a 20 MB
expansion or a 500 KB article stands for the 1 GiB or 50 MB the defaults guard against.
Every text is made up here; nothing comes from ../shared/data.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from storyline.settings import Settings

# Low caps so each "huge" case is a few hundred KB: 400 KB files, 1 MB before the expansion
# ratio is checked, 2 MB parsed whole.
HOSTILE_SETTINGS = Settings(
    max_input_bytes=400_000,
    expansion_check_bytes=1_000_000,
    max_whole_file_bytes=2_000_000,
    max_article_chars=50_000,
)

_TOWNS = ["Marrow Falls", "Heron Bay", "Kestrel Point", "Ashby Vale", "Linden Cross"]
_TOPICS = ["ferry timetable", "library budget", "harbour wall", "school roof", "bridge repair"]


def article(marker: str, paragraphs: int = 3) -> str:
    """A made-up local-news article carrying `marker`, a word found nowhere else."""
    seed = sum(map(ord, marker))
    town, topic = _TOWNS[seed % 5], _TOPICS[(seed // 5) % 5]
    lines = [
        f"The {town} council voted on Tuesday to approve the {topic} plan, reference {marker}, "
        f"after a two-hour debate in which residents asked about the cost and the timetable.",
        f"Councillor Jo Reyes said the {topic} work would begin in the autumn and finish before "
        f"the winter storms, and that the budget of {seed % 90 + 10} million had been checked.",
        f"Opponents said the {town} plan moved too fast; a public meeting on {marker} is set "
        "for next month at the town hall, where the engineers will answer questions.",
    ]
    return "\n\n".join(lines[:paragraphs])


@dataclass
class Case:
    kind: str
    files: list[str]
    good: list[str] = field(default_factory=list)  # markers of articles that must be stored
    bad: list[tuple[str, str]] = field(default_factory=list)  # (source part, reason part)


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6)


def _warc_record(headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers).encode()
    return b"WARC/1.0\r\n" + head + b"\r\n" + body + b"\r\n\r\n"


def _warc_response(uri: str, html: str, content_type: str = "text/html") -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + html.encode()
    return _warc_record(
        [
            ("WARC-Type", "response"),
            ("WARC-Target-URI", uri),
            ("WARC-Date", "2026-03-10T09:00:00Z"),
            ("Content-Length", str(len(http))),
        ],
        http,
    )


def _page(marker: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in article(marker).split("\n\n"))
    return (
        f"<html><head><title>Council vote {marker}</title></head><body><article>"
        f"<h1>Council vote {marker}</h1>{paragraphs}</article></body></html>"
    )


def _rss(items: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>'
        f"<lastBuildDate>Tue, 10 Mar 2026 12:00:00 +0000</lastBuildDate>{items}</channel></rss>"
    )


def _item(marker: str, date: str) -> str:
    return (
        f"<item><title>Vote {marker}</title><link>https://gazette.example/{marker}</link>"
        f"<pubDate>{date}</pubDate><description>{article(marker)}</description></item>"
    )


def write_corpus(folder: Path) -> list[Case]:
    """Write every hostile case under `folder` and return the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def put(name: str, data: bytes | str, case: Case) -> None:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        cases.append(case)

    # -- plain text files ------------------------------------------------------------------
    put("empty.txt", b"", Case("empty file", ["empty.txt"], bad=[("empty.txt", "empty")]))
    put(
        "blank.txt",
        b" \n\t\n\n",
        Case("whitespace only", ["blank.txt"], bad=[("blank.txt", "empty")]),
    )
    put(
        "binary.txt",
        bytes(range(256)) * 40,
        Case("binary bytes", ["binary.txt"], bad=[("binary.txt", "binary")]),
    )
    put(
        "nul.txt",
        article("Nulzero").encode().replace(b" ", b"\x00", 40),
        Case("NUL bytes in text", ["nul.txt"], bad=[("nul.txt", "binary")]),
    )
    put(
        "utf16.txt",
        article("Utfsixteen").encode("utf-16"),
        Case("UTF-16 with BOM", ["utf16.txt"], good=["Utfsixteen"]),
    )
    put(
        "latin.txt",
        (article("Cpwindows") + "\n\nThe caf\u00e9 owner said \u2018no\u2019.").encode("cp1252"),
        Case("Windows-1252", ["latin.txt"], good=["Cpwindows"]),
    )
    mixed = (article("Mixedenc") + "\n\nThe caf\u00e9 \u2014 a landmark.\n").encode(
        "utf-8"
    ) + "The na\u00efve plan \u2019stalled\u2019.\n".encode("cp1252")
    put("mixed.txt", mixed, Case("mixed UTF-8 and Windows-1252", ["mixed.txt"], good=["Mixedenc"]))
    put(
        "huge.txt",
        article("Hugetext") + "\n\n" + ("Filler words run on here. " * 20_000),
        Case("over max_input_bytes", ["huge.txt"], bad=[("huge.txt", "byte limit")]),
    )
    long_line = article("Longline").replace("\n\n", " ") + " " + "word " * 70_000
    put(
        "longline.txt",
        long_line,
        Case("one 350 KB line, over max_article_chars", ["longline.txt"], good=["Longline"]),
    )
    (folder / "markup[").mkdir()  # its file's path reads ".../markup[/red].txt"
    put(
        "markup[/red].txt",
        article("Markupname"),
        Case("rich markup in a path", ["markup[/red].txt"], good=["Markupname"]),
    )
    odd = os.fsdecode(b"caf\xe9-\xff.txt")
    put(odd, article("Bytename"), Case("file name not UTF-8", [odd], good=["Bytename"]))
    put(
        "noise.txt",
        "Yes\n",
        Case("button text", ["noise.txt"], bad=[("noise.txt", "not an article")]),
    )

    # -- JSON Lines ------------------------------------------------------------------------
    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        json.dumps({"text": article("Jsonlgood"), "title": "Good one"}),
        "{not json",
        '{"text": ' + deep + "}",
        json.dumps({"text": 12345}),
        json.dumps({"text": True}),
        json.dumps({"text": {"nested": "object"}}),
        json.dumps([1, 2, 3]),
        json.dumps({"title": "no text field"}),
        json.dumps({"text": article("Surrogate") + " \ud800 end", "title": "Odd \udfff"}),
        json.dumps({"text": article("Yearone"), "date": "0001-01-01T00:00:00+14:00"}),
        json.dumps({"text": article("Yearmax"), "date": "9999-12-31T23:00:00-14:00"}),
        json.dumps({"text": article("Rfcyear"), "date": "Mon, 01 Jan 0001 00:00:00 +1400"}),
        json.dumps({"text": "US troops leave the base \n\n Play Video"}),
        json.dumps(
            {
                "text": "Norfolk, VA\n\nToday\n\nRain. High 58F. Winds ENE at 10 to 20 mph. "
                "Chance of rain 90%.\n\nTonight\n\nLow 56F. Winds E at 10 to 15 mph."
            }
        ),
        json.dumps({"text": "Bypass Road" + "x" * 450_000}),
        json.dumps({"text": article("Jsonlafter")}),
    ]
    put(
        "records.jsonl",
        "\n".join(lines) + "\n",
        Case(
            "bad JSON lines among good ones",
            ["records.jsonl"],
            good=["Jsonlgood", "Surrogate", "Yearone", "Yearmax", "Rfcyear", "Jsonlafter"],
            bad=[
                ("records.jsonl:2", "invalid JSON"),
                ("records.jsonl:3", "nested too deeply"),
                ("records.jsonl:4", "JSON number"),
                ("records.jsonl:5", "JSON boolean"),
                ("records.jsonl:6", "JSON object"),
                ("records.jsonl:7", "is not an article"),
                ("records.jsonl:8", "has no text"),
                ("records.jsonl:13", "player or button text"),
                ("records.jsonl:14", "weather widget"),
                ("records.jsonl:15", "byte limit"),
            ],
        ),
    )
    tweet = (
        "Tweet with a location\n\nYou can add location information to your Tweets, such as "
        "your city or precise location, from the web and via third-party applications. You "
        "always have the option to delete your Tweet location history. Learn more"
    )
    put(
        "tweets.jsonl",
        "\n".join(json.dumps({"text": tweet}) for _ in range(9)) + "\n",
        Case(
            "nine copies of a platform notice",
            ["tweets.jsonl"],
            bad=[(f"tweets.jsonl:{n}", "platform notice") for n in range(1, 10)],
        ),
    )
    put(
        "blanks.jsonl",
        "\n" * 50_000,
        Case("blank lines only", ["blanks.jsonl"], bad=[("blanks.jsonl", "no records")]),
    )
    put(
        "blanks.jsonl.gz",
        _gz(b"\n" * 20_000_000),
        Case("gzip bomb of blank lines", ["blanks.jsonl.gz"], bad=[("blanks.jsonl.gz", "bomb")]),
    )
    good_gz = "\n".join(json.dumps({"text": article(f"Trunc{n}")}) for n in range(40)).encode()
    put(
        "truncated.jsonl.gz",
        _gz(good_gz)[:-400],
        Case(
            "truncated gzip",
            ["truncated.jsonl.gz"],
            good=["Trunc0", "Trunc1"],
            bad=[("truncated.jsonl.gz", "truncated"), ("truncated.jsonl.gz:", "invalid JSON")],
        ),
    )
    corrupt = bytearray(_gz(good_gz))
    corrupt[30:60] = b"\xff" * 30
    put(
        "corrupt.jsonl.gz",
        bytes(corrupt),
        Case("corrupt deflate data", ["corrupt.jsonl.gz"], bad=[("corrupt.jsonl.gz", "")]),
    )

    # -- gzip bombs of every other format ------------------------------------------------
    header = b"title,text\n"
    put(
        "bomb.csv.gz",
        _gz(header + b"a," + b"0" * 30_000_000 + b"\n"),
        Case("csv.gz bomb", ["bomb.csv.gz"], bad=[("bomb.csv.gz", "bomb")]),
    )
    put(
        "bomb.json.gz",
        _gz(b'{"text": "' + b" " * 30_000_000 + b'"}'),
        Case("json.gz bomb", ["bomb.json.gz"], bad=[("bomb.json.gz", "bomb")]),
    )
    put(
        "bomb.txt.gz",
        _gz(b"a" * 30_000_000),
        Case(".gz of text bomb", ["bomb.txt.gz"], bad=[("bomb.txt.gz", "bomb")]),
    )
    put(
        "bomb.warc.gz",
        _gz(
            _warc_record([("WARC-Type", "resource"), ("Content-Length", "30000000")], b"")
            + b"\0" * 30_000_000
        ),  # fmt: skip
        Case("warc.gz bomb", ["bomb.warc.gz"], bad=[("bomb.warc.gz", "bomb")]),
    )
    put(
        "story.txt.gz",
        _gz(article("Gzipped").encode()),
        Case("good .txt.gz", ["story.txt.gz"], good=["Gzipped"]),
    )

    # -- JSON files ----------------------------------------------------------------------
    put("deep.json", "[" * 100_000 + "]" * 100_000, Case(
        "deeply nested .json", ["deep.json"], bad=[("deep.json", "nested too deeply")]
    ))  # fmt: skip
    put("broken.json", '{"text": "unfinished', Case(
        "invalid .json", ["broken.json"], bad=[("broken.json", "invalid JSON")]
    ))  # fmt: skip
    put("scalar.json", "42", Case(
        "JSON scalar", ["scalar.json"], bad=[("scalar.json", "is not an article")]
    ))  # fmt: skip
    put("big.json", json.dumps([{"text": "x " * 1_500_000}]), Case(
        "json over max_whole_file_bytes", ["big.json"], bad=[("big.json", "byte limit")]
    ))  # fmt: skip
    put("array.json", json.dumps([{"text": article("Jsonarray")}, "not an object"]), Case(
        "array with a bad member", ["array.json"], good=["Jsonarray"],
        bad=[("array.json#2", "is not an article")],
    ))  # fmt: skip

    # -- CSV -------------------------------------------------------------------------------
    put("markup.csv", "[/red],[bold]\n1,2\n", Case(
        "CSV with [/red] header", ["markup.csv"], bad=[("markup.csv", "no text column")]
    ))  # fmt: skip
    rows = [
        "title,text,note",
        f'"Good [/red] row","{article("Csvgood")}",ok',
        "Ragged,row",
        f'"Latin","{article("Csvlatin")} caf\u00e9",x',
    ]
    csv_bytes = ("\n".join(rows[:3]) + "\n").encode() + (rows[3] + "\n").encode("cp1252")
    put("rows.csv", csv_bytes, Case(
        "CSV: ragged row, Windows-1252 row", ["rows.csv"], good=["Csvgood", "Csvlatin"],
        bad=[("rows.csv:", "row has 2 fields")],
    ))  # fmt: skip
    put("nul.csv", b"text\n" + b"\x00\x01\x02" * 100, Case(
        "CSV of binary", ["nul.csv"], bad=[("nul.csv", "binary")]
    ))  # fmt: skip

    # -- HTML and feeds ------------------------------------------------------------------
    put("page.html", _page("Htmlgood"), Case("good HTML", ["page.html"], good=["Htmlgood"]))
    put("shell.html", "<html><body><div id=app></div><script>x()</script></body></html>", Case(
        "HTML app shell", ["shell.html"], bad=[("shell.html", "no article text")]
    ))  # fmt: skip
    put("deep.html", "<div>" * 5_000 + "text" + "</div>" * 5_000, Case(
        "deeply nested HTML", ["deep.html"], bad=[("deep.html", "")]
    ))  # fmt: skip
    put("broken.rss", "<rss><channel><item><title>x</title", Case(
        "malformed XML feed", ["broken.rss"], bad=[("broken.rss", "")]
    ))  # fmt: skip
    put("empty.rss", _rss(""), Case("feed without entries", ["empty.rss"], bad=[
        ("empty.rss", "no entries")
    ]))  # fmt: skip
    items = (
        _item("Feedgood", "Tue, 10 Mar 2026 09:00:00 +0000")
        + _item("Feedfuture", "Fri, 31 Dec 2100 09:00:00 +0000")
        + _item("Feedyearone", "Mon, 01 Jan 0001 00:00:00 +1400")
        + _item("Feedyearmax", "Fri, 31 Dec 9999 23:59:59 -1400")
    )
    put("lying.rss", _rss(items), Case(
        "feed with lying and out-of-range dates", ["lying.rss"],
        good=["Feedgood", "Feedfuture", "Feedyearone", "Feedyearmax"],
    ))  # fmt: skip

    # -- WARC ------------------------------------------------------------------------------
    put("crawl.warc", _warc_response("https://x.example/a", _page("Warcgood")), Case(
        "good WARC", ["crawl.warc"], good=["Warcgood"]
    ))  # fmt: skip
    garbage = (
        _warc_response("https://x.example/g", _page("Warcbefore"))
        + b"WARC/1.0\r\n\x00\x01garbage\r\nmore garbage\r\n\r\n"
    )
    put("garbage.warc", garbage, Case(
        "WARC with garbage headers", ["garbage.warc"], good=["Warcbefore"],
        bad=[("garbage.warc#", "Content-Length")],
    ))  # fmt: skip
    no_uri = _warc_record([("WARC-Type", "response"), ("Content-Length", "40")], b"x" * 40)
    put("nouri.warc", no_uri, Case(
        "WARC response without target URI", ["nouri.warc"], bad=[("nouri.warc#1", "WARC record")]
    ))  # fmt: skip
    images = _warc_response("https://x.example/i.png", "PNGDATA", "image/png")
    put("images.warc", images, Case(
        "WARC with no HTML responses", ["images.warc"], bad=[("images.warc", "no HTML response")]
    ))  # fmt: skip
    put("fake.warc", b"not an archive at all\n" * 10, Case(
        "not a WARC", ["fake.warc"], bad=[("fake.warc", "not a WARC")]
    ))  # fmt: skip

    # -- links -----------------------------------------------------------------------------
    outside = folder.parent / f"{folder.name}-outside.txt"
    outside.write_text(article("Outsidelink"))
    (folder / "passwd.txt").symlink_to(outside)
    cases.append(Case("symlink out of the tree", ["passwd.txt"], bad=[("passwd.txt", "outside")]))
    (folder / "inside.txt").symlink_to(folder / "latin.txt")
    cases.append(Case("symlink inside the tree", ["inside.txt"]))
    (folder / "dangling.txt").symlink_to(folder / "missing-target.txt")
    cases.append(Case("broken symlink", ["dangling.txt"], bad=[("dangling.txt", "broken link")]))
    (folder / "loop").symlink_to(folder)
    cases.append(Case("symlink loop to the folder", ["loop"]))
    return cases
