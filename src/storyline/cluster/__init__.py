"""Story clustering: each new article joins an active story or starts one."""

from storyline.cluster.online import OnlineClusterer, cluster_stream

__all__ = ["OnlineClusterer", "cluster_stream"]
