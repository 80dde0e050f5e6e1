"""The customer side AWS does not see: the topology of data centers and routers that
dxlab keeps beside the API, and `verify` from it (step 5 of maximum_resiliency.md)."""
