"""Response encoding for both wire protocols, generic over the service model.

Handlers return plain dicts in the model's shape with timestamps as epoch seconds and
blobs as bytes. awsJson1.1 wants exactly that (blobs base64), so JSON output needs no
walk; CBOR output is walked once to tag timestamps (tag 1) and drop unknown members."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import cbor2
import orjson

from dxlab.web.aws.model import shapes


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dt.datetime):  # AWS's JSON timestamps are epoch seconds
        return value.timestamp()
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_json(body: dict[str, Any]) -> bytes:
    return orjson.dumps(body, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def _cbor_shape(shape_name: str, value: Any) -> Any:
    shape = shapes()[shape_name]
    kind = shape["type"]
    if kind == "structure":
        members = shape.get("members", {})
        return {
            k: _cbor_shape(members[k]["shape"], v)
            for k, v in value.items()
            if k in members and v is not None
        }
    if kind == "list":
        member = shape["member"]["shape"]
        return [_cbor_shape(member, v) for v in value]
    if kind == "map":
        val = shape["value"]["shape"]
        return {k: _cbor_shape(val, v) for k, v in value.items()}
    if kind == "timestamp":
        epoch = value.timestamp() if isinstance(value, dt.datetime) else float(value)
        return cbor2.CBORTag(1, epoch)
    return value


def encode_cbor(shape_name: str | None, body: dict[str, Any]) -> bytes:
    if shape_name is None:
        return cbor2.dumps({})
    return cbor2.dumps(_cbor_shape(shape_name, body))
