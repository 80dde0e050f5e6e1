"""The analyzer on the guide's models and on designs with known weaknesses: it must
find each weakness, and must not flag a design that has none."""

from __future__ import annotations

from dxlab.domain.topology import Advertisement
from dxlab.routing.network import Failure
from dxlab.routing.paths import Paths, all_states
from dxlab.toolkit.analyzer import analyze
from tests.networks import DEV_TEST, HIGH, MAXIMUM, ONE_DEVICE, build


def test_maximum_model_has_no_single_point_of_failure() -> None:
    result = analyze(build(MAXIMUM))
    assert result.sla == "99.99%", result.sla_rule
    assert result.single_points_of_failure == []
    assert all(b["reachable"] for b in result.baseline)


def test_maximum_model_survives_every_pair_within_one_location() -> None:
    result = analyze(build(MAXIMUM))
    lost_pairs = {frozenset(map(str, p)) for p in result.pairs}
    # Losing both locations cuts everything; losing two devices of one location does not.
    assert frozenset({"location:EqDC2", "location:CSVA1"}) in lost_pairs
    assert frozenset({"device:EqDC2-dev1", "device:EqDC2-dev2"}) not in lost_pairs


def test_high_model_is_99_9_and_survives_a_location() -> None:
    result = analyze(build(HIGH))
    assert result.sla == "99.9%"
    assert result.single_points_of_failure == []


def test_dev_test_model_loses_everything_with_its_location() -> None:
    result = analyze(build(DEV_TEST))
    assert result.sla == "none"
    spofs = {(s["kind"], s["id"]) for s in result.single_points_of_failure}
    assert ("location", "EqDC2") in spofs
    assert ("device", "EqDC2-dev1") not in spofs


def test_two_connections_on_one_device_is_a_single_point_of_failure() -> None:
    spofs = {(s["kind"], s["id"]) for s in analyze(build(ONE_DEVICE)).single_points_of_failure}
    assert ("device", "EqDC2-dev1") in spofs


def test_prefix_advertised_at_one_site_only_is_found() -> None:
    own_only = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    result = analyze(build(HIGH, adverts=own_only))
    one_vif = {f["prefix"] for f in result.findings if f["kind"] == "prefix-on-one-vif"}
    assert one_vif == {"10.1.0.0/16", "10.2.0.0/16"}
    # ...and losing dc1's only connection loses dc1's prefix: a single point of failure.
    spofs = {(s["kind"], s["id"]): s["lost"] for s in result.single_points_of_failure}
    assert "10.1.0.0/16 from prod" in spofs[("connection", "dxcon-aaaaaaa1")]
    assert result.sla == "none"
    assert not [f for f in analyze(build(HIGH)).findings if f["kind"] == "prefix-on-one-vif"]


def test_maximum_model_with_site_only_prefixes_loses_a_site_with_its_location() -> None:
    own_only = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    result = analyze(build(MAXIMUM, adverts=own_only))
    spofs = {(s["kind"], s["id"]) for s in result.single_points_of_failure}
    assert ("location", "EqDC2") in spofs and ("device", "EqDC2-dev1") not in spofs


def test_prefix_limit_puts_the_session_idle() -> None:
    many = [Advertisement(f"10.1.{i}.0/24") for i in range(101)]
    net = build(HIGH, adverts={"dc1": many})
    states = all_states(net)
    assert not states[("dxvif-00000001", "ipv4")].up
    assert "idle" in states[("dxvif-00000001", "ipv4")].reason
    assert any(f["kind"] == "prefix-limit" for f in analyze(net).findings)


def test_local_preference_picks_the_active_vif_and_failover_moves_traffic() -> None:
    net = build(
        HIGH,
        adverts={
            "dc1": [Advertisement("10.1.0.0/16", ("7224:7300",))],
            "dc2": [Advertisement("10.1.0.0/16", ("7224:7100",)), Advertisement("10.2.0.0/16")],
        },
    )
    vpc = net.topology.vpcs[0]
    assert Paths(net, all_states(net)).back("dc1", vpc) == (("dxvif-00000001", "ipv4"),)
    during = Paths(net, all_states(net, testing=[("dxvif-00000001", "ipv4")]))
    assert during.back("dc1", vpc) == (("dxvif-00000002", "ipv4"),)
    assert during.pair("dc1", vpc).reachable


def test_without_wan_return_traffic_must_land_at_its_own_site() -> None:
    # Both sites advertise both prefixes alike: AWS multipaths dc1's traffic to dc2 too.
    shared = analyze(build(HIGH, wan=False))
    dc1 = next(b for b in shared.baseline if b["site"] == "dc1")
    assert not dc1["reachable"] and "no WAN" in str(dc1["reason"])
    own_only = {"dc1": [Advertisement("10.1.0.0/16")], "dc2": [Advertisement("10.2.0.0/16")]}
    result = analyze(build(HIGH, adverts=own_only, wan=False))
    spofs = {(s["kind"], s["id"]) for s in result.single_points_of_failure}
    assert ("connection", "dxcon-aaaaaaa1") in spofs
    assert result.sla == "none"


def test_failure_kinds_take_sessions_down() -> None:
    net = build(MAXIMUM)
    for failure in [
        Failure("device", "EqDC2-dev1"),
        Failure("connection", "dxcon-aaaaaaa1"),
        Failure("location", "EqDC2"),
        Failure("router", "r1"),
        Failure("site", "dc1"),
    ]:
        assert not all_states(net, [failure])[("dxvif-00000001", "ipv4")].up


def test_classic_single_connection_is_a_single_point_of_failure_everywhere() -> None:
    result = analyze(build([MAXIMUM[0]]))
    spofs = {(s["kind"], s["id"]) for s in result.single_points_of_failure}
    assert {
        ("connection", "dxcon-aaaaaaa1"),
        ("device", "EqDC2-dev1"),
        ("location", "EqDC2"),
        ("router", "r1"),
    } <= spofs
    assert result.sla == "none"


def test_a_design_without_weakness_has_no_findings() -> None:
    assert analyze(build(MAXIMUM)).findings == []


def test_a_backup_that_local_preference_never_uses_is_found() -> None:
    layout = [*HIGH, ("dxcon-ccccccc1", "EqDC2", "EqDC2-dev2", "dc1")]
    # r3 backs up dc1's prefix at low preference, while r1 advertises it at the default.
    net = build(layout, router_adverts={"r3": [Advertisement("10.1.0.0/16", ("7224:7100",))]})
    never = {
        f["virtualInterfaceId"] for f in analyze(net).findings if f["kind"] == "backup-never-used"
    }
    assert never == {"dxvif-00000003"}


def test_a_prefix_on_one_router_is_lost_alone_not_its_data_center() -> None:
    extra = [
        Advertisement("10.9.0.0/16"),
        Advertisement("10.2.0.0/16"),
        Advertisement("10.1.0.0/16"),
    ]
    result = analyze(build(MAXIMUM, router_adverts={"r3": extra}))
    lost = {(s["kind"], s["id"]): s["lost"] for s in result.single_points_of_failure}
    assert lost[("connection", "dxcon-bbbbbbb1")] == ["10.9.0.0/16 from prod"]
