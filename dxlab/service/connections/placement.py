"""Where a port lands: which AWS device of a location, and which port on it.

Like the Resiliency Toolkit, dxlab spreads one account's connections over the
location's devices (fewest of this account's connections first, then the least used
device). Ports are claims in the store, so two concurrent orders never share one."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from dxlab.domain import quotas
from dxlab.domain.catalog import Device, Location
from dxlab.domain.errors import LimitExceeded
from dxlab.domain.states import CONNECTION, INTERCONNECT
from dxlab.store.repository import UnitOfWork


def port_scope(device: Device) -> str:
    return f"port:{device.aws_device}"


# A port is held from the order until the connection or interconnect is gone.
_GONE = CONNECTION.gone | INTERCONNECT.gone


def ports_at(uow: UnitOfWork, account: str, location: str) -> list[dict[str, Any]]:
    """The account's connections and interconnects at a location that hold a port: what
    limits.md's active connections per location per account counts (an interconnect is
    a port too), for CreateConnection, CreateInterconnect and CreateLag alike."""
    return [
        doc
        for doc in uow.docs_with(("connection", "interconnect"), account, "location", location)
        if doc.get("connectionState", doc.get("interconnectState")) not in _GONE
    ]


def check_ports_left(ports_here: list[dict[str, Any]], location: str, new: int = 1) -> None:
    """limits.md: an order whose `new` ports would pass the ten an account may hold at a
    location is refused."""
    if len(ports_here) + new > quotas.CONNECTIONS_PER_LOCATION:
        more = "" if new == 1 else f"; this order adds {new}"
        raise LimitExceeded(
            f"Connection limit exceeded: at most {quotas.CONNECTIONS_PER_LOCATION} active"
            " connections and interconnects per location per account, and this account"
            f" has {len(ports_here)} at {location}{more}"
        )


def place(
    uow: UnitOfWork,
    location: Location,
    account: str,
    owner: str,
    *,
    on_device: str | None = None,
    avoid_devices: frozenset[str] = frozenset(),
    prefer_devices: frozenset[str] = frozenset(),
    ports_here: list[dict[str, Any]] | None = None,
    sub_location: str | None = None,
) -> tuple[Device, int]:
    """`ports_here`: the account's ports at this location, when the caller has listed them;
    `sub_location`: only devices on that floor or in that meet-me room. `prefer_devices`
    (see lag_placement) comes before the spread; `avoid_devices` before it."""
    devices = [
        d
        for d in location.devices
        if (on_device is None or d.aws_device == on_device)
        and (sub_location is None or d.sub_location == sub_location)
    ]
    mine: dict[str, int] = {}
    for doc in ports_at(uow, account, location.code) if ports_here is None else ports_here:
        name = str(doc.get("awsDevice"))
        mine[name] = mine.get(name, 0) + 1
    by_sub: dict[str, int] = {}
    for d in location.devices:
        by_sub[d.sub_location] = by_sub.get(d.sub_location, 0) + mine.get(d.aws_device, 0)

    def preference(d: Device) -> tuple[int, int, int, int]:
        # Distinct devices first, then distinct sub-locations (floors), then least used.
        return (
            # a device may be named either way (awsDevice, or awsDeviceV2 as reports name it)
            int(d.aws_device in avoid_devices or d.aws_device_v2 in avoid_devices),
            int(d.aws_device not in prefer_devices),
            mine.get(d.aws_device, 0),
            by_sub[d.sub_location],
        )

    for dev in _least_used_first(uow, sorted(devices, key=preference), preference):
        taken = uow.claimed(port_scope(dev))
        for port in range(1, dev.ports + 1):
            if str(port) not in taken and uow.claim(port_scope(dev), str(port), owner):
                return dev, port
    where = on_device or location.code
    raise LimitExceeded(f"No free port is left on {where} for this order")


def _least_used_first(
    uow: UnitOfWork, devices: list[Device], preference: Callable[[Device], Any]
) -> Iterator[Device]:
    """The devices in preference order, equals by ports in use (fewest first), then name.
    Ports are counted only among equals, and only for those reached: the first device
    is most often taken, and a count reads every claim of the device."""
    for _, same in itertools.groupby(devices, key=preference):
        group = list(same)
        if len(group) > 1:
            counts = uow.claim_counts([port_scope(d) for d in group])
            group.sort(key=lambda d: (counts[port_scope(d)], d.aws_device))
        yield from group


def new_port_fields(
    region: str, location: Location, device: Device, bandwidth: str
) -> dict[str, Any]:
    """What every new port (dedicated connection or interconnect) reports in its document:
    where it landed, and no jumbo frames, MACsec or tags yet."""
    return {
        "region": region,
        "location": location.code,
        "bandwidth": bandwidth,
        "awsDevice": device.aws_device,
        "awsDeviceV2": device.aws_device_v2,
        "awsLogicalDeviceId": device.logical_device_id,
        # Every capture of the real service shows new ports jumbo frame capable at MTU 1500;
        # the brief update of set-jumbo-frames-vif.md still comes with the first jumbo VIF
        # (meta "jumboConfigured", vif_lifecycle.jumbo_upgrade).
        "jumboFrameCapable": True,
        "hasLogicalRedundancy": "unknown",
        "macSecCapable": False,
        "portEncryptionStatus": "Unencrypted",
        "encryptionMode": "no_encrypt",
        "macSecKeys": [],
        "tags": [],
    }


def release_port(uow: UnitOfWork, owner: str) -> None:
    uow.release_owner(owner)
