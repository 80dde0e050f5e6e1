"""The `dxlab` command: thin (STYLE 12): it parses, calls the server or the service,
and renders tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from dxlab import config
from dxlab.domain.states import OrderStatus
from dxlab.service.context import Settings

# Wide enough for ID columns when the output is a pipe or a CI log, not a terminal.
console = Console(width=None if sys.stdout.isatty() else 160)

endpoint_option = click.option(
    "--endpoint",
    default=config.endpoint,
    show_default="$DXLAB_ENDPOINT or http://127.0.0.1:4599",
    help="URL of the dxlab server.",
)


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    sys.exit(1)


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a client call and turn the server's error into one readable line."""
    from botocore.exceptions import ClientError, EndpointConnectionError
    from urllib3.exceptions import HTTPError  # the /_dxlab client's connection errors

    from dxlab.cli.client import ExtensionError

    try:
        return fn(*args, **kwargs)
    except ClientError as exc:
        err = exc.response.get("Error", {})
        _fail(f"{err.get('Code')}: {err.get('Message')}")
    except ExtensionError as exc:
        _fail(f"{exc.aws_code}: {exc.message}")
    except (EndpointConnectionError, ConnectionError, OSError, HTTPError) as exc:
        _fail(f"cannot reach the dxlab server ({exc}); start it with `dxlab up`")


@click.group()
@click.version_option(package_name="dxlab")
def main() -> None:
    """dxlab: AWS Direct Connect on one machine."""


