"""The composition root: the one place that opens the store, chooses the data plane
(the routing model, or the lab's real daemons) and builds the service bus and the web
app around them, as Cosmic Python's bootstrap.py injects its adapters and httpx hands a
transport to its client. Nothing else picks an implementation, and nothing registers
itself at import time, so import order can never change behaviour."""

from __future__ import annotations

from dataclasses import dataclass, replace

from dxlab.lab.plan import AccountNetwork
from dxlab.service.bus import Bus
from dxlab.service.context import Settings
from dxlab.service.data_plane import DataPlane, SimPlane
from dxlab.service.operations import HANDLERS
from dxlab.service.resiliency.outages import active_records
from dxlab.service.snapshot import accounts_with_topology
from dxlab.store import Store, UnitOfWork, open_store
from dxlab.web.app import DxlabApp


class LabUnavailable(Exception):
    """`--data-plane lab` on a machine that cannot run the lab (says what is missing)."""


@dataclass
class Dxlab:
    """The assembled service: close() stops the lab (removing it) and the store."""

    store: Store
    plane: DataPlane
    bus: Bus
    app: DxlabApp

    def close(self, teardown: bool = True) -> None:
        self.plane.stop(teardown=teardown)
        self.bus.close()
        self.store.close()


def data_plane(settings: Settings) -> DataPlane:
    """The plane `settings.data_plane` names: sim, lab, or auto (the lab where this
    machine can run it: root, BIRD, FRR, nftables)."""
    from dxlab.lab.host import lab_can_run, tools_present

    choice = settings.data_plane
    if choice == "auto":
        choice = "lab" if lab_can_run() else "sim"
    if choice == "sim":
        return SimPlane()
    if choice != "lab":
        raise ValueError(f"unknown data plane {choice!r}: sim, lab or auto")
    missing = [name for name, ok in tools_present().items() if not ok]
    if missing:
        raise LabUnavailable(
            f"--data-plane lab needs {', '.join(missing)} (root, and `make system-packages` installs"
            " bird2, frr, nftables, iproute2, iputils-ping); --data-plane auto falls back to sim"
        )
    from dxlab import config
    from dxlab.lab.plane import LabPlane

    return LabPlane(config.lab_prefix())


def bootstrap(db: str, settings: Settings, *, plane: DataPlane | None = None) -> Dxlab:
    """The store at `db`, the data plane `settings.data_plane` names (or `plane`), the
    bus and the web app; a lab plane starts its loop on the bus."""
    store = open_store(db)
    plane = plane or data_plane(settings)
    settings = replace(settings, data_plane=plane.name)  # `auto` resolved: what runs
    bus = Bus(store, plane, settings, HANDLERS)
    from dxlab.lab.plane import LabPlane

    if isinstance(plane, LabPlane):
        plane.start(
            lambda: bus.read(lambda uow: lab_networks(uow, settings)),
            lambda: bus.read(active_records),
            getattr(store, "version", None),
        )
    return Dxlab(store, plane, bus, DxlabApp(bus))


def lab_networks(uow: UnitOfWork, settings: Settings) -> list[AccountNetwork]:
    """What the lab builds: every account with a customer topology, as the store has it."""
    return [
        AccountNetwork(a.account, a.network, a.vif_docs, a.outages.failed, a.outages.testing)
        for a in accounts_with_topology(uow, settings)
    ]
