"""The Resiliency Toolkit's BGP failover test (resiliency_failover.md): StartBgpFailoverTest
takes the chosen BGP peers of a VIF down for 1-4,320 minutes, the VIF shows `testing`,
and the sessions come back when the test is stopped (cancelled) or its time is up
(completed, through a durable timer that survives a restart). Only the VIF's owner may
run it ("The only account that has permission to run the failover test is the account
that owns the virtual interface"). A test whose VIF or connection goes away ends failed.

Beyond AWS: each test keeps the routing model's before/during comparison for its report
(reports.py)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from dxlab.domain import failover as rules
from dxlab.domain.errors import Conflict, ValidationError
from dxlab.domain.shapes import (
    ListVirtualInterfaceTestHistoryRequest,
    ListVirtualInterfaceTestHistoryResponse,
    StartBgpFailoverTestRequest,
    StartBgpFailoverTestResponse,
    StopBgpFailoverTestRequest,
    StopBgpFailoverTestResponse,
    VirtualInterfaceTestHistory,
)
from dxlab.domain.states import (
    BGP_PEER,
    CONNECTION,
    FAILOVER_TEST,
    VIF,
    BGPPeerState,
    TestStatus,
    VirtualInterfaceState,
    set_state,
)
from dxlab.service.common import in_region, page
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.service.resiliency.outages import TEST_KIND
from dxlab.service.resiliency.reports import comparison
from dxlab.service.snapshot import network_snapshot
from dxlab.service.timers import timer_action
from dxlab.service.virtual_interfaces.state import KIND as VIF_KIND
from dxlab.service.virtual_interfaces.state import (
    find_vif,
    live_state,
    parent_of,
    parent_state,
)
from dxlab.store.repository import Record, UnitOfWork

EXPIRE = "failover_test.expire"
WATCH = "failover_test.watch"
# How often a running test checks that its VIF and connection are still there.
WATCH_SECONDS = 10.0


def _test(doc: dict[str, Any]) -> VirtualInterfaceTestHistory:
    """A stored test is the model's VirtualInterfaceTestHistory (checked in the tests)."""
    return cast(VirtualInterfaceTestHistory, doc)


def _in_progress(uow: UnitOfWork, vif_id: str) -> Record | None:
    return next(
        (
            t
            for t in uow.list(TEST_KIND, parent=vif_id)
            if t.doc["status"] == TestStatus.IN_PROGRESS
        ),
        None,
    )


def _chosen_peers(vif: Record, wanted: list[str] | None) -> list[dict[str, Any]]:
    """The peers to bring down: the ones named (each must be this VIF's), else all."""
    peers = [p for p in vif.doc.get("bgpPeers", []) if p.get("bgpPeerState") not in BGP_PEER.gone]
    if not wanted:
        return peers
    by_id = {p.get("bgpPeerId"): p for p in peers}
    for peer_id in wanted:
        if peer_id not in by_id:
            raise ValidationError(
                f"BGP peer {peer_id} is not a BGP peer of virtual interface {vif.id}"
            )
    return [by_id[p] for p in dict.fromkeys(wanted)]


@operation("StartBgpFailoverTest", write=True)
def start_bgp_failover_test(
    uow: UnitOfWork, ctx: Context, req: StartBgpFailoverTestRequest
) -> StartBgpFailoverTestResponse:
    minutes = rules.check_minutes(req.get("testDurationInMinutes"))
    vif = find_vif(uow, ctx, req["virtualInterfaceId"], owner_only=True)
    running = _in_progress(uow, vif.id)
    if running is not None:
        raise Conflict(
            f"Virtual interface {vif.id} is already being tested (test {running.id} is in progress)"
        )
    now_snap = network_snapshot(uow, ctx, vif.account)
    state = live_state(now_snap, vif)
    if state != VirtualInterfaceState.AVAILABLE:
        raise Conflict(
            f"Virtual interface {vif.id} is {state}; only an available virtual interface can be tested"
        )
    peers = _chosen_peers(vif, req.get("bgpPeers"))
    not_up = [p["bgpPeerId"] for p in peers if p.get("bgpPeerState") != BGPPeerState.AVAILABLE]
    if not_up:
        raise Conflict(
            f"BGP peer(s) {', '.join(not_up)} of {vif.id} are not available yet and cannot be tested"
        )
    families = sorted({p["addressFamily"] for p in peers})
    snap = comparison(now_snap, also_testing=[(vif.id, f) for f in families])
    now, test_id = ctx.now(), str(uuid.uuid4())
    peer_ids = [str(p["bgpPeerId"]) for p in peers]
    doc: dict[str, Any] = {
        "testId": test_id,
        "virtualInterfaceId": vif.id,
        "bgpPeers": peer_ids,
    }
    set_state(doc, FAILOVER_TEST, TestStatus.IN_PROGRESS)
    doc |= {
        "ownerAccount": vif.account,
        "testDurationInMinutes": minutes,
        "startTime": now,
        "endTime": now + minutes * 60.0,  # when it will end; the actual end once it has
    }
    meta = {"families": families, "snapshot": snap}
    uow.put(Record(TEST_KIND, test_id, vif.account, doc, meta, parent=vif.id, created=now))
    _bring_down(uow, ctx, vif)
    uow.schedule(now + minutes * 60.0, EXPIRE, test_id, {})
    uow.schedule(now + WATCH_SECONDS, WATCH, test_id, {})
    return {"virtualInterfaceTest": _test(doc)}


