"""What the LAG, hosted connection and MACsec tests share: reading an AWS error, and
the few resources they all start from."""

from __future__ import annotations

import secrets
from typing import Any

from tests.aws_errors import error_of  # noqa: F401  (re-exported for the tests of this family)


def refused(call: Any, *words: str, **kwargs: Any) -> str:
    """Assert the call is refused as AWS refuses a client mistake, with a message that
    names each of `words`; returns the message."""
    code, status, message = error_of(call, **kwargs)
    assert (code, status) == ("DirectConnectClientException", 400), (code, status, message)
    for word in words:
        assert word in message, (word, message)
    return message


def hex64() -> str:
    """A CKN or CAK: 64 hexadecimal characters."""
    return secrets.token_hex(32)


def interconnect(dx: Any, location: str = "EqDC2", bandwidth: str = "10Gbps", **kwargs: Any) -> str:
    return str(
        dx.create_interconnect(
            interconnectName="ic", bandwidth=bandwidth, location=location, **kwargs
        )["interconnectId"]
    )
