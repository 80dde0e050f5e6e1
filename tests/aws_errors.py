"""What a test asks of a call that must fail: AWS's exception name, status and message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def error_of(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    """(exception name, HTTP status, message) of a call that must fail."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]