def server_options(fn: Any) -> Any:
    for option in reversed(
        [
            click.option("--host", default="127.0.0.1", show_default=True),
            click.option("--port", default=config.DEFAULT_PORT, show_default=True, type=int),
            click.option(
                "--db", default=None, help="sqlite:///PATH or postgresql://... (default: state dir)"
            ),
            click.option(
                "--auth",
                type=click.Choice(["permissive", "strict"]),
                default="permissive",
                show_default=True,
            ),
            click.option("--region", default="us-east-1", show_default=True),
            click.option(
                "--provisioning",
                type=click.Choice(["instant", "manual", "realistic"]),
                default="instant",
                show_default=True,
                help="How connections come up: at once, after `dxlab cross-connect`, or as AWS takes.",
            ),
            click.option(
                "--realistic-factor",
                type=float,
                default=1.0,
                show_default=True,
                help="Scales the realistic durations (0.001 turns 72 h into 4.3 min).",
            ),
            click.option(
                "--test-clock",
                is_flag=True,
                help="Tests move time forward (POST /_dxlab/clock/advance) instead of sleeping.",
            ),
            click.option(
                "--data-plane",
                type=click.Choice(["sim", "lab", "auto"]),
                default="sim",
                show_default=True,
                help="BGP and traffic: simulated, real daemons in network namespaces (root), or lab when it can run.",
            ),
            click.option(
                "--vifs-up-without-router",
                is_flag=True,
                help="Sim: VIFs come up (BGP up) without a customer router patched to their connection (for CI).",
            ),
            click.option(
                "--allow-reset",
                is_flag=True,
                help="Tests may empty the server: POST /_dxlab/reset and moto's POST /moto-api/reset.",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def _settings(auth: str, region: str, provisioning: str, realistic_factor: float) -> Settings:
    return Settings(
        region=region, provisioning=provisioning, realistic_factor=realistic_factor, auth=auth
    )


@main.command()
@server_options
def serve(
    host: str,
    port: int,
    db: str | None,
    auth: str,
    region: str,
    provisioning: str,
    realistic_factor: float,
    test_clock: bool = False,
    data_plane: str = "sim",
    vifs_up_without_router: bool = False,
    allow_reset: bool = False,
) -> None:
    """Run the server in the foreground until SIGINT/SIGTERM."""
    import logging
    import signal
    from dataclasses import replace

    from dxlab.bootstrap import LabUnavailable, bootstrap
    from dxlab.server import serve as run

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # A line per API call (web/calllog.py): the log records nothing its format does not
    # show, as the logging HOWTO's "Optimization" section suggests (no caller's source
    # line, thread, process or multiprocessing name looked up per record).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    settings = replace(
        _settings(auth, region, provisioning, realistic_factor),
        test_clock=test_clock,
        data_plane=data_plane,  # sim | lab | auto: bootstrap resolves it
        vifs_up_without_router=vifs_up_without_router,
        allow_reset=allow_reset,
    )
    try:
        dx = bootstrap(db or config.default_db(), settings)
    except LabUnavailable as exc:
        raise SystemExit(str(exc)) from None
    if dx.plane.name == "lab":
        # uvicorn re-raises SIGTERM once it has shut down: turn it into an exit that runs
        # the lab's teardown instead of ending the process with the lab still up.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run(dx, host, port)


def _pid_file() -> Path:
    return config.state_dir() / "server.pid"


def _running_pid() -> int | None:
    try:
        pid = int(_pid_file().read_text().split()[0])
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


@main.command()
@server_options
@click.option(
    "-t",
    "--topology",
    "topology_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Customer topology (YAML) to load once the server is up.",
)
def up(
    host: str,
    port: int,
    db: str | None,
    auth: str,
    region: str,
    provisioning: str,
    realistic_factor: float,
    topology_file: str | None,
    **extra: Any,
) -> None:
    """Start the server in the background (pid and log in the state directory)."""
    pid = _running_pid()
    if pid:
        console.print(f"dxlab is already running (pid {pid})")
        return
    log = config.state_dir() / "server.log"
    args = [
        sys.executable,
        "-P",
        "-m",
        "dxlab.cli.main",
        "serve",
        "--host",
        host,
        "--port",
        str(port),
        "--auth",
        auth,
        "--region",
        region,
        "--provisioning",
        provisioning,
        "--realistic-factor",
        str(realistic_factor),
    ]
    if db:
        args += ["--db", db]
    for name, value in extra.items():  # options other server flags add (flags or values)
        if value is True:
            args.append("--" + name.replace("_", "-"))
        elif value not in (None, False):
            args += ["--" + name.replace("_", "-"), str(value)]
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    _pid_file().write_text(f"{proc.pid} http://{host}:{port}\n")
    deadline = time.monotonic() + 15
    import urllib.request

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _fail(f"the server exited; see {log}")
        try:
            urllib.request.urlopen(f"http://{host}:{port}/", timeout=0.5).read()
            console.print(f"dxlab is up on http://{host}:{port} (pid {proc.pid}, log {log})")
            if topology_file:
                from dxlab.cli.client import ext

                done = _call(
                    ext,
                    f"http://{host}:{port}",
                    "PUT",
                    "/topology",
                    {"yaml": Path(topology_file).read_text(), "source": topology_file},
                )
                console.print(
                    f"topology {topology_file}: {len(done['sites'])} data center(s), "
                    f"{len(done['routers'])} router(s)"
                )
            return
        except OSError:
            time.sleep(0.1)
    _fail(f"the server did not answer within 15 s; see {log}")


@main.command()
def down() -> None:
    """Stop the background server. Harmless when nothing runs."""
    pid = _running_pid()
    if pid is None:
        console.print("dxlab is not running")
        _pid_file().unlink(missing_ok=True)
        down_lab(console)  # a lab left by a killed server
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            time.sleep(0.05)
        except OSError:
            break
    else:
        os.kill(pid, signal.SIGKILL)
    _pid_file().unlink(missing_ok=True)
    console.print(f"dxlab stopped (pid {pid})")
    down_lab(console)


@main.command()
@endpoint_option
def status(endpoint: str) -> None:
    """Is the server running, and what does it hold?"""
    from dxlab.cli.client import api

    pid = _running_pid()
    console.print(f"background server: {'pid ' + str(pid) if pid else 'not running'}")
    if pid and endpoint == config.endpoint():  # no --endpoint: ask the server `dxlab up` started
        endpoint = _pid_file().read_text().split()[1]
    conns = _call(api(endpoint).describe_connections)["connections"]
    console.print(f"endpoint {endpoint}: answering, {len(conns)} connection(s) in this account")


def connections_table(conns: list[dict[str, Any]]) -> Table:
    table = Table("Connection", "Name", "Region", "Location", "Device", "Bandwidth", "State")
    for c in conns:
        table.add_row(
            c["connectionId"],
            c.get("connectionName", ""),
            c.get("region", ""),
            c["location"],
            c.get("awsDeviceV2", ""),
            c["bandwidth"],
            c["connectionState"],
        )
    return table


region_option = click.option(
    "--region",
    "region",
    default="all",
    show_default=True,
    help="One Region, or `all`: every Region that has Direct Connect locations.",
)


def _in_regions(
    endpoint: str, region: str, operation: str, key: str, **kwargs: Any
) -> list[dict[str, Any]]:
    """A Describe* call in one Region or in each (every Region is its own endpoint on AWS)."""
    from dxlab.cli.client import api
    from dxlab.domain import catalog

    regions = catalog.regions() if region == "all" else [region]
    return [
        item
        for r in regions
        for item in _call(getattr(api(endpoint, region_name=r), operation), **kwargs)[key]
    ]


@main.command()
@region_option
@endpoint_option
def connections(region: str, endpoint: str) -> None:
    """List the account's connections."""
    console.print(
        connections_table(_in_regions(endpoint, region, "describe_connections", "connections"))
    )


@main.command("cross-connect")
@click.argument("connection_id")
@endpoint_option
def cross_connect(connection_id: str, endpoint: str) -> None:
    """Complete the cross-connect of a connection (what the colocation partner does)."""
    from dxlab.cli.client import ext

    doc = _call(ext, endpoint, "POST", f"/cross-connect/{connection_id}")
    console.print(f"{doc['connectionId']}: cross-connect complete, state {doc['connectionState']}")


@main.command()
@click.argument("resource_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="PDF file to write (default: RESOURCE_ID-LOA-CFA.pdf).",
)
@click.option("--provider", default=None, help="Provider that orders the cross connect for you.")
@endpoint_option
def loa(resource_id: str, output: str | None, provider: str | None, endpoint: str) -> None:
    """Download the LOA-CFA of a connection, interconnect or LAG (DescribeLoa) as a PDF."""
    from dxlab.cli.client import api

    kwargs = {"connectionId": resource_id, **({"providerName": provider} if provider else {})}
    content = _call(api(endpoint).describe_loa, **kwargs)["loaContent"]
    path = Path(output or f"{resource_id}-LOA-CFA.pdf")
    path.write_bytes(content)
    console.print(f"{resource_id}: LOA-CFA written to {path} ({len(content)} bytes)")


@main.command()
@click.option(
    "--region", default=None, help="Another region's locations, or `all` (default: the server's)."
)
@endpoint_option
def locations(region: str | None, endpoint: str) -> None:
    """Direct Connect locations of the region, with sub-locations and devices."""
    from urllib.parse import quote

    from dxlab.cli.client import ext

    data = _call(
        ext, endpoint, "GET", "/locations" + (f"?region={quote(region)}" if region else "")
    )
    table = Table("Code", "Name", "Region", "Port speeds", "Sub-locations", "Devices")
    for loc in data["locations"]:
        table.add_row(
            loc["locationCode"],
            loc["locationName"],
            loc["region"],
            " ".join(loc.get("availablePortSpeeds", [])),
            ", ".join(s["name"] for s in loc["subLocations"]),
            str(len(loc["devices"])),
        )
    console.print(table)


@main.group()
def accounts() -> None:
    """Access keys of accounts, for `--auth strict` (written straight into the store)."""


def _local(db: str | None) -> Any:
    """The store itself, through the bus (commands that work while no server runs)."""
    from dxlab.bootstrap import bootstrap
    from dxlab.service.context import Settings

    return bootstrap(db or config.default_db(), Settings())


db_option = click.option(
    "--db", default=None, help="sqlite:///PATH or postgresql://... (default: state dir)"
)


@accounts.command("add")
@click.argument("account_id")
@click.option("--access-key", default=None, help="Access key id to register (default: a new one).")
@click.option("--secret-key", default=None, help="Its secret access key (default: a new one).")
@db_option
def accounts_add(
    account_id: str, access_key: str | None, secret_key: str | None, db: str | None
) -> None:
    """Register an access key for ACCOUNT_ID and print the key pair."""
    from dxlab.domain.errors import DxlabError
    from dxlab.service.accounts import add_account

    dx = _local(db)
    try:
        keys = dx.bus.write(lambda uow: add_account(uow, account_id, access_key, secret_key))
    except DxlabError as exc:
        _fail(exc.message)
    finally:
        dx.close()
    click.echo(f"# account {keys['account']}")
    click.echo(f"AWS_ACCESS_KEY_ID={keys['accessKeyId']}")
    click.echo(f"AWS_SECRET_ACCESS_KEY={keys['secretAccessKey']}")


@accounts.command("list")
@db_option
def accounts_list(db: str | None) -> None:
    """Registered access keys and their accounts (secrets are not shown)."""
    from dxlab.service.accounts import list_accounts

    dx = _local(db)
    try:
        keys = dx.bus.read(list_accounts)
    finally:
        dx.close()
    table = Table("Account", "Access key id")
    for k in keys:
        table.add_row(k["account"], k["accessKeyId"])
    console.print(table)


@main.command()
@click.option(
    "--model",
    type=click.Choice(["maximum", "high", "dev-test", "classic"]),
    help="Resiliency model.",
)
@click.option(
    "--bandwidth",
    help="Capacity per connection, e.g. 10Gbps (other speeds become LAGs, e.g. 20Gbps).",
)
@click.option(
    "--location", "locations", multiple=True, help="Location code (twice for maximum and high)."
)
@click.option(
    "--sub-location",
    "sub_locations",
    multiple=True,
    help="Sub-location (floor) per --location, in order; given once: the first location's.",
)
@click.option(
    "--provider",
    "providers",
    multiple=True,
    help="Service provider per --location, in order: a partner there, or another name (held for review);"
    " given once: every location's.",
)
@click.option(
    "--count", default=1, show_default=True, help="Connections per location (classic model)."
)
@click.option("--tag", "tags", multiple=True, help="KEY=VALUE, repeatable.")
@click.option("--yes", is_flag=True, help="Order without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the order as JSON.")
@click.option(
    "--region",
    default=None,
    help="The Region to order in (its locations only); default: $AWS_REGION, else us-east-1.",
)
@click.option(
    "--topology-out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the customer topology (default: the state directory).",
)
@endpoint_option
def wizard(
    model: str | None,
    bandwidth: str | None,
    locations: tuple[str, ...],
    sub_locations: tuple[str, ...],
    providers: tuple[str, ...],
    count: int,
    tags: tuple[str, ...],
    yes: bool,
    as_json: bool,
    region: str | None,
    topology_out: str | None,
    endpoint: str,
) -> None:
    """The Resiliency Toolkit's connection wizard: plan, summary with SLA and cost, order."""
    import json

    from dxlab.cli.client import api, default_region, ext

    region = region or default_region()

    interactive = sys.stdin.isatty() and not yes
    if model is None:
        if not interactive:
            _fail("--model is required (maximum, high, dev-test or classic)")
        model = click.prompt(
            "Resiliency model", type=click.Choice(["maximum", "high", "dev-test", "classic"])
        )
    if bandwidth is None:
        if not interactive:
            _fail("--bandwidth is required (e.g. 10Gbps)")
        bandwidth = click.prompt("Bandwidth", default="10Gbps")
    if not locations:
        if not interactive:
            _fail("--location is required")
        # The Region's own locations (DescribeLocations), as the console's wizard lists them.
        listed = _call(api(endpoint, region_name=region).describe_locations)["locations"]
        codes = [loc["locationCode"] for loc in listed]
        for loc in listed:
            console.print(f"  {loc['locationCode']:<12} {loc['locationName']}")
        pick = click.Choice(codes)
        first = click.prompt(f"First location in {region}", type=pick)
        locations = (
            (first,)
            if model in ("dev-test", "classic")
            else (first, click.prompt(f"Second location in {region}", type=pick))
        )
    body: dict[str, Any] = {
        "model": model,
        "bandwidth": bandwidth,
        "locations": list(locations),
        "count": count,
    }
    # resiliency_toolkit.md asks for a provider and a sub-location per location.
    if len(sub_locations) == 1:
        body["subLocation"] = sub_locations[0]
    elif sub_locations:
        body["subLocations"] = list(sub_locations)
    if len(providers) == 1:
        body["provider"] = providers[0]
    elif providers:
        body["providers"] = list(providers)
    if tags:
        body["tags"] = [{"key": k, "value": v} for k, _, v in (t.partition("=") for t in tags)]
    plan = _call(ext, endpoint, "POST", "/wizard/plan", body, region=region)
    if not as_json:
        shape = (
            f"{len(plan['slots'])} LAG(s) of {plan['connectionsPerLag']} x {plan['portBandwidth']}"
            if plan["connectionsPerLag"]
            else f"{plan['connections']} x {plan['portBandwidth']}"
        )
        console.print(
            f"[bold]{shape}[/bold] dedicated connection(s), "
            f"model {model} in {plan['region']}, SLA {plan['sla']}, port-hours ${plan['portHourCostUsd']:.2f}/h "
            f"(${plan['monthlyPortCostUsd']:,.2f}/month)"
        )
        for slot in plan["slots"]:
            console.print(f"  {slot['name']} at {slot['location']}")
    if not yes and not (interactive and click.confirm("Place this order?", default=True)):
        _fail("not ordered (pass --yes to order without asking)")
    placed = _call(ext, endpoint, "POST", "/wizard/order", body, region=region)
    out = (
        Path(topology_out)
        if topology_out
        else config.state_dir() / f"topology-{placed['orderId']}.yaml"
    )
    out.write_text(placed["topology"])
    placed["topologyFile"] = str(out)
    if as_json:
        click.echo(json.dumps(placed, indent=2))
        return

    conns = _call(api(endpoint, region_name=region).describe_connections)["connections"]
    console.print(
        connections_table([c for c in conns if c["connectionId"] in placed["connectionIds"]])
    )
    console.print(
        f"order {placed['orderId']}: {placed['status']}; resiliency group {placed['resiliencyGroupId']}"
    )
    if placed["status"] == OrderStatus.APPROVED:
        console.print("LOA-CFA for each connection: dxlab loa CONNECTION_ID -o FILE.pdf")
    elif placed.get("review"):
        console.print(
            f"held for AWS's review: {placed['review']} (dxlab orders approve {placed['orderId']})"
        )
    console.print(
        f"customer topology written to {out} and registered (add your VPCs, then `dxlab topology load`)"
    )


from dxlab.cli.gateways import register as _register_gateways  # noqa: E402

_register_gateways(main, endpoint_option, _call)  # dxlab vgw ..., tgw ..., dx-gateways


def vifs_table(items: list[dict[str, Any]]) -> Table:
    table = Table(
        "Virtual interface",
        "Name",
        "Type",
        "Region",
        "Connection",
        "VLAN",
        "State",
        "BGP peers (customer / Amazon)",
    )
    for v in items:
        peers = "\n".join(
            f"{p['customerAddress']} / {p['amazonAddress']} {p['bgpStatus']}"
            for p in v.get("bgpPeers", [])
        )
        table.add_row(
            v["virtualInterfaceId"],
            v.get("virtualInterfaceName", ""),
            v["virtualInterfaceType"],
            v.get("region", ""),
            v["connectionId"],
            str(v["vlan"]),
            v["virtualInterfaceState"],
            peers,
        )
    return table


@main.command("vifs")
@click.option(
    "--connection", "connection_id", default=None, help="Only the VIFs of this connection or LAG."
)
@region_option
@endpoint_option
def vifs_command(connection_id: str | None, region: str, endpoint: str) -> None:
    """List the account's virtual interfaces with their BGP peers."""
    if connection_id:  # a connection is in one Region: ask that one (the default's unless --region)
        from dxlab.cli.client import api

        kwargs = {} if region == "all" else {"region_name": region}
        found = _call(
            api(endpoint, **kwargs).describe_virtual_interfaces, connectionId=connection_id
        )
        console.print(vifs_table(found["virtualInterfaces"]))
        return
    console.print(
        vifs_table(
            _in_regions(endpoint, region, "describe_virtual_interfaces", "virtualInterfaces")
        )
    )


def _review_prefixes(vif_id: str, endpoint: str, verdict: str) -> None:
    from dxlab.cli.client import ext

    doc = _call(ext, endpoint, "POST", f"/virtual-interfaces/{vif_id}/{verdict}-prefixes")
    done = {"approve": "approved", "reject": "rejected"}[verdict]
    console.print(f"{vif_id}: prefixes {done}, state {doc['virtualInterfaceState']}")


@main.command("approve-prefixes")
@click.argument("vif_id")
@endpoint_option
def approve_prefixes(vif_id: str, endpoint: str) -> None:
    """Approve a public VIF's prefixes (AWS's review): `verifying` -> `pending` -> up."""
    _review_prefixes(vif_id, endpoint, "approve")


@main.command("reject-prefixes")
@click.argument("vif_id")
@endpoint_option
def reject_prefixes(vif_id: str, endpoint: str) -> None:
    """Refuse a public VIF's prefixes (not shown to be yours): the VIF is `rejected`."""
    _review_prefixes(vif_id, endpoint, "reject")


@main.command("owned-prefixes")
@click.argument("account")
@click.argument("cidrs", nargs=-1)
@endpoint_option
def owned_prefixes(account: str, cidrs: tuple[str, ...], endpoint: str) -> None:
    """Set the public prefixes ACCOUNT owns; its public VIFs advertising only these are approved at once."""
    from dxlab.cli.client import ext

    doc = _call(
        ext,
        endpoint,
        "POST",
        f"/accounts/{account}/owned-prefixes",
        {"prefixes": list(cidrs)},
        account=account,
    )
    console.print(
        f"{account}: owns {', '.join(doc['prefixes']) or 'nothing'}; approved {', '.join(doc['approved']) or 'no VIF'}"
    )


@main.command("router-config")
@click.argument("vif_id")
@click.option(
    "--router", "router_type", default=None, help="routerTypeIdentifier (see `dxlab router-types`)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write (default: print).",
)
@endpoint_option
def router_config(vif_id: str, router_type: str | None, output: str | None, endpoint: str) -> None:
    """The customer router configuration of a VIF (DescribeRouterConfiguration)."""
    from dxlab.cli.client import api

    kwargs = {
        "virtualInterfaceId": vif_id,
        **({"routerTypeIdentifier": router_type} if router_type else {}),
    }
    text = _call(api(endpoint).describe_router_configuration, **kwargs)["customerRouterConfig"]
    if output:
        Path(output).write_text(text)
        console.print(f"{vif_id}: router configuration written to {output}")
    else:
        click.echo(text)


@main.command("router-types")
@endpoint_option
def router_types(endpoint: str) -> None:
    """The router types DescribeRouterConfiguration knows."""
    from dxlab.cli.client import ext

    table = Table("routerTypeIdentifier", "Vendor", "Platform", "Software")
    for r in _call(ext, endpoint, "GET", "/router-types")["routerTypes"]:
        table.add_row(r["routerTypeIdentifier"], r["vendor"], r["platform"], r["software"])
    console.print(table)


@main.command()
@click.option("--site", default=None, help="Data center (default: each).")
@click.option("--vpc", default=None, help="VPC (default: each).")
@click.option("--count", default=5, show_default=True, help="Pings per pair.")
@click.option(
    "--public",
    is_flag=True,
    help="Step 5 for the AWS Cloud: to the AWS public service of each public VIF's Region.",
)
@click.option(
    "--ipv6", is_flag=True, help="Dual stack: ping -6 / traceroute -6 to the VPCs' IPv6 instances."
)
@click.option(
    "--to",
    "to",
    default=None,
    help="SiteLink: to another data center (over the AWS network, or the WAN).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@endpoint_option
def verify(
    site: str | None,
    vpc: str | None,
    count: int,
    public: bool,
    ipv6: bool,
    to: str | None,
    as_json: bool,
    endpoint: str,
) -> None:
    """Step 5: traceroute and ping from a data center to the VPC instance (--public: to an
    AWS public service over a public VIF, the Direct Connect hop named in the trace)."""
    import json

    from dxlab.cli.client import ext

    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("site", site),
            ("vpc", vpc),
            ("count", count),
            ("public", "true" if public else None),
            ("ipv6", "true" if ipv6 else None),
            ("to", to),
        )
        if v
    )
    result = _call(ext, endpoint, "GET", f"/verify?{query}")
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        for pair in result["pairs"]:
            console.rule(
                f"{pair['site']} ({pair['source']}) -> {pair['vpc']} ({pair['destination']})"
            )
            for n, hop in enumerate(pair["hops"], start=1):
                console.print(f" {n:>2}  {hop['address']:<16} {hop['resource']}")
            ping = pair["ping"]
            colour = "green" if pair["reachable"] else "red"
            console.print(
                f"[{colour}]ping: {ping['received']}/{ping['sent']} received[/{colour}]"
                + (f"  ({pair['reason']})" if pair["reason"] else "")
            )
    if not result["reachable"]:
        sys.exit(1)


@main.group()
def topology() -> None:
    """The customer side: data centers, routers, prefixes, VPCs."""


@topology.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@endpoint_option
def topology_load(file: str, endpoint: str) -> None:
    """Validate FILE and register it with the server."""
    from dxlab.cli.client import ext

    text = Path(file).read_text()
    done = _call(ext, endpoint, "PUT", "/topology", {"yaml": text, "source": file})
    console.print(
        f"topology {file}: {len(done['sites'])} data center(s), {len(done['routers'])} router(s), "
        f"{len(done['routerOfLink'])} connection(s) patched, VPC gateways {done['vpcGateways']}"
    )
    for warning in done.get("warnings", []):
        console.print(f"warning: {warning}", markup=False)


@topology.command("show")
@endpoint_option
def topology_show(endpoint: str) -> None:
    """Print the loaded topology."""
    from dxlab.cli.client import ext

    data = _call(ext, endpoint, "GET", "/topology")
    click.echo(data.get("yaml", "no topology loaded"))


from dxlab.cli.failover import register as _register_failover  # noqa: E402

_register_failover(main, endpoint_option, _call)  # dxlab test ..., fail, restore, failures


from dxlab.cli.analyze import register as _register_analyze  # noqa: E402

_register_analyze(main, endpoint_option, _call)  # dxlab analyze, diagram


from dxlab.cli.estate import register as _register_import  # noqa: E402

_register_import(main, endpoint_option, _call)  # dxlab import, plan


from dxlab.cli.lab import down_lab  # noqa: E402
from dxlab.cli.lab import register as _register_lab  # noqa: E402

_register_lab(main, endpoint_option, _call)  # dxlab lab status, lab down


@main.group()
def orders() -> None:
    """Connection orders placed with the wizard."""


@orders.command("list")
@endpoint_option
def orders_list(endpoint: str) -> None:
    """Orders, with their status (approved, or pending review for an unknown partner)."""
    from dxlab.cli.client import ext

    table = Table("Order", "Model", "Status", "Provider", "Connections", "Resiliency group")
    for o in _call(ext, endpoint, "GET", "/orders")["orders"]:
        table.add_row(
            o["orderId"],
            o.get("model", ""),
            o["status"],
            o.get("provider", ""),
            ", ".join(o["connections"]),
            o.get("resiliencyGroupId", ""),
        )
    console.print(table)


@orders.command("approve")
@click.argument("order_id")
@endpoint_option
def orders_approve(order_id: str, endpoint: str) -> None:
    """Approve an order held for review (what AWS does for an unknown partner)."""
    from dxlab.cli.client import ext

    done = _call(ext, endpoint, "POST", f"/orders/{order_id}/approve")
    console.print(f"{done['orderId']}: approved; LOA-CFAs and provisioning follow")


if __name__ == "__main__":
    main()
