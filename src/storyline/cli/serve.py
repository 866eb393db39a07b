"""`storyline serve`: the JSON API and web UI over the store, on 127.0.0.1 by default."""

from __future__ import annotations

from typing import Annotated

import typer

from storyline.cli.common import DbOption, say, store_path


def serve_command(
    db: DbOption = None,
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
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not log each request on stderr.")
    ] = False,
) -> None:
    """Serve stories as a JSON API (/api/v1, docs at /docs) and a web UI (/)."""
    import uvicorn

    from storyline.cli.common import existing_store
    from storyline.serve import ServeConfig, create_app

    existing_store(db).close()  # a mistyped --db is an error, not a new empty store
    config = ServeConfig.from_env(
        store_path(db),
        token,
        requests_per_minute=requests_per_minute,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
    )
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"serving on {host}: reachable from the network", "warning")
    logging = {"log_config": log_config(quiet), "log_level": None}
    if workers > 1:
        app = _serve_workers(config, workers)
    else:
        app = create_app(config)
    say(f"serving {config.db_path} at {server_url(host, port)} (API docs at /docs); Ctrl+C stops")
    if workers > 1:
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers, **logging)
    else:
        uvicorn.run(app, host=host, port=port, **logging)


def server_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def log_config(quiet: bool) -> dict:
    """uvicorn's logging with its start-up chatter off and, unless quiet, one line a request."""
    from copy import deepcopy

    from uvicorn.config import LOGGING_CONFIG

    config = deepcopy(LOGGING_CONFIG)
    config["loggers"]["uvicorn"]["level"] = "WARNING"
    config["loggers"]["uvicorn.error"] = {"level": "WARNING"}
    config["loggers"]["uvicorn.access"]["level"] = "WARNING" if quiet else "INFO"
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    config["formatters"]["access"]["fmt"] = (
        '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s'
    )
    config["formatters"]["access"]["datefmt"] = "%Y-%m-%d %H:%M:%S"
    return config


def _serve_workers(config, workers: int) -> str:
    """Several processes need an import string; the config travels in the environment."""
    import os

    os.environ["STORYLINE_SERVE_CONFIG"] = config.to_json()
    return "storyline.serve.app:app_from_env"
