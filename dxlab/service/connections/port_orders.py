"""Checks every order of a physical port shares: a dedicated connection, a LAG's new
connections, an interconnect (dedicated_connection.md, create-lag.md)."""

from __future__ import annotations

from dxlab.domain import catalog
from dxlab.domain.errors import ValidationError
from dxlab.domain.speeds import DEDICATED_BANDWIDTHS, MACSEC_BANDWIDTHS


def check_port_order(
    loc: catalog.Location, bandwidth: str, provider: str | None, billing: str | None, macsec: bool
) -> None:
    """Provider, billing mode and MACsec must be offered at the location for this speed."""
    if provider is not None and provider not in loc.providers:
        raise ValidationError(f"Provider {provider!r} is not available at location {loc.code}")
    if billing is not None and billing not in loc.billing_modes:
        raise ValidationError(f"Billing mode {billing} is not available at location {loc.code}")
    # direct-connect-mac-sec-getting-started.md: MACsec on selected speeds and locations.
    if macsec and (
        bandwidth not in MACSEC_BANDWIDTHS
        or DEDICATED_BANDWIDTHS[bandwidth] not in loc.macsec_port_speeds
    ):
        raise ValidationError(f"MACsec is not available for {bandwidth} connections at {loc.code}")
