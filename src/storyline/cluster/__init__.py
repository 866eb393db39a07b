"""Story clustering: each new article joins an active story or starts one."""

from storyline.cluster.batch import assign_stories, map_story_ids, recluster
from storyline.cluster.label import story_label
from storyline.cluster.online import OnlineClusterer, cluster_stream, resolve_embedder

__all__ = [
    "OnlineClusterer",
    "assign_stories",
    "cluster_stream",
    "map_story_ids",
    "recluster",
    "resolve_embedder",
    "story_label",
]
