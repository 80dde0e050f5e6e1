"""One device for a LAG and the standalone connections meant to join it.

lags.md and associate-connection-with-lag.md: every connection of a LAG terminates on the
same AWS device, and AssociateConnectionWithLag refuses one on another device. So the
ordinary flow (order a LAG and a connection at one location and speed, then associate
them, as Terraform's `aws_dx_connection_association` and the AWS CLI's examples do) must
find them on one device, whichever was ordered first:

- a standalone connection goes to the device of the account's LAG at that location and
  speed while the LAG has room for it;
- a new LAG goes to the device of the account's standalone connections of that location
  and speed, unless one of its LAGs is already there (two LAGs still spread, as the
  Resiliency Toolkit's orders need).

Distinct devices asked for explicitly (the wizard's `avoid_devices`) still win."""

from __future__ import annotations

from dxlab.domain import lag as rules
from dxlab.domain.states import CONNECTION, LAG
from dxlab.service.connections.lag_rules import lag_members
from dxlab.store.repository import UnitOfWork


def _live_lags(
    uow: UnitOfWork, account: str, location: str, bandwidth: str
) -> list[tuple[str, str]]:
    """(LAG id, device) of the account's live LAGs of this location and speed."""
    return [
        (str(doc["lagId"]), str(doc.get("awsDevice")))
        for doc in uow.docs_with(("lag",), account, "location", location)
        if doc.get("connectionsBandwidth") == bandwidth and doc.get("lagState") not in LAG.gone
    ]


def lag_devices_with_room(
    uow: UnitOfWork, account: str, location: str, bandwidth: str
) -> frozenset[str]:
    """Devices a new standalone connection should prefer: its LAGs' that can take one more."""
    limit = rules.member_limit(bandwidth)
    return frozenset(
        device
        for lag_id, device in _live_lags(uow, account, location, bandwidth)
        if len(lag_members(uow, lag_id)) < limit
    )


def standalone_devices(
    uow: UnitOfWork, account: str, location: str, bandwidth: str
) -> frozenset[str]:
    """Devices a new LAG should prefer: where the account's standalone dedicated
    connections of this location and speed are and none of its LAGs is."""
    taken = {device for _, device in _live_lags(uow, account, location, bandwidth)}
    return frozenset(
        str(r.doc.get("awsDevice"))
        for r in uow.list("connection", account=account)
        if not r.doc.get("lagId")
        and not r.meta.get("hosted")
        and r.doc.get("location") == location
        and r.doc.get("bandwidth") == bandwidth
        and r.doc.get("connectionState") not in CONNECTION.gone
        and r.doc.get("awsDevice") not in taken
    )
