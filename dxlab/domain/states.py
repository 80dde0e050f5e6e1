"""The states of every resource as data (STYLE 13): which state may follow which, and
the one function every state write goes through.

The enums are the model's (`domain/shapes.py`, generated) and, where the model leaves
a status a plain string (a failover test's history, an injected failure, EC2's
gateways, ...), dxlab's own (`domain/statuses.py`); both are importable from here.
Each `Lifecycle` is built from what the guide and the model say a resource goes
through and what dxlab does with it; `set_state` raises `IllegalTransition` on
anything else. That is a bug in dxlab, not a client's mistake: the service layer
refuses a request in a wrong state with a named `Conflict` before it writes, so a
client never sees this error (it answers as an internal error)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from dataclasses import field as default
from enum import StrEnum
from typing import Any, Generic, TypeVar

from dxlab.domain.shapes import (
    BGPPeerState,
    BGPStatus,
    ConnectionState,
    DirectConnectGatewayAssociationProposalState,
    DirectConnectGatewayAssociationState,
    DirectConnectGatewayAttachmentState,
    DirectConnectGatewayState,
    InterconnectState,
    LagState,
    ResiliencyGroupAssociationState,
    ResiliencyGroupState,
    VirtualInterfaceState,
)
from dxlab.domain.statuses import (
    AgreementStatus,
    FailureStatus,
    GatewayState,
    MacSecKeyState,
    OrderStatus,
    TestStatus,
)

__all__ = [
    "AGREEMENT",
    "ASSOCIATION",
    "ATTACHMENT",
    "BGP_PEER",
    "BGP_STATUS",
    "CONNECTION",
    "DX_GATEWAY",
    "FAILOVER_TEST",
    "FAILURE",
    "GATEWAY",
    "INTERCONNECT",
    "LAG",
    "LIFECYCLES",
    "PROPOSAL",
    "RESILIENCY_GROUP",
    "RESILIENCY_GROUP_ASSOCIATION",
    "VIF",
    "VIF_DATA_PLANE",
    "VIF_IN_USE",
    "VIF_PROVISIONED",
    "BGPPeerState",
    "AgreementStatus",
    "BGPStatus",
    "ConnectionState",
    "DirectConnectGatewayAssociationProposalState",
    "DirectConnectGatewayAssociationState",
    "DirectConnectGatewayAttachmentState",
    "DirectConnectGatewayState",
    "FailureStatus",
    "GatewayState",
    "IllegalTransition",
    "InterconnectState",
    "LagState",
    "Lifecycle",
    "MACSEC_KEY",
    "MacSecKeyState",
    "ORDER",
    "OrderStatus",
    "ResiliencyGroupAssociationState",
    "ResiliencyGroupState",
    "TestStatus",
    "VirtualInterfaceState",
    "attachment_state",
    "set_state",
]

S = TypeVar("S", bound=StrEnum)


class IllegalTransition(Exception):  # noqa: N818 - the name says what happened
    """A state write that the resource's table does not allow: a bug in dxlab."""

    def __init__(self, lifecycle: str, resource: object, current: str, new: str) -> None:
        super().__init__(f"{lifecycle} {resource}: {current!r} cannot become {new!r}")
        self.lifecycle, self.current, self.new = lifecycle, current, new


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """One resource's states: the field that holds it, where it may start, which state
    may follow which, and the states in which the resource still exists."""

    name: str
    field: str
    states: type[S]
    initial: frozenset[S]
    transitions: Mapping[S, frozenset[S]]
    # Still there: holds its port, VLAN, addresses, relation or place in the quotas.
    live: frozenset[S] = default(default_factory=frozenset)
    # Gone or on its way out: refused by every operation that changes it.
    gone: frozenset[S] = default(default_factory=frozenset)
    id_field: str = ""

    def allows(self, current: str | None, new: S) -> bool:
        if current is None:
            return new in self.initial
        if current == new:
            return True  # a write of the state it already has changes nothing
        try:
            now = self.states(current)
        except ValueError:
            return False
        return new in self.transitions.get(now, frozenset())


