"""Port-hour prices of dedicated connections, in USD (AWS's public list prices for
ports in US locations; other regions differ by a few percent). Used for the wizard's
order summary, as the Resiliency Toolkit shows one."""

from __future__ import annotations

PORT_HOUR_USD: dict[str, float] = {
    "1Gbps": 0.30,
    "10Gbps": 2.25,
    "100Gbps": 22.50,
    "400Gbps": 85.00,
}

HOURS_PER_MONTH = 730
