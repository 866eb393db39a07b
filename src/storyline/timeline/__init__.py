"""Story timelines: dated events in order, each citing its articles."""

from storyline.timeline.build import build_timeline
from storyline.timeline.chart import period_end, timeline_chart
from storyline.timeline.pool import PoolWeights, timeline_from_pool

__all__ = ["PoolWeights", "build_timeline", "period_end", "timeline_chart", "timeline_from_pool"]