def set_state(doc: MutableMapping[str, Any], lifecycle: Lifecycle[S], new: S) -> None:
    """Write `new` into the document's state field, if the table allows it. The document
    keeps a plain string (what the store and the wire hold), equal to the enum."""
    current = doc.get(lifecycle.field)
    if not lifecycle.allows(current, new):
        resource = doc.get(lifecycle.id_field, "?") if lifecycle.id_field else "?"
        raise IllegalTransition(lifecycle.name, resource, str(current), str(new))
    doc[lifecycle.field] = str(new)  # a StrEnum member, or the plain string it spells


C = ConnectionState
# Dedicated (deleteconnection.md, dedicated_connection.md): requested -> pending (the
# cross-connect) -> available <-> down (a failure); hosted (hosted_connection.md):
# ordering -> pending when its owner confirms -> available with its partner's port, or
# rejected when the owner declines. A deleted connection is gone at once.
CONNECTION: Lifecycle[ConnectionState] = Lifecycle(
    "connection",
    "connectionState",
    ConnectionState,
    initial=frozenset({C.REQUESTED, C.ORDERING}),
    transitions={
        C.ORDERING: frozenset({C.PENDING, C.REJECTED}),
        C.REQUESTED: frozenset({C.PENDING, C.DELETED}),
        C.PENDING: frozenset({C.AVAILABLE, C.DELETED}),
        C.AVAILABLE: frozenset({C.DOWN, C.DELETED}),
        C.DOWN: frozenset({C.AVAILABLE, C.DELETED}),
        C.UNKNOWN: frozenset({C.DELETED}),
        C.REJECTED: frozenset({C.DELETED}),
        C.DELETING: frozenset({C.DELETED}),
        C.DELETED: frozenset(),
    },
    live=frozenset({C.ORDERING, C.REQUESTED, C.PENDING, C.AVAILABLE, C.DOWN}),
    gone=frozenset({C.DELETING, C.DELETED, C.REJECTED}),
    id_field="connectionId",
)

INT = InterconnectState
# An interconnect is provisioned as a dedicated connection is (create-interconnect).
INTERCONNECT: Lifecycle[InterconnectState] = Lifecycle(
    "interconnect",
    "interconnectState",
    InterconnectState,
    initial=frozenset({INT.REQUESTED}),
    transitions={
        INT.REQUESTED: frozenset({INT.PENDING, INT.DELETED}),
        INT.PENDING: frozenset({INT.AVAILABLE, INT.DELETED}),
        INT.AVAILABLE: frozenset({INT.DOWN, INT.DELETED}),
        INT.DOWN: frozenset({INT.AVAILABLE, INT.DELETED}),
        INT.UNKNOWN: frozenset({INT.DELETED}),
        INT.DELETING: frozenset({INT.DELETED}),
        INT.DELETED: frozenset(),
    },
    live=frozenset({INT.REQUESTED, INT.PENDING, INT.AVAILABLE, INT.DOWN}),
    gone=frozenset({INT.DELETING, INT.DELETED}),
    id_field="interconnectId",
)

L = LagState
_LAG_UP = frozenset({L.REQUESTED, L.PENDING, L.AVAILABLE, L.DOWN})
# lags.md: a LAG's state follows its member connections (domain.lag.lag_state): while
# it exists, a member that joins, leaves, comes up or fails may move it to any of them.
LAG: Lifecycle[LagState] = Lifecycle(
    "LAG",
    "lagState",
    LagState,
    initial=frozenset({L.REQUESTED, L.PENDING}),  # CreateLag answers `pending` (the capture)
    transitions={
        **{s: _LAG_UP | {L.DELETED} for s in _LAG_UP},
        L.UNKNOWN: _LAG_UP | {L.DELETED},
        L.DELETING: frozenset({L.DELETED}),
        L.DELETED: frozenset(),
    },
    live=_LAG_UP,
    gone=frozenset({L.DELETING, L.DELETED}),
    id_field="lagId",
)

