"""Associating a gateway across accounts (multi-account-associate-vgw.md,
multi-account-associate-tgw.md): the VGW/TGW owner proposes, the Direct Connect
gateway's owner accepts (or rejects), the proposer may withdraw; proposals expire."""

from __future__ import annotations

from typing import Any

from dxlab.cli.client import ext
from tests.gateway_support import (
    assert_client_error,
    associations,
    dxgw,
    error_of,
    prefixes,
    tgw,
    vgw,
)


def accounts(account: str) -> tuple[str, str]:
    """The VGW/TGW owner (A, the test's fresh account) and a fresh gateway owner B."""
    return account, str(int(account) + 1)


def proposals(dx: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return list(
        dx.describe_direct_connect_gateway_association_proposals(**kwargs)[
            "directConnectGatewayAssociationProposals"
        ]
    )


def propose(dx: Any, gid: str, owner: str, gw: str, *cidrs: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "directConnectGatewayId": gid,
        "directConnectGatewayOwnerAccount": owner,
        "gatewayId": gw,
    }
    if cidrs:
        kwargs["addAllowedPrefixesToDirectConnectGateway"] = prefixes(*cidrs)
    return dict(
        dx.create_direct_connect_gateway_association_proposal(**kwargs)[
            "directConnectGatewayAssociationProposal"
        ]
    )


def test_vgw_proposal_accepted_then_updated_by_a_new_proposal(server: Any, account: str) -> None:
    a, b = accounts(account)
    dxa, dxb = server.client(a), server.client(b)
    gw = vgw(server, a, "10.0.0.0/16")
    gid = dxgw(dxb, "shared", asn=65100)
    p = propose(dxa, gid, b, gw)
    assert p["proposalState"] == "requested" and p["directConnectGatewayOwnerAccount"] == b
    assert p["associatedGateway"] == {
        "id": gw,
        "type": "virtualPrivateGateway",
        "ownerAccount": a,
        "region": "us-east-1",
    }
    # multi-account-associate-vgw.md: by default the VPC CIDR is requested.
    assert p["existingAllowedPrefixesToDirectConnectGateway"] == []
    assert p["requestedAllowedPrefixesToDirectConnectGateway"] == prefixes("10.0.0.0/16")
    # Both parties see the proposal; nobody else does; B's gateway stays B's.
    assert [x["proposalId"] for x in proposals(dxb, directConnectGatewayId=gid)] == [
        p["proposalId"]
    ]
    assert [x["proposalId"] for x in proposals(dxa, associatedGatewayId=gw)] == [p["proposalId"]]
    assert proposals(server.client("999999999994")) == []
    assert dxa.describe_direct_connect_gateways()["directConnectGateways"] == []

    out = dxb.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gid,
        proposalId=p["proposalId"],
        associatedGatewayOwnerAccount=a,
        overrideAllowedPrefixesToDirectConnectGateway=prefixes("10.0.0.0/15"),
    )["directConnectGatewayAssociation"]
    assert out["associationState"] == "associating"
    assert out["allowedPrefixesToDirectConnectGateway"] == prefixes("10.0.0.0/15")
    assert (out["directConnectGatewayOwnerAccount"], out["associatedGateway"]["ownerAccount"]) == (
        b,
        a,
    )
    assert proposals(dxb, proposalId=p["proposalId"])[0]["proposalState"] == "accepted"
    [seen_by_a] = dxa.describe_direct_connect_gateway_associations(associatedGatewayId=gw)[
        "directConnectGatewayAssociations"
    ]
    assert (
        seen_by_a["associationId"] == out["associationId"]
        and seen_by_a["associationState"] == "associated"
    )
    assert [x["associationId"] for x in associations(dxb, gid)] == [out["associationId"]]

    # The VGW owner changes prefixes by proposing again, not by updating.
    got = error_of(
        dxa.update_direct_connect_gateway_association,
        associationId=out["associationId"],
        addAllowedPrefixesToDirectConnectGateway=prefixes("192.168.0.0/24"),
    )
    assert_client_error(got, "proposal")
    again = propose(dxa, gid, b, gw, "192.168.0.0/24")
    assert again["existingAllowedPrefixesToDirectConnectGateway"] == prefixes("10.0.0.0/15")
    assert again["requestedAllowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.0.0.0/15", "192.168.0.0/24"
    )
    dxb.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gid, proposalId=again["proposalId"], associatedGatewayOwnerAccount=a
    )
    [assoc] = associations(dxb, gid)
    assert assoc["associationState"] == "associated"
    assert assoc["allowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.0.0.0/15", "192.168.0.0/24"
    )

    # An accepted proposal is deleted as the service deletes it (Terraform's destroy of
    # aws_dx_gateway_association_proposal does); its association stays until disassociated.
    gone = dxa.delete_direct_connect_gateway_association_proposal(proposalId=p["proposalId"])
    assert gone["directConnectGatewayAssociationProposal"]["proposalState"] == "deleted"
    assert proposals(dxb, proposalId=p["proposalId"])[0]["proposalState"] == "deleted"
    assert [x["associationState"] for x in associations(dxb, gid)] == ["associated"]
    assert_client_error(
        error_of(
            dxa.delete_direct_connect_gateway_association_proposal, proposalId=p["proposalId"]
        ),
        p["proposalId"],
        "already deleted",
    )
    dxa.delete_direct_connect_gateway_association(associationId=assoc["associationId"])
    assert associations(dxb, gid) == []


