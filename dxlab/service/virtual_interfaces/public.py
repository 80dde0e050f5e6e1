"""The review of a public VIF's prefixes (maximum_resiliency.md: "it can take up to 72
hours for AWS to review and approve your request").

A public VIF waits in `verifying` until its prefixes are approved — by hand
(`dxlab approve-prefixes VIF_ID`, `POST /_dxlab/virtual-interfaces/{id}/approve-prefixes`)
or at once when the account's settings list prefixes it owns that cover them
(`POST /_dxlab/accounts/{account}/owned-prefixes`). Refused prefixes leave the VIF
`rejected` (`/reject-prefixes`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from dxlab.domain import vif as rules
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.states import BGP_PEER, VIF, BGPPeerState, VirtualInterfaceState, set_state
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.service.virtual_interfaces.lifecycle import finish_reject, schedule_provisioning
from dxlab.service.virtual_interfaces.state import KIND, view, vif_not_found
from dxlab.store.repository import Record, UnitOfWork

SETTINGS_KIND = "owned_prefixes"


def owned_prefixes(uow: UnitOfWork, account: str) -> list[str]:
    rec = uow.get(SETTINGS_KIND, account)
    return list(rec.doc.get("prefixes", [])) if rec else []


def covered(prefixes: list[str], owned: list[str]) -> bool:
    nets = [ipaddress.ip_network(o) for o in owned]
    for p in prefixes:
        net = ipaddress.ip_network(p)
        if not any(o.version == net.version and net.subnet_of(o) for o in nets):  # type: ignore[arg-type]
            return False
    return True


def _to_pending(rec: Record) -> None:
    set_state(rec.doc, VIF, VirtualInterfaceState.PENDING)
    for peer in rec.doc.get("bgpPeers", []):
        if peer["bgpPeerState"] == BGPPeerState.VERIFYING:
            set_state(peer, BGP_PEER, BGPPeerState.PENDING)


def _approve(uow: UnitOfWork, ctx: Context, rec: Record) -> None:
    _to_pending(rec)
    uow.put(rec)
    schedule_provisioning(uow, ctx, rec.id)


def approve_if_owned(uow: UnitOfWork, ctx: Context, rec: Record) -> bool:
    """Approve a verifying public VIF at once when its owner's settings cover its prefixes."""
    prefixes = [p["cidr"] for p in rec.doc.get("routeFilterPrefixes", [])]
    owned = owned_prefixes(uow, rec.account)
    if (
        rec.doc["virtualInterfaceState"] != VirtualInterfaceState.VERIFYING
        or not owned
        or not covered(prefixes, owned)
    ):
        return False
    _to_pending(rec)
    return True


def _verifying(uow: UnitOfWork, ctx: Context, vif_id: str) -> Record:
    rec = uow.get(KIND, vif_id)
    if rec is None or rec.account != ctx.account:  # only the VIF's owner stands in for AWS's review
        raise vif_not_found(vif_id)
    state = rec.doc["virtualInterfaceState"]
    if rec.doc["virtualInterfaceType"] != rules.PUBLIC:
        raise ValidationError(
            f"Virtual interface {vif_id} is {rec.doc['virtualInterfaceType']}; only public VIFs have prefixes to review"
        )
    if state != VirtualInterfaceState.VERIFYING:
        raise Conflict(f"Virtual interface {vif_id} is in state {state}, not verifying")
    return rec


@route("POST", "/virtual-interfaces/{vif_id}/approve-prefixes", write=True)
def approve_prefixes(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """AWS's review approves the prefixes: the VIF goes on to `pending`, then up."""
    rec = _verifying(uow, ctx, args["vif_id"])
    _approve(uow, ctx, rec)
    return view(uow, ctx, rec)


@route("POST", "/virtual-interfaces/{vif_id}/reject-prefixes", write=True)
def reject_prefixes(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """AWS's review refuses the prefixes (not shown to be the customer's): `rejected`."""
    rec = _verifying(uow, ctx, args["vif_id"])
    finish_reject(uow, ctx, rec)
    return view(uow, ctx, rec)


@route("POST", "/accounts/{account}/owned-prefixes", write=True)
def set_owned_prefixes(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    """The public prefixes an account has shown it owns; its public VIFs advertising
    only these are approved at once (now and when created later)."""
    account = str(args["account"])
    if account != ctx.account:
        raise ValidationError(
            f"Account {ctx.account} cannot change the settings of account {account}"
        )
    raw = args.get("prefixes")
    if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
        raise ValidationError("prefixes must be a list of CIDR strings")
    prefixes = rules.check_route_filter_prefixes([{"cidr": p} for p in raw], 10_000) if raw else []
    uow.put(Record(SETTINGS_KIND, account, account, {"prefixes": prefixes}))
    approved = []
    for rec in uow.list(KIND, account=account):
        if approve_if_owned(uow, ctx, rec):
            _approve(uow, ctx, rec)
            approved.append(rec.id)
    return {"account": account, "prefixes": prefixes, "approved": approved}


@route("GET", "/accounts/{account}/owned-prefixes")
def get_owned_prefixes(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, Any]:
    if str(args["account"]) != ctx.account:
        raise ValidationError(
            f"Account {ctx.account} cannot read the settings of account {args['account']}"
        )
    return {"account": args["account"], "prefixes": owned_prefixes(uow, str(args["account"]))}
