"""The fast tier's dxlab: the service assembled in this process by the composition root
on the in-memory store (Cosmic Python's FakeUnitOfWork), driven with plain dicts through
the same path a request takes after its wire protocol (the model's input validation, the
operation registry, the service bus) and a clock that moves only when a test moves it.

No HTTP, no subprocess, no sleeping: a rule of the guide is checked in milliseconds; the
end-to-end tier (tests/test_*.py) holds the same rules against real servers and clients."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from dxlab.bootstrap import Dxlab, bootstrap
from dxlab.domain.errors import DxlabError
from dxlab.service import routes
from dxlab.service.context import Context, Settings
from dxlab.service.data_plane import SimPlane
from dxlab.service.timers import fire_due
from dxlab.store.memory import MemoryStore
from dxlab.store.repository import UnitOfWork
from dxlab.web.aws.dispatch import Dispatcher
from dxlab.web.aws.validate import check_output

ACCOUNT = "111122223333"
# 2026-12-01T00:00:00Z: a fixed start, so durations are exact.
START = 1_795_996_800.0


@dataclass
class FakeClock:
    """The time every call of a test sees; it moves only with advance()."""

    t: float = START

    def now(self) -> float:
        return self.t


@dataclass
class Service:
    app: Dxlab
    account: str = ACCOUNT
    clock: FakeClock = field(default_factory=FakeClock)

    def __post_init__(self) -> None:
        self.bus = self.app.bus
        self.dispatcher = Dispatcher(self.bus)

    def context(self, account: str | None = None) -> Context:
        return Context(
            account=account or self.account,
            settings=self.bus.settings,
            clock=self.clock.now,
            plane=self.bus.plane,
        )

    # -- calls ----------------------------------------------------------------------
    def call(self, op: str, account: str | None = None, **body: Any) -> dict[str, Any]:
        """One AWS operation with the body a client sends; the answer is checked against
        the model's output shape (as DXLAB_CHECK_OUTPUT does for the servers)."""
        out = self.dispatcher.call(op, body, "json", self.context(account))
        check_output(self.dispatcher.output_shape(op), out)
        return out

    def ext(self, method: str, path: str, account: str | None = None, **args: Any) -> Any:
        """One /_dxlab route (cross-connect, virtual gateways, topology, failures...)."""
        found = routes.match(self.bus.handlers.routes, method, "/_dxlab" + path)
        assert found is not None, f"no route {method} {path}"
        route, params = found
        return self.bus.handle(
            route.handler, self.context(account), {**args, **params}, write=route.write
        )

    def advance(self, seconds: float) -> None:
        """Time moves on. Each timer fires at its own due time, in order, as the server's
        ticker fires them: a step scheduled by an earlier one (the LOA, then the
        cross-connect, then the port) counts from when that one fired, not from the end.
        One write transaction on the bus for all of them (a 3-day failover test is
        watched every 10 s: 25,920 firings)."""
        target = self.clock.t + seconds
        ctx = self.context()

        def step_through(uow: UnitOfWork) -> None:
            for _ in range(100_000):  # bounded: a timer that reschedules at once forever fails
                due = uow.next_due()
                if due is None or due > target:
                    return
                self.clock.t = max(self.clock.t, due)
                fire_due(uow, ctx, self.bus.handlers.timers)
            raise AssertionError("timers kept coming due")

        self.bus.write(step_through)
        self.clock.t = target

    # -- refusals -------------------------------------------------------------------
    def tables(self) -> tuple[dict[Any, Any], dict[Any, Any], list[Any]]:
        """Everything the store holds (documents as stored text): equal means unchanged."""
        store = self.bus.store
        assert isinstance(store, MemoryStore)
        t = store._tables
        return (
            dict(t.resources),
            dict(t.claims),
            sorted((d, x.action, x.ref) for d, _, x in t.timers.values()),
        )

    def refused(
        self,
        error: type[DxlabError],
        words: str | tuple[str, ...],
        op: str,
        account: str | None = None,
        **body: Any,
    ) -> str:
        """The operation raises exactly `error`, with a message naming each of `words`,
        and the store is as it was. Returns the message."""
        return self._refused(error, words, lambda: self.call(op, account, **body))

    def ext_refused(
        self,
        error: type[DxlabError],
        words: str | tuple[str, ...],
        method: str,
        path: str,
        account: str | None = None,
        **args: Any,
    ) -> str:
        return self._refused(error, words, lambda: self.ext(method, path, account, **args))

    def _refused(self, error: type[DxlabError], words: str | tuple[str, ...], call: Any) -> str:
        self.bus.fire_timers(self.context())  # what is due happens first: then nothing may change
        before = self.tables()
        with pytest.raises(DxlabError) as info:
            call()
        assert type(info.value) is error, (type(info.value).__name__, info.value.message)
        for word in (words,) if isinstance(words, str) else words:
            assert word in info.value.message, (word, info.value.message)
        assert self.tables() == before, "a refused call changed the store"
        return info.value.message

    # -- what tests often need ------------------------------------------------------
    def connection(
        self,
        name: str = "dc",
        location: str = "EqDC2",
        bandwidth: str = "10Gbps",
        account: str | None = None,
        **extra: Any,
    ) -> str:
        made = self.call(
            "CreateConnection",
            account,
            location=location,
            bandwidth=bandwidth,
            connectionName=name,
            **extra,
        )
        return str(made["connectionId"])

    def connection_state(self, connection_id: str, account: str | None = None) -> str:
        found = self.call("DescribeConnections", account, connectionId=connection_id)["connections"]
        return str(found[0]["connectionState"])

    def dx_gateway(self, asn: int = 64512, name: str = "dxgw", account: str | None = None) -> str:
        made = self.call(
            "CreateDirectConnectGateway", account, directConnectGatewayName=name, amazonSideAsn=asn
        )
        return str(made["directConnectGateway"]["directConnectGatewayId"])

    def virtual_gateway(
        self, cidr: str = "10.0.0.0/16", asn: int = 64513, account: str | None = None
    ) -> str:
        made = self.ext("POST", "/virtual-gateways", account, amazonSideAsn=asn, vpcCidrs=[cidr])
        return str(made["virtualGatewayId"])

    def private_vif(
        self,
        connection_id: str,
        gateway_id: str,
        vlan: int = 101,
        account: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        key = "virtualGatewayId" if gateway_id.startswith("vgw-") else "directConnectGatewayId"
        spec = {
            "virtualInterfaceName": f"vif-{vlan}",
            "vlan": vlan,
            "asn": 65000,
            key: gateway_id,
            **extra,
        }
        return self.call(
            "CreatePrivateVirtualInterface",
            account,
            connectionId=connection_id,
            newPrivateVirtualInterface=spec,
        )

    def vif(self, vif_id: str, account: str | None = None) -> dict[str, Any]:
        found = self.call("DescribeVirtualInterfaces", account, virtualInterfaceId=vif_id)[
            "virtualInterfaces"
        ]
        return dict(found[0])


def start(
    provisioning: str = "instant", region: str = "us-east-1", realistic_factor: float = 1.0
) -> Service:
    # As the end-to-end fixtures: VIFs come up without a customer router described (dxlab serve
    # --vifs-up-without-router); the tests of that rule say so themselves.
    settings = Settings(
        region=region,
        provisioning=provisioning,
        realistic_factor=realistic_factor,
        vifs_up_without_router=True,
    )
    return Service(bootstrap("memory://", settings, plane=SimPlane()))
