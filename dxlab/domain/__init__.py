"""The Direct Connect domain: entities as plain dicts in the API's own shapes, rules,
state machines and quotas. Pure Python: nothing here does I/O."""
