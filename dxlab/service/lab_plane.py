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

from dxlab.lab import state as lab_state
from dxlab.lab.apply import reconcile
from dxlab.lab.host import Host, LinuxHost, lab_can_run
from dxlab.lab.model import Lab
from dxlab.lab.plan import DEFAULT_PREFIX, AccountNetwork, build_lab
from dxlab.service import vif_state
from dxlab.service.context import Context, Settings
from dxlab.service.network_view import TOPOLOGY_KIND, build_network
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
        out.append(AccountNetwork(topo.id, net, docs))
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
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.last_error = ""

    # -- the loop ---------------------------------------------------------------------
    def plan(self) -> Lab:
        with self.store.read() as uow:
            return build_lab(account_networks(uow, self.settings), self.prefix)

    def step(self) -> None:
        """One pass: re-plan; apply when the plan changed or it is time to heal; read states."""
        with self._lock:
            planned = self.plan()
            now = time.monotonic()
            if self._planned is None or _fingerprint(planned) != _fingerprint(self._planned) or now - self._healed > HEAL_EVERY:
                reconcile(self.host, planned, self.state)
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
        vif_state.use_data_plane(self.probe)
        self._thread = threading.Thread(target=self.run, name="dxlab-lab", daemon=True)
        self._thread.start()
        return self

    def stop(self, teardown: bool = True) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=15)
        vif_state.use_data_plane(vif_state.simulated_session_up)
        if teardown:
            from dxlab.lab.cleanup import down

            down(self.host, self.prefix, self.state)

    # -- what the API asks ----------------------------------------------------------------
    def probe(self, uow: UnitOfWork, vif: Record) -> bool:
        """Is the VIF's BGP up? The daemons answer for every VIF the lab runs; the others
        (no customer router patched, no topology) keep the simulated answer."""
        families = [up for (vif_id, _), up in self.sessions.items() if vif_id == vif.id]
        if families:
            return any(families)
        return vif_state.simulated_session_up(uow, vif)


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
