"""Gateways (direct-connect-gateways-intro.md): Direct Connect gateways, their
associations with virtual private and transit gateways, and proposals across accounts."""