V = VirtualInterfaceState
# The model's VirtualInterfaceState and the guide: a hosted VIF waits in `confirming`
# for its owner (accept-hosted-vif), a public VIF in `verifying` for AWS's review of its
# prefixes; `pending` until BGP can come up (and again during a jumbo frame or MTU
# change, set-jumbo-frames-vif.md); `available` <-> `down` with the data plane;
# `testing` during a failover test (resiliency_failover.md); `deleting` -> `deleted`;
# `rejected` when the owner declines it or its prefixes are refused.
VIF: Lifecycle[VirtualInterfaceState] = Lifecycle(
    "virtual interface",
    "virtualInterfaceState",
    VirtualInterfaceState,
    initial=frozenset({V.CONFIRMING, V.VERIFYING, V.PENDING}),
    transitions={
        V.CONFIRMING: frozenset({V.VERIFYING, V.PENDING, V.REJECTED, V.DELETING}),
        V.VERIFYING: frozenset({V.PENDING, V.REJECTED, V.DELETING}),
        V.PENDING: frozenset({V.AVAILABLE, V.DOWN, V.DELETING}),
        V.AVAILABLE: frozenset({V.DOWN, V.PENDING, V.TESTING, V.DELETING}),
        V.DOWN: frozenset({V.AVAILABLE, V.PENDING, V.TESTING, V.DELETING}),
        V.TESTING: frozenset({V.AVAILABLE, V.DELETING}),
        V.UNKNOWN: frozenset({V.AVAILABLE, V.DOWN, V.PENDING, V.DELETING}),
        V.DELETING: frozenset({V.DELETED}),
        V.DELETED: frozenset(),
        V.REJECTED: frozenset(),
    },
    # A VIF holds its VLAN, addresses, gateway and a place in the quotas until it is
    # deleted or rejected.
    live=frozenset(set(V) - {V.DELETED, V.REJECTED}),
    gone=frozenset({V.DELETING, V.DELETED, V.REJECTED}),
    id_field="virtualInterfaceId",
)
# Provisioned: BGP may be up (the data plane says available or down) or under test.
VIF_PROVISIONED = frozenset({V.AVAILABLE, V.DOWN, V.TESTING})
# The states the data plane decides between, when dxlab itself causes no outage.
VIF_DATA_PLANE = frozenset({V.AVAILABLE, V.DOWN})
# In use: neither gone nor on its way out, and not `unknown` (an estate read from AWS may
# hold one): the VIFs an import or a plan counts.
VIF_IN_USE = frozenset({V.CONFIRMING, V.VERIFYING, V.PENDING, V.AVAILABLE, V.DOWN, V.TESTING})

P = BGPPeerState
# A BGP peer follows its VIF (add-peer-to-vif.md): verifying while a public VIF's
# prefixes are reviewed, pending until the VIF is up, deleting -> deleted with it
# (a VIF refused before it came up takes its peers straight to deleted).
BGP_PEER: Lifecycle[BGPPeerState] = Lifecycle(
    "BGP peer",
    "bgpPeerState",
    BGPPeerState,
    initial=frozenset({P.VERIFYING, P.PENDING, P.AVAILABLE}),
    transitions={
        P.VERIFYING: frozenset({P.PENDING, P.DELETING, P.DELETED}),
        P.PENDING: frozenset({P.VERIFYING, P.AVAILABLE, P.DELETING, P.DELETED}),
        P.AVAILABLE: frozenset({P.DELETING}),
        P.DELETING: frozenset({P.DELETED}),
        P.DELETED: frozenset(),
    },
    live=frozenset({P.VERIFYING, P.PENDING, P.AVAILABLE}),
    gone=frozenset({P.DELETING, P.DELETED}),
    id_field="bgpPeerId",
)

