"""The Resiliency Toolkit (resiliency_toolkit.md): the connection wizard, resiliency
groups, BGP failover tests, injected failures, their reports, and the analysis."""
