"""The lab data plane behind the API: a background loop that keeps the lab in step with
the store (plan -> diff -> apply, after each change and every few seconds to heal), and
reads the daemons' session states, which `use_data_plane` makes the BGP status the API
reports. `dxlab serve --data-plane lab` starts it; `auto` when `lab_can_run()`."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from dxlab.domain.topology import Vpc
from dxlab.lab import probes
from dxlab.lab import state as lab_state
from dxlab.lab.apply import reconcile
from dxlab.lab.host import Host, LinuxHost, lab_can_run
from dxlab.lab.model import Lab
from dxlab.lab.plan import DEFAULT_PREFIX, AccountNetwork, build_lab
from dxlab.lab.probes import TrafficProbe
from dxlab.routing.bgp import Route
from dxlab.service.context import Context, Settings
from dxlab.service.customer import verify
from dxlab.service.resiliency import reports as failover_report
from dxlab.service.resiliency.reports import FAILURE_KIND, TEST_KIND, current_outages
from dxlab.service.snapshot import TOPOLOGY_KIND, build_network
from dxlab.service.virtual_interfaces import routes as vif_routes
from dxlab.service.virtual_interfaces import state as vif_state
from dxlab.store.repository import Record, Store, UnitOfWork

log = logging.getLogger("dxlab.lab")
HEAL_EVERY = 5.0  # seconds: a full observe/diff even when nothing changed in the store
POLL = 0.25


def resolve_data_plane(choice: str) -> str:
    """`auto` is the lab when this machine can run it (root, bird, FRR, nft), else sim."""
    if choice == "auto":
        return "lab" if lab_can_run() else "sim"
    return choice


def lab_state_dir() -> Path:
    from dxlab import config

    return config.state_dir() / "lab"


def account_networks(uow: UnitOfWork, settings: Settings) -> list[AccountNetwork]:
    """Every account that loaded a customer topology, with its VIFs as Describe* shows them."""
    out = []
    for topo in sorted(uow.list(TOPOLOGY_KIND), key=lambda r: r.id):
        ctx = Context(account=topo.id, settings=settings)
        net = build_network(uow, ctx)
        docs: dict[str, dict[str, Any]] = {}
        for vif_id in net.vifs:
            rec = uow.get(vif_state.KIND, vif_id)
            if rec is not None:
                docs[vif_id] = rec.doc
        failed, testing = current_outages(uow, topo.id)
        held = frozenset(r.id for kind in ("connection", "lag") for r in uow.list(kind, account=topo.id)
                         if r.meta.get("failures"))  # fmt: skip
        out.append(AccountNetwork(topo.id, net, docs, tuple(failed), tuple(testing), held))
    return out


class LabPlane:
    def __init__(self, store: Store, settings: Settings, prefix: str = DEFAULT_PREFIX, state: Path | None = None,
                 host: Host | None = None) -> None:  # fmt: skip
        self.store = store
        self.settings = settings
        self.prefix = prefix
        self.state = state or lab_state_dir()
        self.host = host or LinuxHost()
        self.lab: Lab | None = None
        self.sessions: dict[tuple[str, str], bool] = {}  # (vif, family) -> Established
        self._planned: Lab | None = None
        self._healed = 0.0
        self.watches = Watches(self.host)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.last_error = ""

    # -- the loop ---------------------------------------------------------------------
    def plan(self) -> Lab:
        with self.store.read() as uow:
            return build_lab(account_networks(uow, self.settings), self.prefix)

    def step(self) -> None:
        """One pass: re-plan; apply when the plan changed or it is time to heal; read states.
        Probe traffic starts before a new failure or test is applied, so it sees the outage."""
        with self._lock:
            planned = self.plan()
            with self.store.read() as uow:
                active = active_outages(uow)
            if self._stop.is_set():
                return  # stopping: build nothing more that the teardown would have to find
            self.watches.update(planned, active)
            now = time.monotonic()
            if self._planned is None or _fingerprint(planned) != _fingerprint(self._planned) or now - self._healed > HEAL_EVERY:
                done = reconcile(self.host, planned, self.state)
                if done:
                    log.info("lab: %s", ", ".join(str(a) for a in done))
                self._planned, self._healed = planned, now
            self.lab = planned
            self.sessions = lab_state.session_states(self.host, planned, self.state)

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
                self.last_error = ""
            except Exception as exc:  # noqa: BLE001 - the loop must outlive one bad pass
                if str(exc) != self.last_error:
                    log.exception("lab reconcile failed")
                self.last_error = str(exc)
            self._stop.wait(POLL)

    def start(self) -> LabPlane:
        import dxlab.service.operations  # noqa: F401 - every module registered (sim_plane sets its probe at import)

        vif_state.use_data_plane(self.probe)
        vif_routes.use_route_source(self.routes)
        failover_report.use_measurements(self.watches.measured)
        verify.use_lab_verifier(self.verify)
        self._thread = threading.Thread(target=self.run, name="dxlab-lab", daemon=True)
        self._thread.start()
        return self

    def stop(self, teardown: bool = True) -> None:
        self._stop.set()
        self.watches.stop_all()
        if self._thread:
            # A pass in progress finishes within seconds; the teardown removes what it built
            # either way (everything is found by name), so there is no point waiting longer.
            self._thread.join(timeout=5)
        vif_state.use_data_plane(vif_state.simulated_session_up)
        vif_routes.use_route_source(None)
        failover_report.use_measurements(None)
        verify.use_lab_verifier(None)
        if teardown:
            from dxlab.lab.cleanup import down

            down(self.host, self.prefix, self.state)

    # -- what the API asks ----------------------------------------------------------------
    def probe(self, uow: UnitOfWork, vif: Record) -> bool:
        """Is the VIF's BGP up? The daemons answer: a VIF the lab does not run (yet) has
        no customer router speaking BGP to it, so it is down, as on real fiber."""
        return any(up for (vif_id, _), up in self.sessions.items() if vif_id == vif.id)

    def routes(self, vif_id: str) -> list[tuple[str, Route]] | None:
        """ListVirtualInterfaceRoutes from BIRD: what each Established session of the VIF
        accepted from the customer and advertises to it (AWS prepends its ASN on the way)."""
        lab = self.lab
        mine = [s for s in lab.sessions if s.vif_id == vif_id] if lab else []
        if not mine:
            return None
        out: list[tuple[str, Route]] = []
        for s in mine:
            if not self.sessions.get((s.vif_id, s.family)):
                continue  # a session that is down has neither learned nor sent anything
            for r in lab_state.routes(self.host, self.state, s.device_ns, s.protocol):
                out.append(("accepted", Route(r.cidr, s.family, r.as_path, r.communities)))
            for r in lab_state.routes(self.host, self.state, s.device_ns, s.protocol, exported=True):
                out.append(("advertised", Route(r.cidr, s.family, (s.amazon_asn, *r.as_path), r.communities)))
        return out

    def verify(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        lab = self.lab
        return probes.verify(self.host, lab, account, site, vpc.name, count, vpc.icmp) if lab else None


def active_outages(uow: UnitOfWork) -> dict[str, str]:
    """Failures and BGP failover tests running now: record id -> account."""
    out = {r.id: r.account for r in uow.list(FAILURE_KIND) if r.doc.get("status") == "active"}
    out.update({r.id: r.account for r in uow.list(TEST_KIND) if r.doc.get("status") == "in progress"})
    return out


RESTORATION_S = 3.0  # how long traffic is watched after a failure or test ends
MAX_WATCH_S = 600.0  # a probe's bound; a longer failure is measured over its first 10 minutes


class Watches:
    """Probe traffic (ICMP every 10 ms, each data center to each VPC instance) for as long
    as a failure or failover test runs, then for RESTORATION_S after it ends: the outage
    each site <-> VPC pair saw, during and at restoration (failover_report shows it)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.accounts: dict[str, str] = {}
        self.during: dict[str, dict[tuple[str, str], TrafficProbe]] = {}
        self.after: dict[str, dict[tuple[str, str], TrafficProbe]] = {}

    def _probes(self, lab: Lab, account: str, seconds: float) -> dict[tuple[str, str], TrafficProbe]:
        out = {}
        for (acct, site), src in lab.sites.items():
            for (acct2, vpc), dst in lab.vpcs.items():
                if acct == acct2 == account:
                    out[(site, vpc)] = TrafficProbe(self.host, src.ns, src.address, dst.address, seconds)
        return out

    def update(self, lab: Lab, active: dict[str, str]) -> None:
        for rid, account in active.items():
            if rid not in self.during:
                self.accounts[rid] = account
                self.during[rid] = self._probes(lab, account, MAX_WATCH_S)
        for rid in [r for r in self.during if r not in active and r not in self.after]:
            for probe in self.during[rid].values():
                probe.stop()
            self.after[rid] = self._probes(lab, self.accounts[rid], RESTORATION_S)

    def measured(self, record_id: str) -> dict[tuple[str, str], dict[str, Any]] | None:
        during = self.during.get(record_id)
        if during is None:
            return None
        after = self.after.get(record_id, {})
        out = {}
        for pair, probe in during.items():
            entry = probe.current().shape()
            if pair in after:
                entry["restoration"] = after[pair].current().shape()
            out[pair] = entry
        return out

    def stop_all(self) -> None:
        for group in (*self.during.values(), *self.after.values()):
            for probe in group.values():
                probe.stop()


