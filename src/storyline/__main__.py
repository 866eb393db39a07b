"""`python -m storyline` runs the CLI."""

from storyline.cli.app import main

main()
