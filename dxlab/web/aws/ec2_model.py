"""botocore's ec2 service model, loaded once: the spec of EC2's wire (the `ec2` query
protocol), as `dxlab.web.aws.model` is for Direct Connect."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from botocore.loaders import Loader

SERVICE = "ec2"
API_VERSION = "2016-11-15"
# The namespace of every EC2 answer (the model's xmlNamespace, with the trailing slash
# EC2 itself writes).
XML_NAMESPACE = f"http://ec2.amazonaws.com/doc/{API_VERSION}/"


@lru_cache(maxsize=1)
def service_model() -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model(SERVICE, "service-2")
    return model


def shapes() -> dict[str, Any]:
    return service_model()["shapes"]  # type: ignore[no-any-return]


def operations() -> dict[str, Any]:
    return service_model()["operations"]  # type: ignore[no-any-return]


def input_shape(op_name: str) -> str | None:
    shape = operations()[op_name].get("input")
    return shape["shape"] if shape else None


def output_shape(op_name: str) -> str | None:
    shape = operations()[op_name].get("output")
    return shape["shape"] if shape else None
