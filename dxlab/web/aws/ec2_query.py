"""EC2's request side of the `ec2` query protocol, generic over botocore's ec2 model.

A request is a form-encoded POST: `Action=CreateVpc&Version=2016-11-15&CidrBlock=...`.
Names follow botocore's `EC2Serializer` (serialize.py), turned around as LocalStack's
`EC2QueryRequestParser` does: a member is named by its `queryName`, else by its
`locationName` with the first letter upper-cased, else by its own name; every list is
flattened with 1-based indexes (`Filter.1.Value.1`, `IpPermissions.1.IpRanges.1.CidrIp`,
`TagSpecification.1.Tag.1.Key`). Values come as text and are typed here from the model;
the handler receives a dict keyed by the model's member names."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qsl

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.web.aws.ec2_model import input_shape, operations, shapes

# Parameters every request carries that are no member of an input shape.
_PROTOCOL_PARAMS = frozenset({"Action", "Version"})

Tree = dict[str, Any]


def is_ec2_request(headers: dict[str, str], body: bytes) -> bool:
    """A form-encoded POST signed for the `ec2` service (or carrying EC2's API version):
    told apart from STS's query requests, which are signed for `sts`."""
    ctype = headers.get("content-type", "")
    if not ctype.startswith("application/x-www-form-urlencoded") or b"Action=" not in body:
        return False
    auth = headers.get("authorization", "")
    if "/ec2/aws4_request" in auth:
        return True
    return "/sts/aws4_request" not in auth and b"Version=2016-11-15" in body


def form(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise Ec2Error("InvalidParameterValue", "The request body is not UTF-8 form data") from None
    return dict(pairs)


def action_of(params: dict[str, str]) -> str:
    action = params.get("Action", "")
    if not action:
        raise Ec2Error("MissingAction", "The request must contain the parameter Action")
    if action not in operations():
        raise Ec2Error("InvalidAction", f"The action {action} is not valid for this web service.")
    return action


def parse_request(action: str, params: dict[str, str]) -> dict[str, Any]:
    """The operation's input as the model names it, typed; EC2's errors for a missing or
    unknown parameter or a value of the wrong type."""
    tree: Tree = {}
    for key, value in params.items():
        if key in _PROTOCOL_PARAMS:
            continue
        node = tree
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise Ec2Error(
                    "InvalidParameterValue",
                    f"The parameter {key} is given twice as value and structure",
                )
            node = child
        if isinstance(node.get(parts[-1]), dict):
            raise Ec2Error(
                "InvalidParameterValue",
                f"The parameter {key} is given twice as value and structure",
            )
        node[parts[-1]] = value
    shape = input_shape(action)
    if shape is None:
        if tree:
            raise Ec2Error(
                "UnknownParameter", f"The parameter {next(iter(tree))} is not recognized"
            )
        return {}
    return _structure(shapes()[shape], tree, "")  # type: ignore[no-any-return]


def query_name(member_name: str, member: dict[str, Any]) -> str:
    """botocore's EC2Serializer._get_serialized_name."""
    if "queryName" in member:
        return str(member["queryName"])
    if "locationName" in member:
        name = str(member["locationName"])
        return name[0].upper() + name[1:]
    return member_name


def _structure(shape: dict[str, Any], tree: Any, path: str) -> dict[str, Any]:
    if not isinstance(tree, dict):
        raise Ec2Error("InvalidParameterValue", f"The parameter {path} must be a structure")
    out: dict[str, Any] = {}
    seen: set[str] = set()
    for name, member in shape.get("members", {}).items():
        wire = query_name(name, member)
        if wire not in tree:
            continue
        seen.add(wire)
        out[name] = _value(member["shape"], tree[wire], f"{path}{wire}")
    for wire in tree:
        if wire not in seen:
            raise Ec2Error("UnknownParameter", f"The parameter {path}{wire} is not recognized")
    for name in shape.get("required", []):
        if name not in out:
            wire = query_name(name, shape["members"][name])
            raise Ec2Error(
                "MissingParameter", f"The request must contain the parameter {path}{wire}"
            )
    return out


def _value(shape_name: str, raw: Any, path: str) -> Any:
    shape = shapes()[shape_name]
    kind = shape["type"]
    if kind == "structure":
        return _structure(shape, raw, path + ".")
    if kind == "list":
        if (
            raw == ""
        ):  # the query protocol's empty list ("Filter="), as botocore's QuerySerializer writes it
            return []
        if not isinstance(raw, dict) or not all(k.isdigit() and k != "0" for k in raw):
            raise Ec2Error(
                "InvalidParameterValue",
                f"The parameter {path} must be a list ({path}.1, {path}.2, ...)",
            )
        member = shape["member"]["shape"]
        return [_value(member, raw[k], f"{path}.{k}") for k in sorted(raw, key=int)]
    if kind == "map":  # no EC2 input we serve has one; botocore writes key/value pairs
        entries = raw.values() if isinstance(raw, dict) else []
        return {e.get("Key"): e.get("Value") for e in entries if isinstance(e, dict)}
    if isinstance(raw, dict):
        raise Ec2Error("InvalidParameterValue", f"The parameter {path} must be a single value")
    return _scalar(kind, raw, path)


# Characters XML 1.0 cannot carry: a value holding one could never be answered back.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _scalar(kind: str, raw: str, path: str) -> Any:
    if kind == "string":
        if _NOT_XML.search(raw):
            raise Ec2Error(
                "InvalidParameterValue", f"The parameter {path} holds a control character"
            )
        return raw
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise _bad(raw, path, "an integer") from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise _bad(raw, path, "true or false")
        return raw.lower() == "true"
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            raise _bad(raw, path, "a number") from None
    if kind == "timestamp":
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise _bad(raw, path, "an ISO 8601 time") from None
    if kind == "blob":
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise _bad(raw, path, "base64") from None
    return raw


def _bad(raw: str, path: str, expected: str) -> Ec2Error:
    shown = raw if len(raw) <= 64 else raw[:61] + "..."
    return Ec2Error(
        "InvalidParameterValue",
        f"Value ({shown}) for parameter {path} is invalid. Expected {expected}.",
    )
