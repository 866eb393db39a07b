"""`storyline serve`: the JSON API and web UI over the store, on 127.0.0.1 by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.common import say
from storyline.store import default_db_path


def serve_command(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Store file (default: $STORYLINE_DB, else ./storyline.db)."),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 exposes the server to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="STORYLINE_TOKEN",
            help="Token for write endpoints (uploads); without one they are refused.",
        ),
    ] = None,
    requests_per_minute: Annotated[
        int, typer.Option(min=0, help="Per-client request cap (0: no cap).")
    ] = 600,
    max_upload_mb: Annotated[float, typer.Option(min=0.001, help="Largest upload, MB.")] = 10.0,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
) -> None:
    """Serve stories as a JSON API (/api/v1, docs at /docs) and a web UI (/)."""
    import uvicorn

    from storyline.serve import ServeConfig, create_app

    config = ServeConfig.from_env(
        db or default_db_path(),
        token,
        requests_per_minute=requests_per_minute,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"serving on {host}: reachable from the network", "warning")
    if workers > 1:
        _serve_workers(config, host, port, workers)
        return
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")


def _serve_workers(config, host: str, port: int, workers: int) -> None:
    """Several processes need an import string; the config travels in the environment."""
    import os

    import uvicorn

    os.environ["STORYLINE_SERVE_CONFIG"] = config.to_json()
    uvicorn.run(
        "storyline.serve.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