B = BGPStatus
# A session's status is observed, not a lifecycle: the data plane may report any of
# them after any other.
BGP_STATUS: Lifecycle[BGPStatus] = Lifecycle(
    "BGP session",
    "bgpStatus",
    BGPStatus,
    initial=frozenset(B),
    transitions={s: frozenset(B) for s in B},
    live=frozenset(B),
    id_field="bgpPeerId",
)

G = DirectConnectGatewayState
# CreateDirectConnectGateway / DeleteDirectConnectGateway (the model).
DX_GATEWAY: Lifecycle[DirectConnectGatewayState] = Lifecycle(
    "Direct Connect gateway",
    "directConnectGatewayState",
    DirectConnectGatewayState,
    initial=frozenset({G.PENDING, G.AVAILABLE}),  # available at once (the capture)
    transitions={
        G.PENDING: frozenset({G.AVAILABLE, G.DELETING}),
        G.AVAILABLE: frozenset({G.DELETING}),
        G.DELETING: frozenset({G.DELETED}),
        G.DELETED: frozenset(),
    },
    live=frozenset({G.PENDING, G.AVAILABLE}),
    gone=frozenset({G.DELETING, G.DELETED}),
    id_field="directConnectGatewayId",
)

A = DirectConnectGatewayAssociationState
# The model's DirectConnectGatewayAssociationState; an update of the allowed prefixes
# passes through `updating` (UpdateDirectConnectGatewayAssociation).
ASSOCIATION: Lifecycle[DirectConnectGatewayAssociationState] = Lifecycle(
    "Direct Connect gateway association",
    "associationState",
    DirectConnectGatewayAssociationState,
    initial=frozenset({A.ASSOCIATING}),
    transitions={
        A.ASSOCIATING: frozenset({A.ASSOCIATED, A.DISASSOCIATING}),
        A.ASSOCIATED: frozenset({A.UPDATING, A.DISASSOCIATING}),
        A.UPDATING: frozenset({A.ASSOCIATED, A.DISASSOCIATING}),
        A.DISASSOCIATING: frozenset({A.DISASSOCIATED}),
        A.DISASSOCIATED: frozenset(),
    },
    live=frozenset({A.ASSOCIATING, A.ASSOCIATED, A.UPDATING, A.DISASSOCIATING}),
    gone=frozenset({A.DISASSOCIATING, A.DISASSOCIATED}),
    id_field="associationId",
)

PR = DirectConnectGatewayAssociationProposalState
# multi-account-associate-vgw.md: a proposal is accepted or deleted (or expires).
PROPOSAL: Lifecycle[DirectConnectGatewayAssociationProposalState] = Lifecycle(
    "association proposal",
    "proposalState",
    DirectConnectGatewayAssociationProposalState,
    initial=frozenset({PR.REQUESTED}),
    transitions={
        PR.REQUESTED: frozenset({PR.ACCEPTED, PR.DELETED}),
        PR.ACCEPTED: frozenset({PR.DELETED}),  # the service deletes an accepted proposal too
        PR.DELETED: frozenset(),
    },
    live=frozenset({PR.REQUESTED}),
    gone=frozenset({PR.ACCEPTED, PR.DELETED}),
    id_field="proposalId",
)

AT = DirectConnectGatewayAttachmentState
# DescribeDirectConnectGatewayAttachments: an attachment is its VIF seen from the
# gateway, so its state follows the VIF's (`attachment_state`); a VIF that goes back
# to `pending` (an MTU change) is attaching again.
ATTACHMENT: Lifecycle[DirectConnectGatewayAttachmentState] = Lifecycle(
    "Direct Connect gateway attachment",
    "attachmentState",
    DirectConnectGatewayAttachmentState,
    initial=frozenset({AT.ATTACHING}),
    transitions={
        AT.ATTACHING: frozenset({AT.ATTACHED, AT.DETACHING, AT.DETACHED}),
        AT.ATTACHED: frozenset({AT.ATTACHING, AT.DETACHING}),
        AT.DETACHING: frozenset({AT.DETACHED}),
        AT.DETACHED: frozenset(),
    },
    live=frozenset({AT.ATTACHING, AT.ATTACHED}),
    gone=frozenset({AT.DETACHING, AT.DETACHED}),
    id_field="virtualInterfaceId",
)
_ATTACHMENT_OF_VIF: dict[VirtualInterfaceState, DirectConnectGatewayAttachmentState] = {
    V.CONFIRMING: AT.ATTACHING,
    V.VERIFYING: AT.ATTACHING,
    V.PENDING: AT.ATTACHING,
    V.AVAILABLE: AT.ATTACHED,
    V.DOWN: AT.ATTACHED,
    V.TESTING: AT.ATTACHED,
    V.DELETING: AT.DETACHING,
    V.DELETED: AT.DETACHED,
    V.REJECTED: AT.DETACHED,
}


