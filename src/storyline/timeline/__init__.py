"""Story timelines: dated events in order, each citing its articles."""

from storyline.timeline.build import build_timeline, timeline_from_pool

__all__ = ["build_timeline", "timeline_from_pool"]
