"""The BGP model ("sim" data plane): sessions, AWS's path selection, reachability under
failures, simulated ping and traceroute. Pure: built from a `Network` snapshot."""