def test_an_override_shows_on_the_proposal_and_the_same_prefixes_can_be_proposed_again(
    server: Any, account: str
) -> None:
    """The accepter's override: the proposal keeps what was requested and shows what is now
    allowed (existing...), so the proposer's code sees the difference as on AWS. Proposing
    the prefixes already allowed again is accepted, as the service accepts it."""
    a, b = accounts(account)
    dxa, dxb = server.client(a), server.client(b)
    gw = vgw(server, a, "10.20.0.0/16", "10.21.0.0/16")
    gid = dxgw(dxb, "shared", asn=65100)
    p = propose(dxa, gid, b, gw, "10.20.0.0/16")
    dxb.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gid,
        proposalId=p["proposalId"],
        associatedGatewayOwnerAccount=a,
        overrideAllowedPrefixesToDirectConnectGateway=prefixes("10.20.0.0/16", "10.21.0.0/16"),
    )
    for dx in (dxa, dxb):
        [seen] = proposals(dx, proposalId=p["proposalId"])
        assert seen["proposalState"] == "accepted"
        assert seen["requestedAllowedPrefixesToDirectConnectGateway"] == prefixes("10.20.0.0/16")
        assert seen["existingAllowedPrefixesToDirectConnectGateway"] == prefixes(
            "10.20.0.0/16", "10.21.0.0/16"
        )
    again = propose(dxa, gid, b, gw, "10.20.0.0/16")
    assert again["proposalState"] == "requested"
    assert again["existingAllowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.20.0.0/16", "10.21.0.0/16"
    )
    assert again["requestedAllowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.20.0.0/16", "10.21.0.0/16"
    )
    # One with no prefix change at all is accepted too (the pending one is withdrawn first).
    dxa.delete_direct_connect_gateway_association_proposal(proposalId=again["proposalId"])
    bare = propose(dxa, gid, b, gw)
    assert bare["requestedAllowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.20.0.0/16", "10.21.0.0/16"
    )
    dxb.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=gid, proposalId=bare["proposalId"], associatedGatewayOwnerAccount=a
    )
    [assoc] = associations(dxb, gid)
    assert assoc["allowedPrefixesToDirectConnectGateway"] == prefixes(
        "10.20.0.0/16", "10.21.0.0/16"
    )


def test_tgw_proposal_withdrawn_and_one_rejected(server: Any, account: str) -> None:
    a, b = accounts(account)
    dxa, dxb = server.client(a), server.client(b)
    t = tgw(server, a, "10.1.0.0/16", asn=65001)
    gid = dxgw(dxb, "shared", asn=65100)
    p = propose(dxa, gid, b, t, "10.1.0.0/16")
    assert p["associatedGateway"]["type"] == "transitGateway"
    gone = dxa.delete_direct_connect_gateway_association_proposal(proposalId=p["proposalId"])
    assert gone["directConnectGatewayAssociationProposal"]["proposalState"] == "deleted"
    got = error_of(
        dxb.accept_direct_connect_gateway_association_proposal,
        directConnectGatewayId=gid,
        proposalId=p["proposalId"],
        associatedGatewayOwnerAccount=a,
    )
    assert_client_error(got, p["proposalId"], "deleted")
    assert associations(dxb, gid) == []
    # The gateway owner rejects by deleting (multi-account-associate-vgw.md).
    p2 = propose(dxa, gid, b, t, "10.1.0.0/16")
    dxb.delete_direct_connect_gateway_association_proposal(proposalId=p2["proposalId"])
    assert {x["proposalId"]: x["proposalState"] for x in proposals(dxa)} == {
        p["proposalId"]: "deleted",
        p2["proposalId"]: "deleted",
    }
    assert associations(dxb, gid) == []


