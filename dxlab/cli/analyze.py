"""`dxlab analyze` and `dxlab diagram`: thin (STYLE 12) — they fetch the analysis JSON or
the SVG from the server's /_dxlab routes and render them (toolkit/report.py,
toolkit/diagram.py). Registered on the main `dxlab` group by cli/main.py."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

Call = Callable[..., Any]


def register(main: click.Group, endpoint_option: Callable[[Any], Any], call: Call) -> None:
    @main.command()
    @click.option(
        "--json",
        "fmt",
        flag_value="json",
        help="One JSON object: sla, single_points_of_failure, scenarios...",
    )
    @click.option("--markdown", "fmt", flag_value="markdown", help="A Markdown report.")
    @click.option("--html", "fmt", flag_value="html", help="A standalone HTML report.")
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        default=None,
        help="File to write (default: print).",
    )
    @endpoint_option
    def analyze(fmt: str | None, output: str | None, endpoint: str) -> None:
        """Every single and pair failure of the design: SLA, single points of failure, findings."""
        from dxlab.cli.client import ext
        from dxlab.toolkit import report

        result = call(ext, endpoint, "GET", "/analyze")
        if fmt == "json":
            text = json.dumps(result, indent=2) + "\n"
        elif fmt == "markdown":
            text = report.markdown(result)
        elif fmt == "html":  # with the topology drawn in it
            text = report.html(result, diagram=call(ext, endpoint, "GET", "/diagram.svg").decode())
        else:
            # To a file: the same text without colours.
            console = Console(
                width=None if sys.stdout.isatty() and not output else 160,
                file=io.StringIO() if output else None,
                record=bool(output),
            )
            for part in report.rich_renderables(result):
                console.print(part)
            text = console.export_text() if output else ""
        if output:
            Path(output).write_text(text)
            click.echo(f"wrote {output} (SLA {result['sla']})", err=True)
        elif text:
            click.echo(text, nl=False)

    @main.command()
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        required=True,
        help="FILE.svg or FILE.png (PNG is rendered with rsvg-convert or cairosvg).",
    )
    @endpoint_option
    def diagram(output: str, endpoint: str) -> None:
        """Draw the topology like the guide's figure; failed parts in red."""
        from dxlab.cli.client import ext
        from dxlab.toolkit.diagram import svg_to_png

        suffix = Path(output).suffix.lower()
        if suffix not in (".svg", ".png"):
            raise click.BadParameter("the file must end in .svg or .png", param_hint="-o")
        svg = call(ext, endpoint, "GET", "/diagram.svg")
        data = svg
        if suffix == ".png":
            try:
                data = svg_to_png(svg)
            except RuntimeError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(1)
        Path(output).write_bytes(data)
        click.echo(f"wrote {output}")
