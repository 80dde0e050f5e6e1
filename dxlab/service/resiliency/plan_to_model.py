"""`dxlab plan --to maximum|high`: the account's ports and VIFs as the store holds them
(an imported estate, or a lab), handed to the pure planner (toolkit/model_plan.py)."""

from __future__ import annotations

from typing import Any

from dxlab.domain import catalog
from dxlab.domain.errors import ValidationError
from dxlab.domain.states import CONNECTION, LAG, VIF_IN_USE
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.store.repository import UnitOfWork
from dxlab.toolkit.model_plan import RULES, Attachment, Port, plan_to

# The VIF types that reach a VGW or a Direct Connect gateway; a public VIF reaches AWS's
# public prefixes, which no model of the toolkit is about.
GATEWAY_TYPES = frozenset({"private", "transit"})


def _device(doc: dict[str, Any]) -> str:
    return str(doc.get("awsDeviceV2") or doc.get("awsDevice") or "")


def ports(uow: UnitOfWork, ctx: Context) -> list[Port]:
    out = []
    for rec in uow.list("lag", account=ctx.account):
        d = rec.doc
        if d.get("lagState") in LAG.live:
            out.append(
                Port(
                    rec.id,
                    str(d.get("location")),
                    _device(d),
                    str(d.get("connectionsBandwidth", "")),
                    str(d.get("region", ctx.region)),
                )
            )
    for rec in uow.list("connection", account=ctx.account):
        d = rec.doc
        if d.get("connectionState") in CONNECTION.live and not d.get("lagId"):
            hosted = bool(rec.meta.get("hosted")) or int(d.get("vlan") or 0) > 0
            out.append(
                Port(
                    rec.id,
                    str(d.get("location")),
                    _device(d),
                    str(d.get("bandwidth", "")),
                    str(d.get("region", ctx.region)),
                    hosted,
                )
            )
    return out


def attachments(uow: UnitOfWork, ctx: Context) -> list[Attachment]:
    out = []
    for rec in uow.list("virtual_interface", account=ctx.account):
        d = rec.doc
        gateway = d.get("directConnectGatewayId") or d.get("virtualGatewayId")
        if (
            d.get("virtualInterfaceState") in VIF_IN_USE
            and d.get("virtualInterfaceType") in GATEWAY_TYPES
            and gateway
        ):
            out.append(
                Attachment(
                    rec.id,
                    str(d["connectionId"]),
                    str(gateway),
                    str(d["virtualInterfaceType"]),
                    int(d.get("asnLong") or d.get("asn") or 0),
                )
            )
    return out


def _locations(region: str) -> list[tuple[str, int]]:
    return [
        (loc.code, len({d.aws_device_v2 for d in loc.devices}))
        for loc in catalog.locations_in(region)
    ]


@route("GET", "/plan")
def plan_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """What to order and change to reach ?to=maximum|high."""
    model = str(args.get("to", ""))
    if model not in RULES:
        raise ValidationError(f"Unknown resiliency model {model!r}: plan --to maximum or high")
    plan = plan_to(model, ports(uow, ctx), attachments(uow, ctx), _locations)
    return {"account": ctx.account, **plan.to_json()}
