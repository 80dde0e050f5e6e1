"""botocore's directconnect service model, loaded once: the spec of the wire."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from botocore.loaders import Loader

SERVICE = "directconnect"
TARGET_PREFIX = "OvertureService"
CBOR_ERROR_NAMESPACE = "com.amazonaws.directconnect"


@lru_cache(maxsize=1)
def service_model() -> dict[str, Any]:
    """The raw JSON model (shapes and operations), as botocore ships it."""
    model: dict[str, Any] = Loader().load_service_model(SERVICE, "service-2")
    return model


def shapes() -> dict[str, Any]:
    return service_model()["shapes"]  # type: ignore[no-any-return]


def operations() -> dict[str, Any]:
    return service_model()["operations"]  # type: ignore[no-any-return]


def operation_names() -> list[str]:
    return sorted(operations())