def _bring_down(uow: UnitOfWork, ctx: Context, vif: Record) -> None:
    """The VIF shows `testing`; the test's record (now in progress) holds the tested
    sessions down in the snapshot, so the peers' BGP status follows from it."""
    set_state(vif.doc, VIF, VirtualInterfaceState.TESTING)
    uow.put(vif)


def _vif_gone(uow: UnitOfWork, test: Record) -> str:
    """Why a running test can no longer run ("" while it can)."""
    vif = uow.get(VIF_KIND, str(test.doc["virtualInterfaceId"]))
    if vif is None or vif.doc["virtualInterfaceState"] != VirtualInterfaceState.TESTING:
        return "virtual interface is gone"
    parent = parent_of(uow, vif.parent)
    if parent is None or parent_state(parent) in CONNECTION.gone:
        return "connection is gone"
    return ""


def _finish(uow: UnitOfWork, ctx: Context, test: Record, status: TestStatus, end: float) -> None:
    set_state(test.doc, FAILOVER_TEST, status)
    test.doc["endTime"] = end
    uow.cancel_timers(test.id)
    uow.put(test)
    vif = uow.get(VIF_KIND, str(test.doc["virtualInterfaceId"]))
    if vif is not None and vif.doc["virtualInterfaceState"] == VirtualInterfaceState.TESTING:
        # The data plane then says up or down.
        set_state(vif.doc, VIF, VirtualInterfaceState.AVAILABLE)
        uow.put(vif)


@timer_action(EXPIRE)
def expire(uow: UnitOfWork, ctx: Context, test_id: str, payload: dict[str, Any]) -> None:
    test = uow.get(TEST_KIND, test_id)
    if test is None or test.doc["status"] != TestStatus.IN_PROGRESS:
        return
    status = TestStatus.FAILED if _vif_gone(uow, test) else TestStatus.COMPLETED
    _finish(uow, ctx, test, status, min(ctx.now(), float(test.doc["endTime"])))


@timer_action(WATCH)
def watch(uow: UnitOfWork, ctx: Context, test_id: str, payload: dict[str, Any]) -> None:
    test = uow.get(TEST_KIND, test_id)
    if test is None or test.doc["status"] != TestStatus.IN_PROGRESS:
        return
    if _vif_gone(uow, test):
        _finish(uow, ctx, test, TestStatus.FAILED, ctx.now())
    elif ctx.now() + WATCH_SECONDS < float(test.doc["endTime"]):
        uow.schedule(ctx.now() + WATCH_SECONDS, WATCH, test_id, {})


@operation("StopBgpFailoverTest", write=True)
def stop_bgp_failover_test(
    uow: UnitOfWork, ctx: Context, req: StopBgpFailoverTestRequest
) -> StopBgpFailoverTestResponse:
    vif = find_vif(uow, ctx, req["virtualInterfaceId"], owner_only=True)
    test = _in_progress(uow, vif.id)
    if test is None:
        raise Conflict(f"No failover test is in progress on virtual interface {vif.id}")
    # resiliency_failover.md: "AWS restores the BGP peering session. The testing history
    # displays 'cancelled' for the test."
    _finish(uow, ctx, test, TestStatus.CANCELLED, ctx.now())
    return {"virtualInterfaceTest": _test(test.doc)}


@operation("ListVirtualInterfaceTestHistory")
def list_test_history(
    uow: UnitOfWork, ctx: Context, req: ListVirtualInterfaceTestHistoryRequest
) -> ListVirtualInterfaceTestHistoryResponse:
    status = req.get("status")
    if status is not None:
        rules.check_status(status)
    vif_id = req.get("virtualInterfaceId")
    if vif_id is not None:
        find_vif(uow, ctx, vif_id, owner_only=True)
        records = uow.list(TEST_KIND, parent=vif_id)
    else:  # the tests of this Region's VIFs (a VIF belongs to one Region, find_vif)
        records = [
            r
            for r in uow.list(TEST_KIND, account=ctx.account)
            if (vif := uow.get(VIF_KIND, str(r.parent))) is None or in_region(vif, ctx)
        ]
    docs = sorted(
        (r.doc for r in records if r.account == ctx.account),
        key=lambda d: d["startTime"],
        reverse=True,
    )
    if req.get("testId") is not None:
        docs = [d for d in docs if d["testId"] == req["testId"]]
    if status is not None:
        docs = [d for d in docs if d["status"] == status]
    peers = set(req.get("bgpPeers") or ())
    if peers:
        docs = [d for d in docs if peers & set(d["bgpPeers"])]
    items, token = page(docs, req.get("maxResults"), req.get("nextToken"))
    out: ListVirtualInterfaceTestHistoryResponse = {
        "virtualInterfaceTestHistory": [_test(d) for d in items]
    }
    if token:
        out["nextToken"] = token
    return out