def attachment_state(vif_state: str) -> DirectConnectGatewayAttachmentState:
    """The attachment state of a VIF in `vif_state` (attaching for one not known)."""
    try:
        return _ATTACHMENT_OF_VIF.get(V(vif_state), AT.ATTACHING)
    except ValueError:
        return AT.ATTACHING


R = ResiliencyGroupState
# The model's ResiliencyGroupState: pending -> available, deleting -> deleted.
RESILIENCY_GROUP: Lifecycle[ResiliencyGroupState] = Lifecycle(
    "resiliency group",
    "state",
    ResiliencyGroupState,
    initial=frozenset({R.PENDING}),
    transitions={
        R.PENDING: frozenset({R.AVAILABLE, R.DELETING}),
        R.AVAILABLE: frozenset({R.DELETING}),
        R.DELETING: frozenset({R.DELETED}),
        R.DELETED: frozenset(),
    },
    live=frozenset({R.PENDING, R.AVAILABLE}),
    gone=frozenset({R.DELETING, R.DELETED}),
    id_field="resiliencyGroupId",
)

RA = ResiliencyGroupAssociationState
RESILIENCY_GROUP_ASSOCIATION: Lifecycle[ResiliencyGroupAssociationState] = Lifecycle(
    "resiliency group association",
    "state",
    ResiliencyGroupAssociationState,
    initial=frozenset({RA.ASSOCIATING}),
    transitions={
        RA.ASSOCIATING: frozenset({RA.ASSOCIATED, RA.DISASSOCIATING}),
        RA.ASSOCIATED: frozenset({RA.DISASSOCIATING}),
        RA.DISASSOCIATING: frozenset({RA.DISASSOCIATED}),
        RA.DISASSOCIATED: frozenset(),
    },
    live=frozenset({RA.ASSOCIATING, RA.ASSOCIATED}),
    gone=frozenset({RA.DISASSOCIATING, RA.DISASSOCIATED}),
    id_field="connectionId",
)

T = TestStatus
FAILOVER_TEST: Lifecycle[TestStatus] = Lifecycle(
    "failover test",
    "status",
    TestStatus,
    initial=frozenset({T.IN_PROGRESS}),
    transitions={
        T.IN_PROGRESS: frozenset({T.COMPLETED, T.CANCELLED, T.FAILED}),
        T.COMPLETED: frozenset(),
        T.CANCELLED: frozenset(),
        T.FAILED: frozenset(),
    },
    live=frozenset({T.IN_PROGRESS}),
    gone=frozenset({T.COMPLETED, T.CANCELLED, T.FAILED}),
    id_field="testId",
)

F = FailureStatus
FAILURE: Lifecycle[FailureStatus] = Lifecycle(
    "failure",
    "status",
    FailureStatus,
    initial=frozenset({F.ACTIVE}),
    transitions={
        F.ACTIVE: frozenset({F.RESTORED, F.EXPIRED}),
        F.RESTORED: frozenset(),
        F.EXPIRED: frozenset(),
    },
    live=frozenset({F.ACTIVE}),
    gone=frozenset({F.RESTORED, F.EXPIRED}),
    id_field="failureId",
)

