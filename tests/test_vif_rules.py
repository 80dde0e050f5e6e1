"""The pure VIF rules (dxlab.domain.vif, dxlab.domain.addressing), without a server."""

from __future__ import annotations

import ipaddress
import random

import pytest

from dxlab.domain import addressing
from dxlab.domain import vif as rules
from dxlab.domain.errors import ValidationError
from dxlab.domain.states import VIF, IllegalTransition, VirtualInterfaceState, set_state


def test_asn_long_wins_and_reads_zero_in_the_legacy_member() -> None:
    assert rules.resolve_asn(65000, 4_200_000_000) == 4_200_000_000
    assert rules.asn_fields(4_200_000_000) == {"asn": 0, "asnLong": 4_200_000_000}
    assert rules.asn_fields(65000) == {"asn": 65000, "asnLong": 65000}
    assert rules.resolve_asn(None, None, required=False) is None
    with pytest.raises(ValidationError, match="asn or asnLong"):
        rules.resolve_asn(None, None)
    with pytest.raises(
        ValidationError, match="-94967296 must have value greater than or equal to 1"
    ):
        rules.resolve_asn(None, -94967296)  # FIDELITY.md's example message


@pytest.mark.parametrize(
    ("vif_type", "good", "bad"),
    [("private", 9001, 8500), ("transit", 8500, 9001), ("public", 1500, 9001)],
)
def test_mtu_per_type(vif_type: str, good: int, bad: int) -> None:
    assert rules.check_mtu(vif_type, good) == good
    assert rules.check_mtu(vif_type, None) == 1500
    with pytest.raises(ValidationError, match=f"MTU {bad}"):
        rules.check_mtu(vif_type, bad)


def test_state_table() -> None:
    """The VIF's table in domain.states, as the service layer walks it (test_states.py
    walks every row of every resource)."""
    doc = {"virtualInterfaceId": "dxvif-x", "virtualInterfaceState": "confirming"}
    for state in ("pending", "available", "testing", "available", "down", "deleting", "deleted"):
        set_state(doc, VIF, VirtualInterfaceState(state))
    with pytest.raises(IllegalTransition, match="dxvif-x: 'deleted' cannot become 'available'"):
        set_state(doc, VIF, VirtualInterfaceState.AVAILABLE)
    assert "deleted" not in VIF.live and "confirming" in VIF.live


@pytest.mark.parametrize(
    ("cidr", "public"),
    [
        ("8.8.8.0/24", True),
        ("2a00:1450::/32", True),
        ("10.0.0.0/8", False),
        ("0.0.0.0/0", False),
        ("100.127.0.0/16", False),
        ("198.18.0.0/15", False),
        ("240.0.0.0/4", False),
        # Documentation ranges: accepted into review like any public prefix (the CLI's examples).
        ("203.0.113.0/24", True),
        ("198.51.100.0/24", True),
        ("192.0.2.0/24", True),
        ("2001:db8::/32", True),
    ],
)
def test_special_purpose_ranges(cidr: str, public: bool) -> None:
    assert (rules.special_range(ipaddress.ip_network(cidr)) is None) == public


def test_ipv4_peers_on_a_31_and_a_30() -> None:
    assert rules.check_ipv4_peers("10.0.0.0/31", "10.0.0.1/31", public=False) == (
        "10.0.0.0/31",
        "10.0.0.1/31",
    )
    assert rules.check_ipv4_peers(None, None, public=False) is None
    with pytest.raises(ValidationError, match="public IPv4"):
        rules.check_ipv4_peers(None, None, public=True)


def test_link_local_blocks_never_repeat_and_run_out() -> None:
    taken: set[str] = set()
    rng = random.Random(7)
    for _ in range(200):
        block = addressing.free_v4_block(taken, rng)
        assert block is not None and block not in taken
        net = ipaddress.ip_network(block)
        assert net.prefixlen == 30 and net.subnet_of(addressing.LINK_LOCAL)  # type: ignore[arg-type]
        assert not block.startswith(("169.254.0.", "169.254.255."))  # RFC 3927 reserved /24s
        taken.add(block)
    everything = {addressing.v4_block(i) for i in range((254 * 256) // 4)}
    assert addressing.free_v4_block(everything, rng) is None
    assert addressing.peer_addresses("169.254.8.4/30") == ("169.254.8.5/30", "169.254.8.6/30")


def test_ipv6_blocks_are_125s_of_the_pool() -> None:
    block = addressing.free_v6_block(set(), random.Random(1))
    amazon, customer = addressing.peer_addresses(block)
    assert ipaddress.ip_network(block).prefixlen == 125
    assert ipaddress.ip_interface(amazon).network.subnet_of(addressing.IPV6_POOL)  # type: ignore[arg-type]
    assert addressing.block_of(customer) == block
