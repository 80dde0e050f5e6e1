"""Dedicated connections, LAGs, their ports and LOA-CFAs, MACsec and locations
(dedicated_connection.md, lags.md, create-connection.md)."""
