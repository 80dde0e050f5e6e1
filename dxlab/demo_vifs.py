"""`make demo`, step 3 of maximum_resiliency.md: one private virtual interface per
connection of the maximum resiliency model, all to one Direct Connect gateway, printed
with their BGP addresses and state."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.table import Table

CUSTOMER_ASN = 65000
AMAZON_ASN = 64512
FIRST_VLAN = 101


def step3(dx: Any, connection_ids: list[str], console: Console) -> list[dict[str, Any]]:
    console.rule("maximum resiliency, step 3 (create the virtual interfaces)")
    gw = dx.create_direct_connect_gateway(
        directConnectGatewayName="max-res-dxgw", amazonSideAsn=AMAZON_ASN
    )
    gw_id = gw["directConnectGateway"]["directConnectGatewayId"]
    console.print(f"  CreateDirectConnectGateway -> {gw_id} (Amazon ASN {AMAZON_ASN})")
    made = []
    for n, cid in enumerate(connection_ids):
        spec = {"virtualInterfaceName": f"max-res-vif-{n + 1}", "vlan": FIRST_VLAN + n, "asn": CUSTOMER_ASN,
                "directConnectGatewayId": gw_id}  # fmt: skip
        vif = dx.create_private_virtual_interface(connectionId=cid, newPrivateVirtualInterface=spec)
        console.print(
            f"  CreatePrivateVirtualInterface on {cid} -> {vif['virtualInterfaceId']} ({vif['virtualInterfaceState']})"
        )
        made.append(vif["virtualInterfaceId"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        vifs = [
            v
            for v in dx.describe_virtual_interfaces()["virtualInterfaces"]
            if v["virtualInterfaceId"] in made
        ]
        if all(v["virtualInterfaceState"] == "available" for v in vifs):
            break
        time.sleep(0.2)
    table = Table("Virtual interface", "Connection", "Location", "VLAN", "Customer address", "Amazon address",
                  "ASNs", "State", "BGP")  # fmt: skip
    for v in vifs:
        peer = v["bgpPeers"][0]
        table.add_row(v["virtualInterfaceId"], v["connectionId"], v["location"], str(v["vlan"]), v["customerAddress"],
                      v["amazonAddress"], f"{v['asnLong']} / {v['amazonSideAsn']}", v["virtualInterfaceState"],
                      peer["bgpStatus"])  # fmt: skip
    console.print(table)
    try:
        dx.create_private_virtual_interface(connectionId=connection_ids[0], newPrivateVirtualInterface={
            "virtualInterfaceName": "dup", "vlan": FIRST_VLAN, "asn": CUSTOMER_ASN, "directConnectGatewayId": gw_id})  # fmt: skip
    except dx.exceptions.DirectConnectClientException as exc:
        console.print(f"A VLAN already in use is refused as AWS refuses it: [yellow]{exc}[/yellow]")
    return vifs
