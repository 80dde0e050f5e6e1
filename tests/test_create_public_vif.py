"""Step 3 of maximum_resiliency.md, public virtual interfaces: public peer addresses,
1 to 1,000 public prefixes, and AWS's review of them (`verifying` until approved,
`rejected` when refused)."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from typing import Any

import pytest

from dxlab.cli.client import ext
from tests.vif_support import PUBLIC_PREFIX, connection, refused, vif, vifs, wait_state


def public_spec(
    vlan: int = 100, prefixes: tuple[str, ...] = (PUBLIC_PREFIX,), **extra: Any
) -> dict[str, Any]:
    peers = {
        "amazonAddress": f"45.61.{vlan % 256}.1/30",
        "customerAddress": f"45.61.{vlan % 256}.2/30",
    }
    return {
        "virtualInterfaceName": f"pub-{vlan}",
        "vlan": vlan,
        "asn": 65001,
        "routeFilterPrefixes": [{"cidr": c} for c in prefixes],
        **peers,
        **extra,
    }


def create_public(dx: Any, cid: str, **kwargs: Any) -> dict[str, Any]:
    return dict(
        dx.create_public_virtual_interface(
            connectionId=cid, newPublicVirtualInterface=public_spec(**kwargs)
        )
    )


def test_public_vif_waits_for_the_review_then_comes_up(server: Any, dx: Any, account: str) -> None:
    cid = connection(dx)
    made = create_public(dx, cid)
    assert made["virtualInterfaceType"] == "public"
    assert made["virtualInterfaceState"] == "verifying"
    assert made["routeFilterPrefixes"] == [{"cidr": PUBLIC_PREFIX}]
    assert made["amazonSideAsn"] == 7224  # AWS's own ASN in us-east-1
    assert (made["amazonAddress"], made["customerAddress"]) == ("45.61.100.1/30", "45.61.100.2/30")
    assert made["bgpPeers"][0]["bgpPeerState"] == "verifying"
    assert vif(dx, made["virtualInterfaceId"])["virtualInterfaceState"] == "verifying"
    # The review, by the CLI an operator of the lab uses.
    env = {**os.environ, "AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "x"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dxlab.cli.main",
            "approve-prefixes",
            made["virtualInterfaceId"],
            "--endpoint",
            server.endpoint,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "approved" in done.stdout
    up = wait_state(dx, made["virtualInterfaceId"], "available")
    assert (
        up["bgpPeers"][0]["bgpPeerState"] == "available" and up["bgpPeers"][0]["bgpStatus"] == "up"
    )
    code = ext_error(
        server,
        f"/virtual-interfaces/{made['virtualInterfaceId']}/approve-prefixes",
        account=account,
    )
    assert code[:2] == ("DirectConnectClientException", 400) and "not verifying" in code[2]


def ext_error(
    server: Any, path: str, body: dict[str, Any] | None = None, account: str | None = None
) -> tuple[str, int, str]:
    from dxlab.cli.client import ExtensionError

    with pytest.raises(ExtensionError) as info:
        ext(server.endpoint, "POST", path, body, account=account)
    return info.value.aws_code, info.value.status, info.value.message


def test_refused_prefixes_reject_the_vif(server: Any, dx: Any, account: str) -> None:
    cid = connection(dx)
    made = create_public(dx, cid, vlan=5)
    # Another account can neither review this VIF nor learn that it exists.
    code = ext_error(
        server,
        f"/virtual-interfaces/{made['virtualInterfaceId']}/reject-prefixes",
        account="999999999999",
    )
    assert (
        code[:2] == ("DirectConnectClientException", 400) and made["virtualInterfaceId"] in code[2]
    )
    assert vif(dx, made["virtualInterfaceId"])["virtualInterfaceState"] == "verifying"
    doc = ext(
        server.endpoint,
        "POST",
        f"/virtual-interfaces/{made['virtualInterfaceId']}/reject-prefixes",
        account=account,
    )
    assert doc["virtualInterfaceState"] == "rejected"
    assert vif(dx, made["virtualInterfaceId"])["virtualInterfaceState"] == "rejected"
    create_public(dx, cid, vlan=5)  # its VLAN is free again


def test_owned_prefixes_approve_at_once(server: Any, dx: Any, account: str) -> None:
    cid = connection(dx)
    waiting = create_public(dx, cid, vlan=1)
    set_owned = ext(
        server.endpoint,
        "POST",
        f"/accounts/{account}/owned-prefixes",
        {"prefixes": ["45.60.0.0/16"]},
        account=account,
    )
    assert set_owned["approved"] == [waiting["virtualInterfaceId"]]
    wait_state(dx, waiting["virtualInterfaceId"], "available")
    at_once = create_public(dx, cid, vlan=2, prefixes=("45.60.200.0/22",))
    assert at_once["virtualInterfaceState"] == "pending"
    wait_state(dx, at_once["virtualInterfaceId"], "available")
    # A prefix outside what the account owns still waits for the review.
    other = create_public(dx, cid, vlan=3, prefixes=("45.60.1.0/24", "81.2.0.0/16"))
    assert other["virtualInterfaceState"] == "verifying"
    got = ext_error(
        server,
        "/accounts/999999999999/owned-prefixes",
        {"prefixes": ["81.2.0.0/16"]},
        account=account,
    )
    assert got[:2] == ("DirectConnectClientException", 400) and "999999999999" in got[2]
    got = ext_error(
        server, f"/accounts/{account}/owned-prefixes", {"prefixes": ["10.0.0.0/8"]}, account=account
    )
    assert "RFC 1918" in got[2]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"routeFilterPrefixes": []}, ["routeFilterPrefixes", "at least 1"]),
        ({"routeFilterPrefixes": [{"cidr": "10.1.0.0/16"}]}, ["10.1.0.0/16", "RFC 1918"]),
        ({"routeFilterPrefixes": [{"cidr": "172.16.5.0/24"}]}, ["172.16.5.0/24", "RFC 1918"]),
        ({"routeFilterPrefixes": [{"cidr": "192.168.0.0/24"}]}, ["192.168.0.0/24", "RFC 1918"]),
        ({"routeFilterPrefixes": [{"cidr": "100.64.1.0/24"}]}, ["100.64.1.0/24", "shared"]),
        ({"routeFilterPrefixes": [{"cidr": "169.254.0.0/16"}]}, ["169.254.0.0/16", "link-local"]),
        ({"routeFilterPrefixes": [{"cidr": "224.1.0.0/16"}]}, ["224.1.0.0/16", "multicast"]),
        ({"routeFilterPrefixes": [{"cidr": "127.0.0.0/8"}]}, ["127.0.0.0/8", "loopback"]),
        ({"routeFilterPrefixes": [{"cidr": "198.18.0.0/15"}]}, ["198.18.0.0/15", "benchmarking"]),
        ({"routeFilterPrefixes": [{"cidr": "0.0.0.0/0"}]}, ["0.0.0.0/0", "not public"]),
        ({"routeFilterPrefixes": [{"cidr": "fd00::/48"}]}, ["fd00::/48", "unique local"]),
        ({"routeFilterPrefixes": [{"cidr": "2a01:111::/65"}]}, ["2a01:111::/65", "/64"]),
        ({"routeFilterPrefixes": [{"cidr": "45.60.12.1/24"}]}, ["45.60.12.1/24", "valid CIDR"]),
        ({"routeFilterPrefixes": [{"cidr": "banana"}]}, ["banana"]),
        ({"amazonAddress": None, "customerAddress": None}, ["amazonAddress", "public IPv4"]),
        (
            {"amazonAddress": "10.0.0.1/30", "customerAddress": "10.0.0.2/30"},
            ["10.0.0.1/30", "not a public"],
        ),
        (
            {"amazonAddress": "169.254.1.1/30", "customerAddress": "169.254.1.2/30"},
            ["169.254.1.1/30", "link-local"],
        ),
        ({"asn": -5}, ["BGP ASN -5"]),
    ],
)
def test_bad_public_vif_is_refused_and_nothing_changes(
    dx: Any, change: dict[str, Any], words: list[str]
) -> None:
    cid = connection(dx)
    spec = {k: v for k, v in {**public_spec(), **change}.items() if v is not None}
    refused(
        dx.create_public_virtual_interface, *words, connectionId=cid, newPublicVirtualInterface=spec
    )
    assert vifs(dx) == []


def test_one_to_a_thousand_prefixes(dx: Any) -> None:
    cid = connection(dx)
    base = ipaddress.ip_network("45.0.0.0/8")
    many = tuple(str(n) for n, _ in zip(base.subnets(new_prefix=24), range(1001), strict=False))
    refused(
        dx.create_public_virtual_interface,
        "1001",
        "1000",
        connectionId=cid,
        newPublicVirtualInterface=public_spec(prefixes=many),
    )
    assert vifs(dx) == []
    made = create_public(dx, cid, prefixes=many[:1000])
    assert len(made["routeFilterPrefixes"]) == 1000


def test_ipv6_public_vif_gets_amazon_addresses(dx: Any) -> None:
    cid = connection(dx)
    spec = {
        "virtualInterfaceName": "v6",
        "vlan": 60,
        "asn": 65001,
        "addressFamily": "ipv6",
        "routeFilterPrefixes": [{"cidr": "2a01:111:f400::/48"}],
    }
    made = dx.create_public_virtual_interface(connectionId=cid, newPublicVirtualInterface=spec)
    amazon = ipaddress.ip_interface(made["amazonAddress"])
    customer = ipaddress.ip_interface(made["customerAddress"])
    assert amazon.network.prefixlen == 125 and amazon.network == customer.network
    assert amazon.network.subnet_of(ipaddress.IPv6Network("2600:9000::/28"))  # type: ignore[arg-type]
    assert amazon.ip != customer.ip


def test_public_vif_mtu_and_site_link(dx: Any) -> None:
    cid = connection(dx)
    made = create_public(dx, cid)
    vid = made["virtualInterfaceId"]
    refused(
        dx.update_virtual_interface_attributes,
        "MTU 9001",
        "public",
        virtualInterfaceId=vid,
        mtu=9001,
    )
    refused(
        dx.update_virtual_interface_attributes,
        "SiteLink",
        virtualInterfaceId=vid,
        enableSiteLink=True,
    )
    assert vif(dx, vid)["mtu"] == 1500 and vif(dx, vid)["siteLinkEnabled"] is False


def test_documentation_prefixes_go_to_review(dx: Any) -> None:
    """The CLI's create-public-virtual-interface example uses 203.0.113.0/24 for prefixes
    and peers: the real service takes it into `verifying` and leaves it to its review."""
    cid = connection(dx)
    made = dx.create_public_virtual_interface(
        connectionId=cid,
        newPublicVirtualInterface={
            "virtualInterfaceName": "doc",
            "vlan": 321,
            "asn": 65000,
            "amazonAddress": "203.0.113.1/30",
            "customerAddress": "203.0.113.2/30",
            "routeFilterPrefixes": [{"cidr": "203.0.113.0/30"}, {"cidr": "203.0.113.4/30"}],
        },
    )
    assert made["virtualInterfaceState"] == "verifying"
    assert made["routeFilterPrefixes"] == [{"cidr": "203.0.113.0/30"}, {"cidr": "203.0.113.4/30"}]
    refused(
        dx.create_public_virtual_interface,
        "198.18.0.0/15",
        connectionId=cid,
        newPublicVirtualInterface=public_spec(vlan=322, prefixes=("198.18.0.0/15",)),
    )
