"""Briefings as Markdown, JSON or self-contained HTML."""

from storyline.render.html import render_html
from storyline.render.json import briefing_to_dict, render_json
from storyline.render.markdown import render_markdown

RENDERERS = {"md": render_markdown, "json": render_json, "html": render_html}

__all__ = ["RENDERERS", "briefing_to_dict", "render_html", "render_json", "render_markdown"]
