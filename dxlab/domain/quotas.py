"""Quotas of limits.md, each defined once."""

from __future__ import annotations

# limits.md: active connections per Direct Connect location per Region per account.
CONNECTIONS_PER_LOCATION = 10
# limits.md: LAGs per Region.
LAGS_PER_REGION = 10
# limits.md: connections per LAG: 4 below 100G, 2 at 100G and above.
LAG_CONNECTIONS_BELOW_100G = 4
LAG_CONNECTIONS_100G_AND_UP = 2
# limits.md: VIFs.
PRIVATE_PUBLIC_VIFS_PER_CONNECTION = 50
TRANSIT_VIFS_PER_CONNECTION = 4
# limits.md: "50 and 1 transit virtual interface": 51 VIFs in all on one dedicated connection.
VIFS_PER_CONNECTION_TOTAL = 51
VIFS_PER_HOSTED_CONNECTION = 1
VIFS_PER_LAG = 50
VIFS_PER_DX_GATEWAY = 30
BGP_PEERS_PER_VIF = 2
# limits.md: gateways.
DX_GATEWAYS_PER_ACCOUNT = 200
VGWS_PER_DX_GATEWAY = 20
TGWS_PER_DX_GATEWAY = 6
# limits.md: Direct Connect gateways associated to one transit gateway.
DX_GATEWAYS_PER_TGW = 20
# limits.md: prefixes per transit gateway from AWS to on-premises (IPv4 and IPv6 combined).
TGW_ALLOWED_PREFIXES = 200
# limits.md: routes per BGP session.
PRIVATE_ROUTES_PER_FAMILY = 100
PUBLIC_ROUTES = 1000
# The model's TagList: at most 50 tags per resource.
TAGS_PER_RESOURCE = 50
# FIDELITY.md: maxResults above 100 is treated as 100.
MAX_RESULTS = 100
# Interconnects: hosted connections a partner can carve from one interconnect.
HOSTED_CONNECTIONS_PER_INTERCONNECT = 1000


def lag_connection_limit(bandwidth_mbps: int) -> int:
    return LAG_CONNECTIONS_100G_AND_UP if bandwidth_mbps >= 100_000 else LAG_CONNECTIONS_BELOW_100G
