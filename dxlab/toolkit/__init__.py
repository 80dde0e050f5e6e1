"""The Resiliency Toolkit: wizard plans, SLA and cost, resiliency analysis."""
