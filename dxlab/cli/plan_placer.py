"""Places a `dxlab plan --to MODEL` order on a dxlab server, as the Resiliency Toolkit's
wizard would (each connection away from the devices the plan names: POST
/_dxlab/wizard/connection), then through the API as a user's automation would (boto3:
AssociateVirtualInterface, Create*VirtualInterface), so the lab can rehearse the change
before it is ordered for real; then patches a customer router to each new connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from dxlab.domain.states import ConnectionState
from dxlab.toolkit.estate_topology import add_routers

Say = Callable[[str], None]


def _free_vlan(dx: Any, port: str) -> int:
    used = {
        v["vlan"] for v in dx.describe_virtual_interfaces(connectionId=port)["virtualInterfaces"]
    }
    return next(v for v in range(101, 4095) if v not in used)


def _wait_available(dx: Any, connection_ids: list[str], timeout: float = 30.0) -> list[str]:
    """Connections still not available after `timeout` (a server in manual provisioning)."""
    deadline = time.monotonic() + timeout
    waiting = list(connection_ids)
    while waiting and time.monotonic() < deadline:
        states = {
            c["connectionId"]: c["connectionState"]
            for c in dx.describe_connections()["connections"]
        }
        waiting = [c for c in waiting if states.get(c) != ConnectionState.AVAILABLE]
        if waiting:
            time.sleep(0.2)
    return waiting


def place(
    dx: Any,
    plan: dict[str, Any],
    topology: Callable[[], str | None],
    load: Callable[[str], Any],
    say: Say,
    order_connection: Callable[[dict[str, Any]], Any],
) -> dict[str, Any]:
    """Order what `plan` lists. Returns {"connections": {ref: id}, "vifs": [...], "moves": [...]}."""
    ids: dict[str, str] = {}
    location_of: dict[str, str] = {}
    for order in plan["orders"]:
        made = order_connection(
            {
                "location": order["location"],
                "bandwidth": order["bandwidth"],
                "connectionName": f"{plan['model']}-{order['ref']}",
                "avoidDevices": list(order["avoid_devices"]),
            }
        )
        ids[order["ref"]] = made["connectionId"]
        location_of[made["connectionId"]] = order["location"]
        device = made.get("awsDeviceV2") or made.get("awsDevice")
        clash = " (on a device to avoid!)" if device in order["avoid_devices"] else ""
        say(f"ordered {made['connectionId']} at {order['location']} on {device}{clash}")
    late = _wait_available(dx, list(ids.values()))
    for cid in late:
        say(f"{cid} is not available yet (complete its cross-connect: dxlab cross-connect {cid})")
    moved = []
    for move in plan["moves"]:
        target = ids.get(move["target"], move["target"])
        dx.associate_virtual_interface(virtualInterfaceId=move["vif"], connectionId=target)
        moved.append(move["vif"])
        say(f"moved {move['vif']} from {move['source']} to {target}")
    created = []
    for vif in plan["virtualInterfaces"]:
        port = ids.get(vif["port"], vif["port"])
        spec: dict[str, Any] = {
            "virtualInterfaceName": f"{plan['model']}-{vif['gateway']}",
            "vlan": _free_vlan(dx, port),
            "asn": vif["asn"],
        }
        spec[
            "virtualGatewayId" if vif["gateway"].startswith("vgw-") else "directConnectGatewayId"
        ] = vif["gateway"]
        if vif["type"] == "transit":
            made = dx.create_transit_virtual_interface(
                connectionId=port, newTransitVirtualInterface=spec
            )
            made = made["virtualInterface"]
        else:
            made = dx.create_private_virtual_interface(
                connectionId=port, newPrivateVirtualInterface=spec
            )
        created.append(made["virtualInterfaceId"])
        say(f"created {made['virtualInterfaceId']} on {port} to {vif['gateway']}")
    current = topology()
    if current and ids:
        load(add_routers(current, [(location_of[c], c) for c in ids.values()], _locations(dx)))
        say(f"customer topology: a router patched to each of {', '.join(ids.values())}")
    return {"connections": ids, "vifs": created, "moves": moved}


def _locations(dx: Any) -> dict[str, str]:
    where = {c["connectionId"]: c["location"] for c in dx.describe_connections()["connections"]}
    where.update({lag["lagId"]: lag["location"] for lag in dx.describe_lags()["lags"]})
    return where
