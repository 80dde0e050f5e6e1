"""The Letter of Authorization and Connecting Facility Assignment (LOA-CFA): when one
exists, and what it says. Pure: the service layer gathers the records, a renderer turns
an `LoaCfa` into the PDF.

Guide: dedicated_connection.md (Download the LOA-CFA), Colocation.md (cross connects,
90-day validity), getting_started.md step 3."""

from __future__ import annotations

from dataclasses import dataclass

from dxlab.domain.catalog import Location, SubLocation
from dxlab.domain.errors import Conflict
from dxlab.domain.shapes import LoaContentType
from dxlab.domain.states import CONNECTION, ConnectionState

# Colocation.md: "If the cross connect is not completed within 90 days, the authority
# granted by the LOA-CFA expires."
VALID_DAYS = 90
CONTENT_TYPE = LoaContentType.APPLICATION_PDF  # the model's only LoaContentType

# A resource has an LOA-CFA from the moment it is requested until it is deleted:
# a hosted connection still `ordering` has not been accepted yet, and a deleted or
# rejected one has no port any more.
NO_LOA_STATES = frozenset({ConnectionState.ORDERING, ConnectionState.UNKNOWN}) | CONNECTION.gone


@dataclass(frozen=True)
class LoaPort:
    """One AWS port the cross connect lands on (a LAG has one per member connection)."""

    connection_id: str
    connection_name: str
    aws_device: str
    aws_device_v2: str
    port: int | None
    sub_location: SubLocation | None

    @property
    def panel_positions(self) -> str:
        """The fiber pair on the meet-me room panel: Tx/Rx strands of the port."""
        if self.port is None:
            return "assigned at cross connect"
        return f"{2 * self.port - 1}/{2 * self.port}"


@dataclass(frozen=True)
class LoaCfa:
    kind: str  # "Connection", "Interconnect" or "LAG": the words the letter uses
    resource_id: str
    resource_name: str
    account: str
    provider: str | None
    location: Location
    bandwidth: str
    optics: str | None
    issued: float  # epoch seconds (loaIssueTime)
    ports: tuple[LoaPort, ...]

    @property
    def expires(self) -> float:
        return self.issued + VALID_DAYS * 86400.0

    @property
    def requester(self) -> str:
        """describe-loa: "the LOA-CFA lists the provider name alongside your company name
        as the requester of the cross connect"."""
        owner = f"AWS account {self.account}"
        return f"{self.provider} on behalf of {owner}" if self.provider else owner


def noun(kind: str) -> str:
    """How a sentence names the kind: "connection", "interconnect", "LAG"."""
    return kind if kind.isupper() else kind.lower()


def check_available(
    kind: str, resource_id: str, state: str, issued: float | None, partner: str | None = None
) -> None:
    """Refuse (DirectConnectClientException) when the resource has no LOA-CFA to give."""
    if partner is not None:
        # hosted_connection.md: the partner's interconnect is already cross-connected;
        # the LOA-CFA belongs to dedicated ports (dedicated_connection.md, lags.md).
        raise Conflict(
            f"{kind} {resource_id} is a hosted connection: its partner {partner} provides the"
            " cross connect, so it has no LOA-CFA"
        )
    if state in NO_LOA_STATES:
        raise Conflict(f"{kind} {resource_id} is in state {state}; it has no LOA-CFA")
    if issued is None:
        # dedicated_connection.md: "If the link is not enabled, the LOA-CFA is not yet
        # available for you to download" (AWS issues it within 72 hours).
        raise Conflict(
            f"The LOA-CFA for {noun(kind)} {resource_id} is not available yet;"
            " it is issued within 72 hours of the request"
        )
