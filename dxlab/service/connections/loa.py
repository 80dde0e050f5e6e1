"""DescribeLoa and the deprecated DescribeConnectionLoa / DescribeInterconnectLoa: the
LOA-CFA of a connection, interconnect or LAG as a PDF.

Guide: dedicated_connection.md (Download the LOA-CFA), using-cli.md step 2 (the CLI
prints loaContent base64-encoded), Colocation.md (90-day validity)."""

from __future__ import annotations

from dxlab.domain import catalog
from dxlab.domain.errors import NotFound
from dxlab.domain.loa import CONTENT_TYPE, LoaCfa, LoaPort, check_available
from dxlab.domain.shapes import (
    DescribeConnectionLoaRequest,
    DescribeConnectionLoaResponse,
    DescribeInterconnectLoaRequest,
    DescribeInterconnectLoaResponse,
    DescribeLoaRequest,
    Loa,
)
from dxlab.domain.speeds import OPTICS
from dxlab.domain.states import CONNECTION, ConnectionState
from dxlab.service.common import find, find_port
from dxlab.service.connections.dedicated import check_not_held, check_provider
from dxlab.service.connections.loa_pdf import render
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.store.repository import Record, UnitOfWork

# The document fields each kind keeps its state, name and bandwidth in (model shapes
# Connection, Interconnect, Lag).
_FIELDS = {
    "connection": ("Connection", "connectionState", "connectionName", "bandwidth"),
    "interconnect": ("Interconnect", "interconnectState", "interconnectName", "bandwidth"),
    "lag": ("LAG", "lagState", "lagName", "connectionsBandwidth"),
}


def _any_connection(uow: UnitOfWork, ctx: Context, resource_id: str) -> Record:
    """DescribeLoa's connectionId: "The ID of a connection, LAG, or interconnect"."""
    if resource_id.startswith("dxlag-"):
        return find(uow, ctx, "lag", resource_id)
    return find_port(uow, ctx, resource_id)


def _port(rec: Record) -> LoaPort:
    doc = rec.doc
    port = rec.meta.get("port")
    loc = catalog.location(str(doc.get("location")))
    sub_name = rec.meta.get("subLocation")
    found = catalog.device(str(doc.get("awsDevice")))
    if sub_name is None and found is not None:
        sub_name = found[1].sub_location
    return LoaPort(
        connection_id=rec.id,
        connection_name=str(doc.get("connectionName") or doc.get("interconnectName") or ""),
        aws_device=str(doc.get("awsDevice", "")),
        aws_device_v2=str(doc.get("awsDeviceV2", "")),
        port=int(port) if port is not None else None,
        sub_location=loc.sub_location(sub_name) if loc and sub_name else None,
    )


def _lag_members(uow: UnitOfWork, lag: Record) -> list[Record]:
    """The ports of a LAG: its connections, or a partner's interconnects."""
    members = [
        r
        for kind in ("connection", "interconnect")
        for r in uow.list(kind, account=lag.account)
        if r.doc.get("lagId") == lag.id
        and "partnerAccount" not in r.meta  # hosted connections ride on the LAG, not in it
        and r.doc.get(_FIELDS[kind][1]) in CONNECTION.live
    ]
    return sorted(members, key=lambda r: r.id)


def _issue_time(uow: UnitOfWork, rec: Record) -> float | None:
    """When AWS issued the LOA-CFA, or None while it has not (yet)."""
    if rec.kind == "lag":  # the Lag shape has no loaIssueTime: its ports' first one
        members = _lag_members(uow, rec)
        if not members:
            return rec.created or None
        times = [t for m in members if (t := _issue_time(uow, m)) is not None]
        return min(times) if times else None
    issued = rec.doc.get("loaIssueTime")
    if issued is not None:
        return float(issued)
    if rec.doc.get(_FIELDS[rec.kind][1]) == ConnectionState.REQUESTED:
        return None  # the provisioning step "loa" has not issued it yet
    return rec.created or None


def letter(uow: UnitOfWork, ctx: Context, rec: Record, provider: str | None) -> LoaCfa:
    """The LOA-CFA of a connection, interconnect or LAG the caller owns."""
    kind, state_field, name_field, bandwidth_field = _FIELDS[rec.kind]
    check_not_held(rec, "its LOA-CFA is issued")
    issued = _issue_time(uow, rec)
    partner = rec.doc.get("partnerName", "") if "partnerAccount" in rec.meta else None
    check_available(kind, rec.id, str(rec.doc.get(state_field, "unknown")), issued, partner)
    assert issued is not None
    loc = catalog.location(str(rec.doc.get("location")))
    if loc is None:
        raise NotFound(f"Location {rec.doc.get('location')} of {rec.id} is not in the catalog")
    if provider and provider.strip():
        # The LOA names the provider that completes the cross-connect: one that serves the
        # location, as CreateConnection requires (and a name the letter can print).
        check_provider(loc, provider.strip())
    ports = [_port(m) for m in _lag_members(uow, rec)] if rec.kind == "lag" else [_port(rec)]
    if rec.kind == "lag" and not ports:
        ports = [
            LoaPort(
                rec.id,
                str(rec.doc.get("lagName", "")),
                str(rec.doc.get("awsDevice", "")),
                str(rec.doc.get("awsDeviceV2", "")),
                None,
                None,
            )
        ]
    bandwidth = str(rec.doc.get(bandwidth_field, ""))
    return LoaCfa(
        kind=kind,
        resource_id=rec.id,
        resource_name=str(rec.doc.get(name_field, "")),
        account=rec.account,
        provider=(provider or "").strip() or rec.doc.get("providerName"),
        location=loc,
        bandwidth=bandwidth,
        optics=OPTICS.get(bandwidth),
        issued=issued,
        ports=tuple(ports),
    )


def _loa(uow: UnitOfWork, ctx: Context, rec: Record, provider: str | None) -> Loa:
    content = render(letter(uow, ctx, rec, provider))
    return {"loaContent": content, "loaContentType": CONTENT_TYPE}


@operation("DescribeLoa")
def describe_loa(uow: UnitOfWork, ctx: Context, req: DescribeLoaRequest) -> Loa:
    rec = _any_connection(uow, ctx, req["connectionId"])
    return _loa(uow, ctx, rec, req.get("providerName"))


@operation("DescribeConnectionLoa")
def describe_connection_loa(
    uow: UnitOfWork, ctx: Context, req: DescribeConnectionLoaRequest
) -> DescribeConnectionLoaResponse:
    """Deprecated in favour of DescribeLoa: same letter, wrapped in `loa`."""
    rec = find(uow, ctx, "connection", req["connectionId"])
    return {"loa": _loa(uow, ctx, rec, req.get("providerName"))}


@operation("DescribeInterconnectLoa")
def describe_interconnect_loa(
    uow: UnitOfWork, ctx: Context, req: DescribeInterconnectLoaRequest
) -> DescribeInterconnectLoaResponse:
    """Deprecated in favour of DescribeLoa: same letter, wrapped in `loa`."""
    rec = find(uow, ctx, "interconnect", req["interconnectId"])
    return {"loa": _loa(uow, ctx, rec, req.get("providerName"))}
