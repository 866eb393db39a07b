"""Command-line interface: a typer root app with one module per command."""
