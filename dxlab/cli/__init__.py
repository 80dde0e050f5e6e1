"""The `dxlab` command, thin (STYLE 12): every command module parses, calls the API or
the bus, and renders tables and progress."""

from dxlab.cli.main import main

__all__ = ["main"]
