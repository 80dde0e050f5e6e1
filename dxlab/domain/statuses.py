"""The statuses the Direct Connect model leaves plain strings, as StrEnums: a failover
test's history, an injected failure, a Resiliency Toolkit order, a MACsec key, a
customer agreement and EC2's gateways. Their transition tables are in domain/states.py."""

from __future__ import annotations

from enum import StrEnum


class TestStatus(StrEnum):
    """A BGP failover test's status (resiliency_failover.md: the history's statuses are
    In progress, Completed, Cancelled and Failed); the model leaves it a plain string."""

    __test__ = False  # not a pytest test class, despite the name

    IN_PROGRESS = "in progress"
    COMPLETED = "completed"  # ran for the time asked
    CANCELLED = "cancelled"  # StopBgpFailoverTest before its time was up
    FAILED = "failed"  # did not run its time: the VIF or its connection went away


class FailureStatus(StrEnum):
    """A failure dxlab injects (`dxlab fail`): beyond AWS, which only tests BGP sessions."""

    ACTIVE = "active"
    RESTORED = "restored"  # ended early with `dxlab restore`
    EXPIRED = "expired"  # its time was up


class OrderStatus(StrEnum):
    """A Resiliency Toolkit order (resiliency_toolkit.md): an order naming a partner AWS
    does not know waits for AWS's review before its connections are provisioned."""

    PENDING_REVIEW = "pending-review"
    APPROVED = "approved"


class MacSecKeyState(StrEnum):
    """A MACsec key's state; the model's MacSecKey.state is a plain string that its
    documentation says is associating, associated, disassociating or disassociated."""

    ASSOCIATING = "associating"
    ASSOCIATED = "associated"
    DISASSOCIATING = "disassociating"
    DISASSOCIATED = "disassociated"


class AgreementStatus(StrEnum):
    """A customer agreement's status (DescribeCustomerMetadata; the model's
    CustomerAgreement.status is a plain string)."""

    UNSIGNED = "unsigned"
    SIGNED = "signed"


class GatewayState(StrEnum):
    """EC2's state of a virtual private gateway or transit gateway (VpnGateway.State);
    the Direct Connect model leaves VirtualGateway.virtualGatewayState a plain string."""

    PENDING = "pending"
    AVAILABLE = "available"
    DELETING = "deleting"
    DELETED = "deleted"
