"""Port speeds and bandwidths: one table, imported everywhere (STYLE 4)."""

from __future__ import annotations

# Dedicated connections are ordered as "1Gbps" and listed by DescribeLocations as "1G".
DEDICATED_BANDWIDTHS: dict[str, str] = {
    "1Gbps": "1G",
    "10Gbps": "10G",
    "100Gbps": "100G",
    "400Gbps": "400G",
}

# Hosted connections, allocated by partners on their interconnects.
HOSTED_BANDWIDTHS: tuple[str, ...] = (
    "50Mbps", "100Mbps", "200Mbps", "300Mbps", "400Mbps", "500Mbps",
    "1Gbps", "2Gbps", "5Gbps", "10Gbps", "25Gbps",
)  # fmt: skip

# Interconnects are dedicated ports a partner owns.
INTERCONNECT_BANDWIDTHS: tuple[str, ...] = ("1Gbps", "10Gbps", "100Gbps", "400Gbps")

# MACsec is offered on 10, 100 and 400 Gbps dedicated ports (direct-connect-mac-sec...md).
MACSEC_BANDWIDTHS: tuple[str, ...] = ("10Gbps", "100Gbps", "400Gbps")

# limits.md: single-mode fiber optics per port speed (400GBASE-LR4 from AWS's 400G launch;
# the guide copy predates it). The LOA-CFA names the one the cross connect needs.
OPTICS: dict[str, str] = {
    "1Gbps": "1000BASE-LX (1310 nm)",
    "10Gbps": "10GBASE-LR (1310 nm)",
    "100Gbps": "100GBASE-LR4",
    "400Gbps": "400GBASE-LR4",
}


def mbps(bandwidth: str) -> int:
    """'10Gbps' -> 10000, '50Mbps' -> 50."""
    if bandwidth.endswith("Gbps"):
        return int(bandwidth[:-4]) * 1000
    if bandwidth.endswith("Mbps"):
        return int(bandwidth[:-4])
    raise ValueError(bandwidth)
