"""Step 5 for the AWS Cloud in milliseconds (routing-and-bgp.md, "Public virtual interface
routing policies" and "BGP communities"; maximum_resiliency.md step 5): over a public VIF
AWS advertises Amazon's public prefixes with the scope communities 7224:8100 / 8200 / none,
accepts only the customer's approved prefixes (with its 7224:9x00 communities carried),
and `verify --public` traces to the AWS public service with the Direct Connect hop named."""

from __future__ import annotations

from typing import Any

import pytest

from dxlab.domain import aws_public_prefixes as amazon
from dxlab.domain.errors import ValidationError
from tests.unit.service import Service

APPROVED = "45.60.12.0/24"
UNAPPROVED = "45.60.13.0/24"

TOPOLOGY = """\
customer_asn: 65001
sites:
  dc1:
    routers:
      dc1-r1:
        connections: [{cid}]
        advertise:
          - {{prefix: {first}, communities: ["7224:9100"]}}
          - {{prefix: {second}}}
"""


def public_vif(dx: Service, cid: str, approve: bool = True) -> str:
    spec = {
        "virtualInterfaceName": "pub",
        "vlan": 300,
        "asn": 65001,
        "amazonAddress": "45.61.44.1/30",
        "customerAddress": "45.61.44.2/30",
        "routeFilterPrefixes": [{"cidr": APPROVED}],
    }
    made = dx.call("CreatePublicVirtualInterface", connectionId=cid, newPublicVirtualInterface=spec)
    vif_id = str(made["virtualInterfaceId"])
    if approve:
        dx.ext("POST", f"/virtual-interfaces/{vif_id}/approve-prefixes")
    return vif_id


def routes(dx: Service, vif_id: str, direction: str) -> dict[str, list[str]]:
    found = dx.call("ListVirtualInterfaceRoutes", virtualInterfaceId=vif_id)["routes"]
    return {r["cidr"]: r["communities"] for r in found if r["routeDirection"] == direction}


def setup(
    dx: Service, first: str = APPROVED, second: str = UNAPPROVED, approve: bool = True
) -> tuple[str, str]:
    cid = dx.connection(location="EqDC2")  # us-east-1
    vif_id = public_vif(dx, cid, approve)
    dx.ext("PUT", "/topology", yaml=TOPOLOGY.format(cid=cid, first=first, second=second))
    return cid, vif_id


def test_aws_advertises_amazons_prefixes_with_their_scope_communities(dx: Service) -> None:
    _, vif_id = setup(dx)
    assert dx.vif(vif_id)["virtualInterfaceState"] == "available"
    out = routes(dx, vif_id, "advertised")
    nx = amazon.NO_EXPORT  # on every route AWS advertises over a public VIF
    assert set(out) == {p.cidr for p in amazon.PREFIXES}
    assert out["52.95.245.0/24"] == ["7224:8100", nx]  # us-east-1, the location's own Region
    assert out["54.239.64.0/21"] == ["7224:8100", nx]  # us-east-1 S3
    assert out["52.95.247.0/24"] == ["7224:8200", nx]  # us-west-2: the same continent
    assert out["52.94.4.0/24"] == ["7224:8200", nx]  # us-east-2
    assert out["52.95.244.0/24"] == [nx]  # eu-west-1: global, no scope tag
    assert out["52.84.0.0/15"] == [nx]  # GLOBAL; NO_EXPORT on every one


def test_a_location_of_another_region_tags_its_own_regions_prefixes(dx: Service) -> None:
    cid = dx.connection(location="EqDC2")
    assert amazon.advertised("eu-west-1")[0] == ("52.95.244.0/24", ("7224:8100",))
    assert dict(amazon.advertised("eu-west-1"))["52.94.17.0/24"] == ("7224:8200",)  # eu-central-1
    assert dict(amazon.advertised("eu-west-1"))["52.95.245.0/24"] == ()
    assert dict(amazon.advertised("ap-southeast-2"))["52.94.8.0/24"] == (
        "7224:8200",
    )  # ap-northeast-1
    assert cid


def test_only_the_approved_prefixes_are_accepted_with_their_communities(dx: Service) -> None:
    _, vif_id = setup(dx)
    # 45.60.13.0/24 is advertised by the router but not approved for the VIF: AWS filters it.
    assert routes(dx, vif_id, "accepted") == {APPROVED: ["7224:9100"]}


def test_before_the_review_the_session_is_down_and_nothing_is_exchanged(dx: Service) -> None:
    _, vif_id = setup(dx, approve=False)
    assert dx.vif(vif_id)["virtualInterfaceState"] == "verifying"
    assert dx.call("ListVirtualInterfaceRoutes", virtualInterfaceId=vif_id)["routes"] == []
    result = dx.ext("GET", "/verify", public="true")
    assert not result["reachable"] and "public virtual interface is up" in result["reason"]


def test_verify_public_names_the_direct_connect_hop(dx: Service) -> None:
    cid, vif_id = setup(dx)
    result: dict[str, Any] = dx.ext("GET", "/verify", public="true", count=3)
    assert result["reachable"], result["reason"]
    assert (result["site"], result["vpc"], result["public"]) == (
        "dc1",
        "AWS public service (us-east-1)",
        "us-east-1",
    )
    assert (result["source"], result["destination"]) == ("45.60.12.1", "52.95.245.1")
    assert result["ping"] == {"sent": 3, "received": 3}
    doc = dx.vif(vif_id)
    hops = result["hops"]
    assert [h["address"] for h in hops] == ["45.61.44.2", "45.61.44.1", "52.95.245.1"]
    assert hops[0]["resource"] == "customer router dc1-r1 (dc1)"
    assert (
        hops[1]["resource"]
        == f"{vif_id} (VLAN 300) on {cid}, AWS device {doc['awsDeviceV2']} at EqDC2"
    )
    assert hops[2]["resource"] == "AWS public service (us-east-1)"


def test_a_source_outside_the_approved_prefixes_gets_no_answer(dx: Service) -> None:
    # The data center's address is in 45.60.13.0/24, which AWS did not accept: its
    # packets reach the service, the answers have no way back (AWS filters the source).
    setup(dx, first=UNAPPROVED, second=APPROVED)
    result = dx.ext("GET", "/verify", public="true")
    assert not result["reachable"] and result["source"] == "45.60.13.1"
    assert "accepted no prefix that holds 45.60.13.1" in result["reason"]
    assert result["hops"][-1] == {
        "address": "*",
        "resource": "AWS public service (us-east-1): no answer",
    }


def test_verify_public_without_a_public_vif_is_refused(dx: Service) -> None:
    cid = dx.connection(location="EqDC2")
    dx.ext("PUT", "/topology", yaml=TOPOLOGY.format(cid=cid, first=APPROVED, second=UNAPPROVED))
    with pytest.raises(ValidationError, match="no public virtual interface"):
        dx.ext("GET", "/verify", public="true")
    with pytest.raises(ValidationError, match="Unknown data center"):
        dx.ext("GET", "/verify", public="true", site="nowhere")
