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
    "50Mbps",
    "100Mbps",
    "200Mbps",
    "300Mbps",
    "400Mbps",
    "500Mbps",
    "1Gbps",
    "2Gbps",
    "5Gbps",
    "10Gbps",
    "25Gbps",
)

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


# The model's VirtualInterface.rateLimit: the bandwidth values a VIF may be limited to.
_RATE_LIMIT_TEXT = (
    "50Mbps 100Mbps 200Mbps 300Mbps 400Mbps 500Mbps 600Mbps 700Mbps 800Mbps 900Mbps 1Gbps 1.2Gbps"
    " 1.5Gbps 1.8Gbps 2Gbps 2.1Gbps 2.4Gbps 2.7Gbps 3Gbps 3.2Gbps 3.6Gbps 4Gbps 5Gbps 6Gbps 7Gbps"
    " 8Gbps 9Gbps 10Gbps 12Gbps 15Gbps 18Gbps 20Gbps 21Gbps 24Gbps 27Gbps 30Gbps 32Gbps 36Gbps"
    " 40Gbps 50Gbps 60Gbps 70Gbps 80Gbps 100Gbps 120Gbps 150Gbps 180Gbps 200Gbps 210Gbps 240Gbps"
    " 270Gbps 300Gbps 320Gbps 360Gbps 400Gbps 450Gbps 480Gbps 500Gbps 540Gbps 600Gbps 700Gbps"
    " 800Gbps 900Gbps 1Tbps 1.1Tbps 1.2Tbps 1.3Tbps 1.4Tbps 1.5Tbps 1.6Tbps"
)
_UNIT_MBPS = {"Mbps": 1.0, "Gbps": 1000.0, "Tbps": 1_000_000.0}
RATE_LIMITS_MBPS: dict[str, float] = {
    r: float(r[:-4]) * _UNIT_MBPS[r[-4:]] for r in _RATE_LIMIT_TEXT.split()
}