MK = MacSecKeyState
# associate-key-connection.md, disassociate-key-*.md: dxlab associates and disassociates
# a key at once (AWS may show the -ing states on the way).
MACSEC_KEY: Lifecycle[MacSecKeyState] = Lifecycle(
    "MACsec key",
    "state",
    MacSecKeyState,
    initial=frozenset({MK.ASSOCIATING, MK.ASSOCIATED}),
    transitions={
        MK.ASSOCIATING: frozenset({MK.ASSOCIATED, MK.DISASSOCIATING}),
        MK.ASSOCIATED: frozenset({MK.DISASSOCIATING, MK.DISASSOCIATED}),
        MK.DISASSOCIATING: frozenset({MK.DISASSOCIATED}),
        MK.DISASSOCIATED: frozenset(),
    },
    live=frozenset({MK.ASSOCIATING, MK.ASSOCIATED}),
    gone=frozenset({MK.DISASSOCIATING, MK.DISASSOCIATED}),
    id_field="secretARN",
)

AG = AgreementStatus
# ConfirmCustomerAgreement signs it; nothing unsigns it.
AGREEMENT: Lifecycle[AgreementStatus] = Lifecycle(
    "customer agreement",
    "status",
    AgreementStatus,
    initial=frozenset({AG.UNSIGNED, AG.SIGNED}),
    transitions={AG.UNSIGNED: frozenset({AG.SIGNED}), AG.SIGNED: frozenset()},
    live=frozenset({AG.SIGNED}),
    id_field="agreementName",
)

OS = OrderStatus
ORDER: Lifecycle[OrderStatus] = Lifecycle(
    "order",
    "status",
    OrderStatus,
    initial=frozenset({OS.PENDING_REVIEW, OS.APPROVED}),
    transitions={OS.PENDING_REVIEW: frozenset({OS.APPROVED}), OS.APPROVED: frozenset()},
    live=frozenset({OS.PENDING_REVIEW, OS.APPROVED}),
    id_field="orderId",
)

GW = GatewayState
# dxlab makes virtual private and transit gateways available at once, and deletes
# them at once (EC2 passes through pending and deleting).
GATEWAY_VGW: Lifecycle[GatewayState] = Lifecycle(
    "virtual private gateway",
    "virtualGatewayState",
    GatewayState,
    initial=frozenset({GW.PENDING, GW.AVAILABLE}),
    transitions={
        GW.PENDING: frozenset({GW.AVAILABLE, GW.DELETING, GW.DELETED}),
        GW.AVAILABLE: frozenset({GW.DELETING, GW.DELETED}),
        GW.DELETING: frozenset({GW.DELETED}),
        GW.DELETED: frozenset(),
    },
    live=frozenset({GW.PENDING, GW.AVAILABLE}),
    gone=frozenset({GW.DELETING, GW.DELETED}),
    id_field="virtualGatewayId",
)
GATEWAY_TGW: Lifecycle[GatewayState] = Lifecycle(
    "transit gateway",
    "transitGatewayState",
    GatewayState,
    initial=GATEWAY_VGW.initial,
    transitions=GATEWAY_VGW.transitions,
    live=GATEWAY_VGW.live,
    gone=GATEWAY_VGW.gone,
    id_field="transitGatewayId",
)
GATEWAY = {"virtual_gateway": GATEWAY_VGW, "transit_gateway": GATEWAY_TGW}

# Every table, for the tests that walk them.
LIFECYCLES: tuple[Lifecycle[Any], ...] = (
    CONNECTION,
    INTERCONNECT,
    LAG,
    VIF,
    BGP_PEER,
    BGP_STATUS,
    DX_GATEWAY,
    ASSOCIATION,
    PROPOSAL,
    ATTACHMENT,
    RESILIENCY_GROUP,
    RESILIENCY_GROUP_ASSOCIATION,
    FAILOVER_TEST,
    FAILURE,
    MACSEC_KEY,
    ORDER,
    AGREEMENT,
    GATEWAY_VGW,
    GATEWAY_TGW,
)
