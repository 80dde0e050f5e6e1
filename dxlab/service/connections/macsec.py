"""MACsec keys: AssociateMacSecKey and DisassociateMacSecKey on a MACsec-capable
dedicated connection, interconnect or LAG (MACsec.md, associate-key-connection.md,
associate-key-lag.md, disassociate-key-*.md, direct-connect-mac-sec-getting-started.md).

A CKN/CAK pair is kept as a secret (kind `macsec_secret`, id = its Secrets Manager ARN),
as Direct Connect keeps it in Secrets Manager; the CAK never leaves the store."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain.errors import Conflict, NotFound, ValidationError
from dxlab.domain.macsec import apply_keys, check_key_request, is_secret_arn, key_entry, secret_arn
from dxlab.domain.shapes import (
    AssociateMacSecKeyRequest,
    AssociateMacSecKeyResponse,
    DisassociateMacSecKeyRequest,
    DisassociateMacSecKeyResponse,
    MacSecKey,
)
from dxlab.domain.states import CONNECTION, MACSEC_KEY, MacSecKeyState, set_state
from dxlab.service.common import find, in_region
from dxlab.service.connections.lag_rules import lag_members, member_state
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.store.repository import Record, UnitOfWork

SECRET = "macsec_secret"


def key_target(uow: UnitOfWork, ctx: Context, connection_id: str) -> Record:
    """The connection, interconnect (dxcon-) or LAG (dxlag-) a key is for."""
    if connection_id.startswith("dxlag-"):
        rec = find(uow, ctx, "lag", connection_id)
        state, what = rec.doc["lagState"], "LAG"
    else:
        found = uow.get("connection", connection_id) or uow.get("interconnect", connection_id)
        if found is None or found.account != ctx.account or not in_region(found, ctx):
            raise NotFound(f"Could not find Connection with ID {connection_id}")
        rec, state, what = found, member_state(found), "Connection"
    if state in CONNECTION.gone:
        raise Conflict(f"{what} {connection_id} is in state {state}")
    # MACsec.md: MACsec is available on dedicated connections ordered with MACsec support.
    if not rec.doc.get("macSecCapable"):
        raise ValidationError(
            f"{what} {connection_id} does not support MACsec; order a MACsec-capable port (requestMACSec)"
        )
    lag_id = rec.doc.get("lagId") if rec.kind != "lag" else None
    if lag_id:
        # lags.md, MACsec considerations: a LAG's members use the LAG's keys.
        raise ValidationError(
            f"Connection {connection_id} is part of LAG {lag_id}; manage its MACsec keys on the LAG"
        )
    return rec


def resolve_secret(
    uow: UnitOfWork, ctx: Context, req: AssociateMacSecKeyRequest
) -> tuple[str, str]:
    """(secret ARN, CKN) for the request: an existing secret, or the pair stored as one."""
    arn, ckn, cak = req.get("secretARN"), req.get("ckn"), req.get("cak")
    check_key_request(arn, ckn, cak)
    if arn is not None:
        rec = uow.get(SECRET, arn)
        if (
            rec is None
            or rec.account != ctx.account
            or not is_secret_arn(arn, ctx.region, ctx.account)
        ):
            raise NotFound(f"Could not find MACsec secret {arn}")
        return arn, str(rec.doc["ckn"])
    assert ckn is not None and cak is not None
    for rec in uow.list(SECRET, account=ctx.account):
        if rec.doc["ckn"].lower() == ckn.lower() and rec.doc["region"] == ctx.region:
            if rec.meta["cak"].lower() != cak.lower():
                raise ValidationError(
                    f"A MACsec secret for CKN {ckn} already exists with another CAK ({rec.id});"
                    " a key cannot be modified (associate-key-connection.md): use a new CKN"
                )
            return rec.id, str(rec.doc["ckn"])
    arn = secret_arn(ctx.region, ctx.account, ckn)
    doc = {"secretARN": arn, "ckn": ckn, "region": ctx.region}
    uow.put(Record(SECRET, arn, ctx.account, doc, {"cak": cak}, created=ctx.now()))
    return arn, ckn


def set_keys(uow: UnitOfWork, target: Record, keys: list[dict[str, Any]]) -> None:
    if target.kind == "lag":
        apply_keys(target.doc, keys, port=False)
        # lags.md: the LAG's key is associated with each of its connections.
        for member in lag_members(uow, target.id):
            apply_keys(member.doc, keys)
            uow.put(member)
    else:
        apply_keys(target.doc, keys)
    uow.put(target)


@operation("AssociateMacSecKey", write=True)
def associate_mac_sec_key(
    uow: UnitOfWork, ctx: Context, req: AssociateMacSecKeyRequest
) -> AssociateMacSecKeyResponse:
    target = key_target(uow, ctx, req["connectionId"])
    arn, ckn = resolve_secret(uow, ctx, req)
    keys = list(target.doc.get("macSecKeys", []))
    if any(k["secretARN"] == arn for k in keys):
        raise Conflict(f"MACsec key {arn} is already associated with {target.id}")
    keys.append(key_entry(arn, ckn, ctx.now()))
    set_keys(uow, target, keys)
    return {"connectionId": target.id, "macSecKeys": target.doc["macSecKeys"]}


@operation("DisassociateMacSecKey", write=True)
def disassociate_mac_sec_key(
    uow: UnitOfWork, ctx: Context, req: DisassociateMacSecKeyRequest
) -> DisassociateMacSecKeyResponse:
    target = key_target(uow, ctx, req["connectionId"])
    arn = req["secretARN"]
    keys = list(target.doc.get("macSecKeys", []))
    key = next((k for k in keys if k["secretARN"] == arn), None)
    if key is None:
        raise NotFound(f"MACsec key {arn} is not associated with {target.id}")
    set_keys(uow, target, [k for k in keys if k is not key])
    shown = dict(key)  # the answer shows the key on its way out
    set_state(shown, MACSEC_KEY, MacSecKeyState.DISASSOCIATED)
    return {"connectionId": target.id, "macSecKeys": [cast(MacSecKey, shown)]}
