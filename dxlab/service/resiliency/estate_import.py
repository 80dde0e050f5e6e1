"""`dxlab import`'s writer: an estate read from an account (toolkit/estate.py) becomes
this server's records, in one transaction, with the same ids, states, locations, devices
(`awsDeviceV2`, `awsLogicalDeviceId`: the real devices are what a device single point of
failure is about), owner accounts and regions as read; a customer-side skeleton inferred
from it (toolkit/estate_topology.py) is loaded with it, so the analyzer has routers.

Each record keeps its API document exactly as read; `meta` says it was imported and
carries what the documents do not (a VGW's VPC CIDRs, inferred from the prefixes its
associations allow). Importing again replaces what the earlier import wrote."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dxlab.domain import gateway
from dxlab.domain.errors import AccessDenied, ValidationError
from dxlab.domain.states import (
    GATEWAY_TGW,
    GATEWAY_VGW,
    ConnectionState,
    DirectConnectGatewayAssociationState,
    GatewayState,
    set_state,
)
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.store.repository import Record, UnitOfWork
from dxlab.toolkit import estate as est
from dxlab.toolkit.estate_topology import links_of, skeleton

IMPORT_KIND = "estate_import"
# A port whose connection came up was patched by a cross-connect (connections.md).
PATCHED = frozenset({ConnectionState.AVAILABLE, ConnectionState.DOWN})


def _vgw_doc(gid: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"virtualGatewayId": gid}
    set_state(doc, GATEWAY_VGW, GatewayState.AVAILABLE)
    return doc


def _port(
    kind: str, doc: dict[str, Any], state_field: str, parent: str | None, account: str, **meta: Any
) -> Record:
    patched = doc.get(state_field) in PATCHED
    # An interconnect's document names no owner (the model): it is the reader's own.
    return Record(
        kind,
        str(doc[f"{kind}Id"]),
        str(doc.get("ownerAccount") or account),
        doc,
        {"imported": True, "crossConnect": patched, **meta},
        parent=parent,
    )


def records(estate: dict[str, Any], account: str) -> list[Record]:
    """The store records of an estate read as `account`."""
    out: list[Record] = []
    owner_of: dict[str, str] = {}
    for doc in estate.get("lags", []):
        out.append(_port("lag", doc, "lagState", None, account))
    for doc in estate.get("interconnects", []):
        out.append(_port("interconnect", doc, "interconnectState", doc.get("lagId"), account))
    hosted_on = estate.get("hostedOn", {})
    for doc in estate.get("connections", []) + estate.get("hostedConnections", []):
        cid = str(doc["connectionId"])
        if cid in owner_of:
            continue  # a hosted connection of the account itself is listed by both calls
        hosted = cid in hosted_on or bool(doc.get("partnerName") and doc.get("vlan"))
        meta: dict[str, Any] = {"hosted": True} if hosted else {}
        if cid in hosted_on:
            meta["partnerAccount"] = account
        out.append(
            _port(
                "connection",
                doc,
                "connectionState",
                doc.get("lagId") or hosted_on.get(cid),
                account,
                **meta,
            )
        )
        owner_of[cid] = str(doc.get("ownerAccount") or account)
    owner_of.update(
        {str(d["lagId"]): str(d.get("ownerAccount") or account) for d in estate.get("lags", [])}
    )
    owner_of.update({str(d["interconnectId"]): account for d in estate.get("interconnects", [])})
    gateway_asn: dict[str, int] = {}
    for doc in estate.get("virtualInterfaces", []):
        parent = str(doc["connectionId"])
        owner = str(doc.get("ownerAccount", account))
        connection_owner = owner_of.get(parent, account)
        out.append(
            Record(
                "virtual_interface",
                str(doc["virtualInterfaceId"]),
                owner,
                doc,
                {
                    "imported": True,
                    "connectionOwner": connection_owner,
                    "hosted": owner != connection_owner,
                },
                parent=parent,
            )
        )
        if doc.get("virtualGatewayId") and doc.get("amazonSideAsn"):
            gateway_asn[str(doc["virtualGatewayId"])] = int(doc["amazonSideAsn"])
    for doc in estate.get("directConnectGateways", []):
        out.append(
            Record(
                "dx_gateway",
                str(doc["directConnectGatewayId"]),
                str(doc.get("ownerAccount", account)),
                doc,
                {"imported": True},
            )
        )
    out += _gateways(estate, account, gateway_asn)
    _merge_tags(out, estate.get("resourceTags", []))
    return out


def _gateways(estate: dict[str, Any], account: str, asn_of: dict[str, int]) -> list[Record]:
    """The associations, and the VGWs and TGWs they and the VIFs reach. EC2 owns these
    gateways, so Direct Connect says little of them: the VPC CIDRs are inferred from the
    prefixes an association allows (by default the VPC's CIDRs, direct-connect-gateways.md),
    the region from the association, the Amazon ASN from a VIF attached to the VGW."""
    out: list[Record] = []
    gateways: dict[str, dict[str, Any]] = {}
    default_region = (estate.get("regions") or ["us-east-1"])[0]
    for doc in estate.get("virtualGateways", []):
        gid = str(doc["virtualGatewayId"])
        gateways[gid] = {
            "owner": account,
            "region": estate.get("regionOf", {}).get(gid, default_region),
            "cidrs": [],
            "doc": doc,
        }
    for doc in estate.get("directConnectGatewayAssociations", []):
        dxgw = str(doc["directConnectGatewayId"])
        assoc = doc.get("associatedGateway") or {}
        gid = str(assoc.get("id") or doc.get("virtualGatewayId") or "")
        out.append(
            Record(
                "gateway_association",
                str(doc["associationId"]),
                str(doc.get("directConnectGatewayOwnerAccount", account)),
                doc,
                {"imported": True, "gatewayOwner": str(assoc.get("ownerAccount", account))},
                parent=dxgw,
            )
        )
        if (
            not gid
            or doc.get("associationState") == DirectConnectGatewayAssociationState.DISASSOCIATED
        ):
            continue
        entry = gateways.setdefault(
            gid,
            {
                "owner": str(
                    assoc.get("ownerAccount") or doc.get("virtualGatewayOwnerAccount") or account
                ),
                "region": "",
                "cidrs": [],
                "doc": None,
            },
        )
        entry["region"] = entry["region"] or str(
            assoc.get("region") or doc.get("virtualGatewayRegion") or default_region
        )
        for p in doc.get("allowedPrefixesToDirectConnectGateway", []):
            if p.get("cidr") and p["cidr"] not in entry["cidrs"]:
                entry["cidrs"].append(p["cidr"])
    for gid, entry in gateways.items():
        asn = asn_of.get(gid, gateway.DEFAULT_AMAZON_ASN)
        meta = {
            "imported": True,
            "amazonSideAsn": asn,
            "vpcCidrs": entry["cidrs"],
            "region": entry["region"],
        }
        if gid.startswith("tgw-"):
            doc = {"transitGatewayId": gid}
            set_state(doc, GATEWAY_TGW, GatewayState.AVAILABLE)
            doc["amazonSideAsn"] = asn
            out.append(Record("transit_gateway", gid, entry["owner"], doc, meta))
        else:
            doc = entry["doc"] or _vgw_doc(gid)
            out.append(Record("virtual_gateway", gid, entry["owner"], doc, {**meta, "vpcId": None}))
    return out


def _merge_tags(recs: list[Record], resource_tags: list[dict[str, Any]]) -> None:
    by_id = {r.id: r for r in recs}
    for item in resource_tags:
        rid = str(item.get("resourceArn", "")).rsplit("/", 1)[-1]
        if rid in by_id and item.get("tags") is not None:
            by_id[rid].doc["tags"] = item["tags"]


def import_estate(
    uow: UnitOfWork,
    ctx: Context,
    estate: dict[str, Any],
    topology: str | None = None,
    sites: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Store the estate; load `topology`, else the customer side inferred from the estate
    with the data centers `sites` names (location or connection id -> data center)."""
    if estate.get("format") != est.FORMAT:
        raise ValidationError(
            f"Not a dxlab estate (format {estate.get('format')!r}, expected {est.FORMAT!r})"
        )
    account = est.account_of(estate) or ctx.account
    if ctx.settings.auth == "strict" and account != ctx.account:
        # With verified signatures, an account's records are written by that account only.
        raise AccessDenied(
            f"Account {ctx.account} may not import the estate of account {account};"
            f" sign with a key registered for {account}"
        )
    recs = records(estate, account)
    earlier = uow.get(IMPORT_KIND, account)
    for kind, rid in earlier.doc.get("records", []) if earlier else []:
        uow.delete(kind, rid)  # what the earlier import wrote and this one no longer lists
        uow.release_owner(rid)
    for rec in recs:
        rec.created = ctx.now()
        uow.put(rec)
        if rec.kind == "virtual_interface":
            # VLANs are unique per connection (claims), so a rehearsed VIF cannot take one.
            uow.claim(f"vlan:{rec.parent}", str(rec.doc.get("vlan")), rec.id)
    counts: dict[str, int] = {}
    for rec in recs:
        counts[rec.kind] = counts.get(rec.kind, 0) + 1
    result: dict[str, Any] = {
        "account": account,
        "records": counts,
        "unread": estate.get("unread", []),
    }
    if topology is None and links_of(estate, account):
        topology = skeleton(estate, account, sites)
        result["inferredTopology"] = topology
    installed = _customer_side(
        uow,
        replace(ctx, account=account),
        topology,
        earlier.meta.get("topology") if earlier else None,
    )
    if installed is not None:
        result["topology"] = {k: v for k, v in installed.items() if k != "yaml"}
    uow.put(
        Record(
            IMPORT_KIND,
            account,
            account,
            {
                "records": [[r.kind, r.id] for r in recs],
                "source": estate.get("source", ""),
                "regions": estate.get("regions", []),
            },
            {"topology": installed.get("yaml") if installed else None},
            created=ctx.now(),
        )
    )
    return result


def _customer_side(
    uow: UnitOfWork, ctx: Context, skeleton: str | None, last_skeleton: str | None
) -> dict[str, Any] | None:
    """Load the inferred skeleton, unless the user has loaded their own topology since the
    last import (a nightly re-import must not undo the prefixes they filled in): theirs is
    loaded again, so it resolves against the estate as it is now."""
    from dxlab.service.customer.topology import install
    from dxlab.service.snapshot import TOPOLOGY_KIND

    current = uow.get(TOPOLOGY_KIND, ctx.account)
    theirs = current.meta.get("yaml") if current is not None else None
    problem = None
    if theirs and theirs != last_skeleton:
        try:
            done = install(uow, ctx, theirs, "topology")
            return {"sites": done["sites"], "routers": done["routers"], "kept": True}
        except ValidationError as exc:  # e.g. a connection it names is gone
            problem = f"the loaded topology no longer fits the estate ({exc.message}); the inferred one replaces it"
    if not skeleton:
        return None
    done = install(uow, ctx, skeleton, "import")
    out = {"sites": done["sites"], "routers": done["routers"], "kept": False, "yaml": skeleton}
    return {**out, "problem": problem} if problem else out


@route("POST", "/import", write=True)
def import_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """Store an estate read by `dxlab import`: {"estate": {...}, "sites": {location or
    connection id: data center}?, "topology": "yaml"? (instead of the inferred one)}."""
    estate = args.get("estate")
    if not isinstance(estate, dict):
        raise ValidationError(
            'Send the estate as {"estate": {...}} (what `dxlab import --save` writes)'
        )
    topology = args.get("topology")
    if topology is not None and not isinstance(topology, str):
        raise ValidationError("topology is the YAML text of a customer topology")
    sites = args.get("sites") or {}
    if not isinstance(sites, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in sites.items()
    ):
        raise ValidationError("sites maps a location code or connection id to a data center name")
    return import_estate(uow, ctx, estate, topology, sites)
