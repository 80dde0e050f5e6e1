"""`dxlab import` and `dxlab plan`: thin (STYLE 12). `import` reads an account's Direct
Connect estate (cli/estate_reader.py, or a folder of AWS CLI outputs), asks which data
center each location serves (--sites or a prompt) and hands both to the dxlab server
(POST /_dxlab/import), which infers the customer side and writes it back to a file; `plan` asks the server what to order to reach a resiliency model (GET /_dxlab/plan) and
can place that order on the server through boto3 (cli/plan_placer.py). Registered on the main
`dxlab` group by cli/main.py.

Interface contract (issue 14; other tools rely on it): `dxlab import [--profile P]
[--region R ...] [--all-regions] [--source-endpoint URL] [--from-files DIR] [--endpoint URL]`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from dxlab import config

Call = Callable[..., Any]


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 160)


def read_estate(
    profile: str | None,
    regions: tuple[str, ...],
    all_regions: bool,
    source_endpoint: str | None,
    from_files: str | None,
    console: Console,
    router_configs: bool = False,
) -> dict[str, Any]:
    from dxlab.toolkit import estate as est

    if from_files:
        try:
            return est.from_files(Path(from_files))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    import boto3
    from botocore.exceptions import BotoCoreError

    from dxlab.cli.estate_reader import EstateReader, Unreachable, steps_for

    try:
        session = boto3.Session(profile_name=profile)
    except BotoCoreError as exc:
        raise click.ClickException(str(exc)) from None
    if all_regions:
        # The regions of botocore's endpoint data for Direct Connect.
        wanted = session.get_available_regions("directconnect")
    else:
        wanted = list(dict.fromkeys(regions)) or [session.region_name or "us-east-1"]
    reader = EstateReader(session, wanted, source_endpoint, router_configs=router_configs)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=not console.is_terminal,
    ) as progress:
        task = progress.add_task("reading", total=steps_for(wanted))

        def step(what: str) -> None:
            progress.update(task, advance=1, description=f"reading {what}")

        try:
            estate = reader.read(step)
        except Unreachable as exc:
            raise click.ClickException(f"cannot reach the Direct Connect endpoint: {exc}") from None
        except BotoCoreError as exc:  # no credentials, an unknown profile...
            raise click.ClickException(str(exc)) from None
    estate["calls"] = {"made": reader.calls, "retried": reader.retries}
    return estate


def _sites(
    estate: dict[str, Any], account: str, sites_file: str | None, interactive: bool
) -> dict[str, str]:
    from dxlab.toolkit.estate_topology import default_site_name, locations, parse_sites

    if sites_file:
        try:
            return parse_sites(Path(sites_file).read_text())
        except (ValueError, OSError) as exc:
            raise click.ClickException(f"--sites {sites_file}: {exc}") from None
    if not interactive:
        return {}
    return {
        loc: click.prompt(f"Data center of your routers at {loc}", default=default_site_name(loc))
        for loc in locations(estate, account)
    }


def _saved_import(path: str) -> dict[str, Any]:
    from dxlab.toolkit.estate import FORMAT

    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise click.BadParameter(f"{path} is not JSON ({exc})", param_hint="--diff") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("estate"), dict)
        or data["estate"].get("format") != FORMAT
    ):
        raise click.BadParameter(
            f"{path} is not an import saved by `dxlab import --save`", param_hint="--diff"
        )
    return data


def register(main: click.Group, endpoint_option: Callable[[Any], Any], call: Call) -> None:
    @main.command("import")
    @click.option(
        "--profile",
        default=None,
        help="AWS profile to read with (default: the usual credential chain).",
    )
    @click.option("--region", "regions", multiple=True, help="Region to read; repeat for several.")
    @click.option("--all-regions", is_flag=True, help="Every region Direct Connect is offered in.")
    @click.option(
        "--source-endpoint",
        default=None,
        help="Direct Connect endpoint to read from (default: AWS's).",
    )
    @click.option(
        "--from-files",
        type=click.Path(exists=True, file_okay=False),
        default=None,
        help="Folder of `aws directconnect describe-* --output json` outputs, named after the command.",
    )
    @click.option(
        "--sites",
        "sites_file",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="YAML: data center -> [locations or connection ids] (default: ask, or one per location).",
    )
    @click.option(
        "--topology-out",
        type=click.Path(dir_okay=False),
        default=None,
        help="Where to write the inferred customer topology (default: the state directory).",
    )
    @click.option(
        "--save",
        type=click.Path(dir_okay=False),
        default=None,
        help="Save this import (estate and analysis) as JSON, for a later --diff.",
    )
    @click.option(
        "--diff",
        "earlier",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="An earlier --save: say what changed since.",
    )
    @click.option(
        "--router-configs",
        is_flag=True,
        help="Also read each VIF's customer router configuration (one call per VIF), kept in --save.",
    )
    @click.option(
        "--yes", is_flag=True, help="Do not ask (one data center per location unless --sites)."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    @endpoint_option
    def import_command(
        profile: str | None,
        regions: tuple[str, ...],
        all_regions: bool,
        source_endpoint: str | None,
        from_files: str | None,
        sites_file: str | None,
        topology_out: str | None,
        save: str | None,
        earlier: str | None,
        router_configs: bool,
        yes: bool,
        as_json: bool,
        endpoint: str,
    ) -> None:
        """Import an account's Direct Connect estate (read-only calls) into the dxlab server."""
        from dxlab.cli.client import ext
        from dxlab.toolkit import estate as est
        from dxlab.toolkit.estate_diff import diff
        from dxlab.toolkit.estate_topology import links_of

        console = _console() if not as_json else Console(stderr=True)
        if from_files and (profile or regions or all_regions or source_endpoint):
            raise click.UsageError(
                "--from-files reads no account: leave out --profile, --region and --source-endpoint"
            )
        if regions and all_regions:
            raise click.UsageError("give --region or --all-regions, not both")
        before = (
            _saved_import(earlier) if earlier else None
        )  # checked before anything is read or written
        estate = read_estate(
            profile, regions, all_regions, source_endpoint, from_files, console, router_configs
        )
        account = est.account_of(estate)
        sites: dict[str, str] = {}
        if account and links_of(estate, account):
            interactive = sys.stdin.isatty() and not yes and not as_json
            sites = _sites(estate, account, sites_file, interactive)
        # The server infers the customer side (the console imports through the same route).
        done = call(ext, endpoint, "POST", "/import", {"estate": estate, "sites": sites})
        out: Path | None = None
        if done.get("inferredTopology"):
            out = (
                Path(topology_out)
                if topology_out
                else config.state_dir() / f"topology-import-{done['account']}.yaml"
            )
            out.write_text(done.pop("inferredTopology"))
        analysis = call(ext, endpoint, "GET", "/analyze", account=done["account"])
        saved = {"estate": estate, "analysis": analysis}
        if save:
            Path(save).write_text(json.dumps(saved, indent=1) + "\n")
        changes = diff(before, saved) if before is not None else None
        if as_json:
            click.echo(
                json.dumps(
                    {
                        **done,
                        "topologyFile": str(out) if out else None,
                        "sla": analysis["sla"],
                        "single_points_of_failure": analysis["single_points_of_failure"],
                        **({"changes": changes} if changes is not None else {}),
                    },
                    indent=2,
                )
            )
            return
        table = Table("Read", "Count")
        for key, count in est.summary(estate).items():
            if count:
                table.add_row(key, str(count))
        console.print(table)
        console.print(
            f"account {done['account']}: {sum(done['records'].values())} record(s) stored in {endpoint}"
        )
        for miss in done["unread"]:
            console.print(
                f"[yellow]could not read[/yellow] {miss['operation']} in {miss['region']}: "
                f"{miss['code']}: {miss['message']}"
            )
        kept = done.get("topology", {}).get("kept")
        if out:
            console.print(
                f"customer topology inferred: {out}"
                + (
                    " (your loaded topology was kept)"
                    if kept
                    else " and loaded (check it, fill in the prefixes, then `dxlab topology load` it again)"
                )
            )
        if done.get("topology", {}).get("problem"):
            console.print(f"[yellow]{done['topology']['problem']}[/yellow]")
        console.print(
            f"SLA {analysis['sla']}; {len(analysis['single_points_of_failure'])} single point(s) of failure;"
            f" `dxlab analyze` (as account {done['account']}) for the whole analysis"
        )
        if changes is not None:
            console.rule(f"changes since {earlier}")
            if not changes:
                console.print("no change")
            for c in changes:
                console.print(f"{c['kind']} {c['id']}: {c['change']}: {c['detail']}")

    @main.command("plan")
    @click.option(
        "--to",
        "model",
        type=click.Choice(["maximum", "high"]),
        required=True,
        help="The resiliency model to reach (maximum_resiliency.md, high_resiliency.md).",
    )
    @click.option(
        "--place",
        is_flag=True,
        help="Place the order on the dxlab server, to rehearse it in the lab.",
    )
    @click.option(
        "--account", default=None, help="The account to plan for (default: the caller's)."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
    @endpoint_option
    def plan_command(
        model: str, place: bool, account: str | None, as_json: bool, endpoint: str
    ) -> None:
        """What to order (connections, locations, devices to avoid, VIFs) to reach a model, and its cost."""
        from dxlab.cli.client import api, ext

        plan = call(ext, endpoint, "GET", f"/plan?to={model}", account=account)
        account = account or plan["account"]
        console = _console() if not as_json else Console(stderr=True)
        if not as_json:
            _print_plan(console, plan)
        placed = None
        if place:
            from dxlab.cli.plan_placer import place as place_order

            dx = api(endpoint, aws_access_key_id=account, aws_secret_access_key="dxlab")

            def topology() -> str | None:
                return call(ext, endpoint, "GET", "/topology", account=account).get("yaml")

            def load(text: str) -> Any:
                return call(
                    ext,
                    endpoint,
                    "PUT",
                    "/topology",
                    {"yaml": text, "source": "plan"},
                    account=account,
                )

            def order(body: dict[str, Any]) -> Any:
                return call(ext, endpoint, "POST", "/wizard/connection", body, account=account)

            placed = call(place_order, dx, plan, topology, load, console.print, order)
            after = call(ext, endpoint, "GET", "/analyze", account=account)
            plan["after"] = {
                "sla": after["sla"],
                "sla_rule": after["sla_rule"],
                "single_points_of_failure": after["single_points_of_failure"],
            }
            if not as_json:
                spofs = after["single_points_of_failure"]
                console.print(
                    f"after the order: SLA {after['sla']}; {len(spofs)} single point(s) of failure"
                    + (f" ({after['sla_rule']})" if after["sla_rule"] else "")
                )
        if as_json:
            click.echo(json.dumps({**plan, **({"placed": placed} if placed else {})}, indent=2))


def _print_plan(console: Console, plan: dict[str, Any]) -> None:
    console.print(f"To reach the {plan['model']} resiliency model (account {plan['account']}):")
    if plan["orders"]:
        table = Table("Order", "Location", "Bandwidth", "Devices to avoid")
        for o in plan["orders"]:
            table.add_row(
                o["ref"], o["location"], o["bandwidth"], ", ".join(o["avoid_devices"]) or "-"
            )
        console.print(table)
    if plan["moves"]:
        table = Table("Move VIF", "From", "To", "Why")
        for m in plan["moves"]:
            table.add_row(m["vif"], m["source"], m["target"], m["reason"])
        console.print(table)
    if plan["virtualInterfaces"]:
        table = Table("Add VIF to", "On", "Type", "ASN")
        for v in plan["virtualInterfaces"]:
            table.add_row(v["gateway"], v["port"], v["type"], str(v["asn"]))
        console.print(table)
    if not (plan["orders"] or plan["moves"] or plan["virtualInterfaces"]):
        console.print("nothing to order or change: every gateway already meets the model's layout")
    for d in plan["devicesToAvoid"]:
        console.print(f"avoid device {d['device']}: {d['reason']}")
    for note in plan["notes"]:
        console.print(f"[yellow]note:[/yellow] {note}")
    console.print(
        f"port-hour cost of the change: ${plan['portHourCostUsd']:.2f}/hour, ${plan['monthlyPortCostUsd']:.2f}/month"
    )
