"""Extractive multi-document summaries whose sentences cite their articles."""

from storyline.summarize.extractive import Candidate, select_sentences, summarize_texts

__all__ = ["Candidate", "select_sentences", "summarize_texts"]