def _fingerprint(lab: Lab) -> int:
    return hash((lab.namespaces, lab.bridges, lab.veths, lab.daemons))


_current: list[LabPlane] = []


def start_lab(db: str, settings: Settings, prefix: str = DEFAULT_PREFIX) -> LabPlane:
    """The server's lab: a store of its own on the same database, and the loop."""
    from dxlab.store import open_store

    plane = LabPlane(open_store(db), settings, prefix).start()
    _current[:] = [plane]
    return plane


def current() -> LabPlane | None:
    return _current[0] if _current else None


def serve_with_lab(run: Any, db: str, settings: Settings, host: str, port: int) -> None:
    """`dxlab serve`: the server, and in lab mode the lab beside it for as long as it runs
    (a clean stop removes the lab; after a SIGKILL `dxlab down` does)."""
    if settings.data_plane != "lab":
        run(db, settings, host, port)
        return
    from dxlab.lab.host import tools_present

    missing = [name for name, ok in tools_present().items() if not ok]
    if missing:
        raise SystemExit(f"--data-plane lab needs {', '.join(missing)} (root, and `make system-packages` installs"
                         " bird2, frr, nftables, iproute2, iputils-ping); --data-plane auto falls back to sim")  # fmt: skip
    import signal
    import sys

    # uvicorn re-raises SIGTERM once it has shut down: turn it into an exit that runs the
    # teardown below instead of ending the process with the lab still up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    from dxlab import config

    plane = start_lab(db, settings, config.lab_prefix())
    try:
        run(db, settings, host, port)
    finally:
        plane.stop(teardown=True)