def test_bad_proposals_are_refused_and_nothing_changes(server: Any, account: str) -> None:
    a, b = accounts(account)
    dxa, dxb = server.client(a), server.client(b)
    gw = vgw(server, a, "10.0.0.0/16")
    gid = dxgw(dxb)
    own = dxgw(dxa, "mine")
    cases: list[tuple[dict[str, Any], list[str]]] = [
        (
            {"directConnectGatewayId": own, "directConnectGatewayOwnerAccount": a, "gatewayId": gw},
            ["your own account"],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": "999999999993",
                "gatewayId": gw,
            },
            [f"The Direct Connect Gateway {gid} does not exist."],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": "12345",
                "gatewayId": gw,
            },
            ["12345"],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": b,
                "gatewayId": "vgw-00000000000000000",
            },
            ["VirtualGateway", "does not exist"],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": b,
                "gatewayId": vgw(server, a),
            },
            ["not attached to a VPC"],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": b,
                "gatewayId": tgw(server, a, "10.2.0.0/16"),
            },
            ["addAllowedPrefixesToDirectConnectGateway", "required"],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": b,
                "gatewayId": gw,
                "addAllowedPrefixesToDirectConnectGateway": prefixes("10.0.0.1/16"),
            },
            ["10.0.0.1/16"],
        ),
        (
            {
                "directConnectGatewayId": gid,
                "directConnectGatewayOwnerAccount": b,
                "gatewayId": gw,
                "removeAllowedPrefixesToDirectConnectGateway": prefixes("10.7.0.0/16"),
            },
            ["10.7.0.0/16"],
        ),
    ]
    for kwargs, words in cases:
        assert_client_error(
            error_of(dxa.create_direct_connect_gateway_association_proposal, **kwargs), *words
        )
    assert proposals(dxa) == [] and proposals(dxb) == []
    p = propose(dxa, gid, b, gw)
    got = error_of(
        dxa.create_direct_connect_gateway_association_proposal,
        directConnectGatewayId=gid,
        directConnectGatewayOwnerAccount=b,
        gatewayId=gw,
    )
    assert_client_error(got, p["proposalId"], "pending")
    assert len(proposals(dxb)) == 1


def test_bad_accepts_are_refused_and_the_proposal_stays(server: Any, account: str) -> None:
    a, b = accounts(account)
    dxa, dxb = server.client(a), server.client(b)
    t = tgw(server, a, "10.1.0.0/16", asn=64512)  # the same ASN as B's gateway below
    gid, other_gid = dxgw(dxb), dxgw(dxb, "other", asn=65200)
    p = propose(dxa, gid, b, t, "10.1.0.0/16")
    pid = p["proposalId"]
    cases: list[tuple[Any, dict[str, Any], list[str]]] = [
        (
            dxa.accept_direct_connect_gateway_association_proposal,
            {"directConnectGatewayId": gid, "associatedGatewayOwnerAccount": a},
            [f"The Direct Connect Gateway {gid} does not exist."],
        ),
        (
            dxb.accept_direct_connect_gateway_association_proposal,
            {"directConnectGatewayId": gid, "associatedGatewayOwnerAccount": b},
            [a],
        ),
        (
            dxb.accept_direct_connect_gateway_association_proposal,
            {"directConnectGatewayId": other_gid, "associatedGatewayOwnerAccount": a},
            ["not for Direct Connect gateway"],
        ),
        # direct-connect-transit-gateways.md: the association's rules hold on accept too.
        (
            dxb.accept_direct_connect_gateway_association_proposal,
            {"directConnectGatewayId": gid, "associatedGatewayOwnerAccount": a},
            ["64512", "different"],
        ),
        (
            server.client("999999999992").delete_direct_connect_gateway_association_proposal,
            {},
            [f"The Direct Connect Gateway Association Proposal {pid} does not exist."],
        ),
    ]
    for call, kwargs, words in cases:
        assert_client_error(error_of(call, proposalId=pid, **kwargs), *words)
    assert proposals(dxb)[0]["proposalState"] == "requested"
    assert associations(dxb, gid) == []


def test_proposals_expire_after_7_days_and_vanish_3_days_later(make_server: Any) -> None:
    """virtualgateways.md: a proposal expires 7 days after it is created; a deleted one
    stays visible for 3 days. The server's test clock moves time instead of sleeping."""
    srv = make_server("--test-clock")
    a, b = "111111111111", "222222222222"
    dxa, dxb = srv.client(a), srv.client(b)
    gid = dxgw(dxb)
    pid = propose(dxa, gid, b, vgw(srv, a, "10.0.0.0/16"))["proposalId"]

    def advance(seconds: float) -> list[str]:
        ext(srv.endpoint, "POST", "/clock/advance", {"seconds": seconds}, account=a)
        return [p["proposalState"] for p in proposals(dxb, proposalId=pid)]

    assert advance(7 * 24 * 3600 - 60) == ["requested"]
    assert advance(120) == ["deleted"]
    got = error_of(
        dxb.accept_direct_connect_gateway_association_proposal,
        directConnectGatewayId=gid,
        proposalId=pid,
        associatedGatewayOwnerAccount=a,
    )
    assert_client_error(got, "deleted")
    assert advance(3 * 24 * 3600 - 120) == ["deleted"]
    assert advance(240) == []
    assert associations(dxb, gid) == []
