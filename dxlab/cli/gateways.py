"""`dxlab vgw|tgw create|list|delete` (and `dxlab vgw attach|detach`): EC2's gateways,
which dxlab stands in for through its /_dxlab routes; `dxlab dx-gateways`: the account's
Direct Connect gateways with their associations and attached VIFs. Thin (STYLE 12):
they call the server and render tables. Registered on the main `dxlab` group by cli/main.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

console = Console(width=None if sys.stdout.isatty() else 160)
Call = Callable[..., Any]


def gateways_table(rows: list[dict[str, Any]], id_field: str) -> Table:
    table = Table("ID", "Amazon side ASN", "VPC", "VPC CIDRs", "Region", "State")
    for g in rows:
        state = g.get("virtualGatewayState") or g.get("transitGatewayState", "")
        table.add_row(
            g[id_field],
            str(g["amazonSideAsn"]),
            g.get("vpcId", ""),
            ", ".join(g.get("vpcCidrs", [])),
            g["region"],
            state,
        )
    return table


def _gateway_group(
    main: click.Group, endpoint_option: Any, call: Call, kind: tuple[str, str, str, str, str]
) -> click.Group:
    """One of `dxlab vgw` / `dxlab tgw` (virtualgateways.md, direct-connect-transit-gateways.md)."""
    name, path, what, id_field, listed = kind

    @main.group(
        name,
        help=f"{what.capitalize()}s (EC2's, which dxlab stands in for) with their ASN and VPC CIDRs.",
    )
    def group() -> None:
        pass

    @group.command("create", help=f"Create a {what} in the caller's account and Region.")
    @click.option("--asn", type=int, default=None, help="Amazon side ASN (default 64512).")
    @click.option(
        "--vpc-cidr",
        "vpc_cidrs",
        multiple=True,
        help="A CIDR of the VPC(s) behind it (repeatable).",
    )
    @endpoint_option
    def create(asn: int | None, vpc_cidrs: tuple[str, ...], endpoint: str, **extra: Any) -> None:
        from dxlab.cli.client import ext

        body: dict[str, Any] = {
            "vpcCidrs": list(vpc_cidrs),
            **{k: v for k, v in extra.items() if v},
        }
        if asn is not None:
            body["amazonSideAsn"] = asn
        console.print(gateways_table([call(ext, endpoint, "POST", path, body)], id_field))

    @group.command("list", help=f"The caller's {what}s in the Region.")
    @endpoint_option
    def list_(endpoint: str) -> None:
        from dxlab.cli.client import ext

        console.print(gateways_table(call(ext, endpoint, "GET", path)[listed], id_field))

    @group.command("delete", help=f"Delete a {what} (refused while it is associated or has VIFs).")
    @click.argument("gateway_id")
    @endpoint_option
    def delete(gateway_id: str, endpoint: str) -> None:
        from dxlab.cli.client import ext

        doc = call(ext, endpoint, "DELETE", f"{path}/{gateway_id}")
        console.print(f"{doc[id_field]}: deleted")

    if name == "vgw":
        click.option("--vpc-id", "vpcId", default=None, help="The VPC it is attached to.")(create)

        @group.command("attach", help="Attach a virtual private gateway to a VPC.")
        @click.argument("gateway_id")
        @click.option(
            "--vpc-cidr",
            "vpc_cidrs",
            multiple=True,
            required=True,
            help="A CIDR of the VPC (repeatable).",
        )
        @click.option("--vpc-id", default=None, help="The VPC's id (default: a new one).")
        @endpoint_option
        def attach(
            gateway_id: str, vpc_cidrs: tuple[str, ...], vpc_id: str | None, endpoint: str
        ) -> None:
            from dxlab.cli.client import ext

            body: dict[str, Any] = {
                "vpcCidrs": list(vpc_cidrs),
                **({"vpcId": vpc_id} if vpc_id else {}),
            }
            console.print(
                gateways_table(
                    [call(ext, endpoint, "POST", f"{path}/{gateway_id}/attach", body)], id_field
                )
            )

        @group.command(
            "detach",
            help="Detach a virtual private gateway from its VPC (this disassociates it too).",
        )
        @click.argument("gateway_id")
        @endpoint_option
        def detach(gateway_id: str, endpoint: str) -> None:
            from dxlab.cli.client import ext

            call(ext, endpoint, "POST", f"{path}/{gateway_id}/detach")
            console.print(f"{gateway_id}: detached")

    return group


def register(main: click.Group, endpoint_option: Any, call: Call) -> None:
    _gateway_group(
        main,
        endpoint_option,
        call,
        (
            "vgw",
            "/virtual-gateways",
            "virtual private gateway",
            "virtualGatewayId",
            "virtualGateways",
        ),
    )
    _gateway_group(
        main,
        endpoint_option,
        call,
        ("tgw", "/transit-gateways", "transit gateway", "transitGatewayId", "transitGateways"),
    )

    @main.command("dx-gateways")
    @endpoint_option
    def dx_gateways(endpoint: str) -> None:
        """The account's Direct Connect gateways, what they are associated with, and the VIFs
        attached to them."""
        from dxlab.cli.client import api

        dx = api(endpoint)
        table = Table(
            "Direct Connect gateway",
            "Name",
            "ASN",
            "State",
            "Associations (allowed prefixes)",
            "VIFs",
        )
        for g in call(dx.describe_direct_connect_gateways)["directConnectGateways"]:
            gid = g["directConnectGatewayId"]
            assocs = call(
                dx.describe_direct_connect_gateway_associations, directConnectGatewayId=gid
            )
            atts = call(dx.describe_direct_connect_gateway_attachments, directConnectGatewayId=gid)
            table.add_row(
                gid,
                g["directConnectGatewayName"],
                str(g["amazonSideAsn"]),
                g["directConnectGatewayState"],
                "\n".join(
                    f"{a['associatedGateway']['id']} {a['associationState']} "
                    f"({', '.join(p['cidr'] for p in a.get('allowedPrefixesToDirectConnectGateway', []))})"
                    for a in assocs["directConnectGatewayAssociations"]
                ),
                "\n".join(
                    f"{t['virtualInterfaceId']} {t['attachmentState']}"
                    for t in atts["directConnectGatewayAttachments"]
                ),
            )
        console.print(table)
