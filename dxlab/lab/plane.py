"""The lab data plane behind the API (a `DataPlane`, service/data_plane.py): a background
loop keeps the lab in step with the store (plan -> diff -> apply, after each change and
every few seconds to heal) and reads the daemons' session states; BGP status, routes,
verify and the failover reports' outages then come from BIRD, FRR and real packets.
bootstrap.py builds it for `dxlab serve --data-plane lab` (or `auto` when it can run)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dxlab.domain.topology import Vpc
from dxlab.lab import dualstack, events, probes, public, sitelink
from dxlab.lab import state as lab_state
from dxlab.lab.apply import reconcile
from dxlab.lab.daemons import DeathWatch
from dxlab.lab.host import Host, LinuxHost
from dxlab.lab.model import Lab
from dxlab.lab.plan import DEFAULT_PREFIX, AccountNetwork, build_lab
from dxlab.lab.probes import TrafficProbe
from dxlab.routing.bgp import Route, SessionState, accepted_routes, advertised_routes
from dxlab.routing.network import Network, Outages
from dxlab.routing.paths import SessionKey, all_states
from dxlab.routing.sitelink import with_sitelink_routes

if TYPE_CHECKING:  # the protocol's shapes, for the checker: the lab runs without the service layer
    from dxlab.service.data_plane import Measured, Routes

log = logging.getLogger("dxlab.lab")
# seconds: a full observe/diff even when nothing changed in the store (a daemon's death is
# seen at once by its pidfd; this finds what someone changed by hand)
HEAL_EVERY = 300.0
POLL = 0.25
NOT_ESTABLISHED = "BGP session is not Established in the lab"

# What the composition root feeds the loop (bootstrap.py), read through the bus each pass:
# the accounts to build, and the failures and tests running now (record id -> account).
Networks = Callable[[], list[AccountNetwork]]
Active = Callable[[], dict[str, str]]
Version = Callable[[], object]  # moves whenever the store changed (SqliteStore.version)


def lab_state_dir() -> Path:
    from dxlab import config

    return config.state_dir() / "lab"


class LabPlane:
    name = "lab"

    def __init__(
        self, prefix: str = DEFAULT_PREFIX, state: Path | None = None, host: Host | None = None
    ) -> None:
        self.prefix = prefix
        self.state = state or lab_state_dir()
        self.host = host or LinuxHost()
        self.lab: Lab | None = None
        self.observed: dict[SessionKey, bool] = {}  # (vif, family) -> Established
        self._planned: Lab | None = None
        self._version: object = None  # the store's version the plan was made from (None: unknown)
        self._healed = 0.0
        self.watches = Watches(self.host)
        self.deaths = DeathWatch()  # a daemon's exit, as it happens: reconcile (restart) at once
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._networks: Networks | None = None
        self._active: Active | None = None
        self._store_version: Version | None = None
        self.last_error = ""

    # -- the loop ---------------------------------------------------------------------
    def plan(self) -> Lab:
        assert self._networks is not None, "start() the lab first"
        return build_lab(self._networks(), self.prefix)

    def step(self) -> None:
        """One pass: re-plan; apply when the plan changed or it is time to heal; read states.
        Probe traffic starts before a new failure or test is applied, so it sees the outage."""
        assert self._active is not None, "start() the lab first"
        with self._lock:
            # Nothing changed in the store, no daemon died, no heal due: only the sessions
            # are read again (the plan of every account is not rebuilt four times a second).
            version = self._store_version() if self._store_version else None
            died = self.deaths.died()
            if (
                version is not None
                and version == self._version
                and not died
                and self.lab is not None
                and time.monotonic() - self._healed <= HEAL_EVERY
            ):
                self.observed = lab_state.session_states(self.host, self.lab, self.state)
                return
            planned = self.plan()
            active = self._active()
            if self._stop.is_set():
                return  # stopping: build nothing more that the teardown would have to find
            self.watches.update(planned, active)
            now = time.monotonic()
            heal = now - self._healed > HEAL_EVERY
            if (
                self._planned is None
                or _fingerprint(planned) != _fingerprint(self._planned)
                or died
                or heal
            ):
                # Until applied, nothing is taken as running: a pass that fails is tried
                # again, observing the kernel; a heal observes it too.
                applied, self._planned = self._planned, None
                done = reconcile(self.host, planned, self.state, None if heal else applied)
                if done:
                    log.info("lab: %s", ", ".join(str(a) for a in done))
                self._planned = planned
                self._healed = now if heal else self._healed
                self.deaths.watch(self.state, [n.name for n in planned.namespaces])
            self.lab = planned
            self._version = version
            self.observed = lab_state.session_states(self.host, planned, self.state)

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
                self.last_error = ""
            except Exception as exc:  # noqa: BLE001 - the loop must outlive one bad pass
                if str(exc) != self.last_error:
                    log.exception("lab reconcile failed")
                    events.record(
                        self.state, "error", str(exc)
                    )  # where `dxlab lab status` shows it
                self.last_error = str(exc)
            self._stop.wait(POLL)

    def start(self, networks: Networks, active: Active, version: Version | None = None) -> LabPlane:
        """Run the loop on what `networks` and `active` read (bootstrap.py wires them);
        `version` (the store's change signal) lets a pass skip the re-plan when nothing
        changed."""
        self._networks, self._active, self._store_version = networks, active, version
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
        with self._lock:
            self.deaths.close()
        if teardown:
            from dxlab.lab.cleanup import down

            down(self.host, self.prefix, self.state)

    # -- DataPlane ------------------------------------------------------------------------
    def sessions(self, net: Network, outages: Outages) -> dict[SessionKey, SessionState]:
        """The routing model's sessions with the daemons' word on which are up: a session
        the lab does not run (yet) has no router speaking BGP to it, so it is down, as on
        real fiber. Where the two disagree the lab is right, and the parity tests fail."""
        model = all_states(net, outages.failed, outages.testing)
        out = {}
        for key, state in model.items():
            up = self.observed.get(key, False)
            if up == state.up:
                out[key] = state
            elif up:
                out[key] = replace(
                    state,
                    up=True,
                    reason="",
                    accepted=accepted_routes(net, net.vifs[key[0]], key[1]),
                )
            else:
                out[key] = replace(state, up=False, reason=NOT_ESTABLISHED, accepted=())
        # SiteLink's routes come from the other sessions as the lab has them, not as modelled.
        for key, state in out.items():
            vif = net.vifs[key[0]]
            if vif.sitelink:
                out[key] = replace(state, advertised=advertised_routes(net, vif, key[1]))
        return with_sitelink_routes(net, out)

    def routes(self, vif_id: str) -> Routes | None:
        """ListVirtualInterfaceRoutes from BIRD: what each Established session of the VIF
        accepted from the customer and advertises to it (AWS prepends its ASN on the way)."""
        lab = self.lab
        mine = [s for s in lab.sessions if s.vif_id == vif_id] if lab else []
        if not mine:
            return None
        out: Routes = []
        for s in mine:
            if not self.observed.get((s.vif_id, s.family)):
                continue  # a session that is down has neither learned nor sent anything
            for r in lab_state.routes(self.host, self.state, s.device_ns, s.protocol):
                out.append(("accepted", Route(r.cidr, s.family, r.as_path, r.communities)))
            for r in lab_state.routes(
                self.host, self.state, s.device_ns, s.protocol, exported=True
            ):
                out.append(
                    (
                        "advertised",
                        Route(r.cidr, s.family, (s.amazon_asn, *r.as_path), r.communities),
                    )
                )
        return out

    def verify(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        lab = self.lab
        return probes.verify(self.host, lab, account, site, vpc, count) if lab else None

    def verify_public(
        self, account: str, site: str, region: str, count: int
    ) -> dict[str, Any] | None:
        lab = self.lab
        return public.verify_public(self.host, lab, account, site, region, count) if lab else None

    def verify_ipv6(self, account: str, site: str, vpc: Vpc, count: int) -> dict[str, Any] | None:
        lab = self.lab
        return dualstack.verify_ipv6(self.host, lab, account, site, vpc, count) if lab else None

    def verify_site(self, account: str, site: str, other: str, count: int) -> dict[str, Any] | None:
        lab = self.lab
        return sitelink.verify_site(self.host, lab, account, site, other, count) if lab else None

    def measured(self, record_id: str) -> Measured | None:
        return self.watches.measured(record_id)


RESTORATION_S = 3.0  # how long traffic is watched after a failure or test ends
MAX_WATCH_S = 600.0  # a probe's bound; a longer failure is measured over its first 10 minutes


class Watches:
    """Probe traffic (ICMP every few ms, each data center to each VPC instance) for as
    long as a failure or failover test runs, then for RESTORATION_S after it ends: the
    outage each site <-> VPC pair saw, during and at restoration (the reports show it)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.accounts: dict[str, str] = {}
        self.during: dict[str, dict[tuple[str, str], TrafficProbe]] = {}
        self.after: dict[str, dict[tuple[str, str], TrafficProbe]] = {}

    def _probes(
        self, lab: Lab, account: str, seconds: float
    ) -> dict[tuple[str, str], TrafficProbe]:
        out = {}
        for (acct, site), src in lab.sites.items():
            for (acct2, vpc), dst in lab.vpcs.items():
                if acct == acct2 == account:
                    out[(site, vpc)] = TrafficProbe(
                        self.host, src.ns, src.address, dst.address, seconds
                    )
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

    def measured(self, record_id: str) -> Measured | None:
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
