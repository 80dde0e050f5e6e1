"""Input parsing and validation, generic over the service model (as botocore's
`validate.py`, but the server's side: every constraint of the model, not only the ones
clients check). Produces the handler's typed input: timestamps as epoch floats, blobs
as bytes, everything else as JSON types."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from functools import cache
from typing import Any

from dxlab.domain.errors import ValidationError
from dxlab.web.aws.model import shapes
from dxlab.web.errors import ProtocolError

# The model's patterns use \p{..} classes, which Python's re lacks; they only appear inside
# [...] in the model, so each becomes class content. \w for letters also lets digits and
# "_" through, which every such class allows anyway; \p{Z} is spelled out (Zs, Zl, Zp)
# because \s would also let tabs and newlines into tag keys.
_JAVA_CLASSES = {
    r"\p{L}": r"\w",
    r"\p{Z}": r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
    r"\p{N}": r"\d",
}


@cache
def _pattern(regex: str) -> re.Pattern[str]:
    for java, python in _JAVA_CLASSES.items():
        regex = regex.replace(java, python)
    if regex.endswith("$") and not regex.endswith("\\$"):
        # Smithy patterns are ECMA-262: "$" is the end of the input. Python's "$" also
        # matches before a final newline, which would let "name\n" through.
        regex = regex[:-1] + r"\Z"
    return re.compile(regex)


# Epoch seconds of year 9999: beyond it (or NaN) a timestamp cannot become a datetime.
_MAX_EPOCH = 253402300799.0


def _show(value: Any) -> str:
    """A value as a client sent it (JSON words, not Python's), cut to a readable length."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int) and value.bit_length() > 200:
        # repr() of a CBOR bignum can be megabytes long, or refuse (int max str digits)
        return f"<integer of {value.bit_length()} bits>"
    if isinstance(value, (list, dict)) and len(value) > 8:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        text = value.replace("\x00", "\\u0000") if isinstance(value, str) else repr(value)
    except (ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 64 else text[:61] + "..."


class _Checker:
    def __init__(self, wire: str) -> None:
        self.wire = wire  # "json" or "cbor"
        self.errors: list[str] = []

    def fail(self, value: Any, path: str, rule: str) -> None:
        shown = "null" if value is None else f"'{_show(value)}'"
        self.errors.append(f"Value {shown} at '{path}' failed to satisfy constraint: {rule}")

    def null_member(self, path: str) -> None:
        if self.wire == "out":  # a handler's output: a bug, not a client's mistake
            raise ProtocolError(f"null at '{path}'")
        self.fail(None, path, "Member must not be null")

    def type_error(self, value: Any, path: str, expected: str) -> None:
        raise ProtocolError(
            f"Value {_show(value)!s} at '{path}' cannot be converted to {expected}",
            aws_code="SerializationException",
        )

    def check(self, shape_name: str, value: Any, path: str) -> Any:
        shape = shapes()[shape_name]
        kind = shape["type"]
        if kind == "structure":
            return self.structure(shape, value, path)
        if kind == "list":
            if not isinstance(value, list):
                self.type_error(value, path, "a List")
            self.length(shape, value, path, "length")
            member = shape["member"]["shape"]
            items = []
            for i, v in enumerate(value):
                if v is None:  # AWS: a null list member breaks the member's constraint
                    self.null_member(f"{path}.{i + 1}.member")
                    continue
                items.append(self.check(member, v, f"{path}.{i + 1}.member"))
            return items
        if kind == "map":
            if not isinstance(value, dict):
                self.type_error(value, path, "a Map")
            key, val = shape["key"]["shape"], shape["value"]["shape"]
            entries = {}
            for k, v in value.items():
                if v is None:
                    self.null_member(f"{path}.{k}")
                    continue
                entries[self.check(key, k, path)] = self.check(val, v, f"{path}.{k}")
            return entries
        if kind == "string":
            if not isinstance(value, str):
                self.type_error(value, path, "a String")
            self.length(shape, value, path, "length")
            if "\x00" in value:
                # No identifier, name or key of the service contains NUL, and PostgreSQL
                # text cannot store it: refused here, the same on every store.
                self.fail(value, path, "Member must not contain the NUL character (U+0000)")
                return value
            if "enum" in shape and value not in shape["enum"]:
                self.fail(
                    value, path, f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]"
                )
            if "pattern" in shape and not _pattern(shape["pattern"]).search(value):
                self.fail(
                    value,
                    path,
                    f"Member must satisfy regular expression pattern: {shape['pattern']}",
                )
            return value
        if kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                self.type_error(value, path, "an Integer" if kind == "integer" else "a Long")
            limit = 2**31 if kind == "integer" else 2**63
            if not -limit <= value < limit:
                self.type_error(value, path, "an Integer" if kind == "integer" else "a Long")
            if "min" in shape and value < shape["min"]:
                self.fail(
                    value, path, f"Member must have value greater than or equal to {shape['min']}"
                )
            if "max" in shape and value > shape["max"]:
                self.fail(
                    value, path, f"Member must have value less than or equal to {shape['max']}"
                )
            return value
        if kind == "boolean":
            if not isinstance(value, bool):
                self.type_error(value, path, "a Boolean")
            return value
        if kind in ("float", "double"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_error(value, path, "a Double")
            try:
                number = float(value)
            except OverflowError:  # a CBOR bignum
                number = math.inf
            if not math.isfinite(number):
                self.type_error(value, path, "a finite Double")
            return number
        if kind == "timestamp":
            return self.timestamp(value, path)
        if kind == "blob":
            if self.wire in ("cbor", "out"):
                if not isinstance(value, (bytes, bytearray)):
                    self.type_error(value, path, "a Blob")
                return bytes(value)
            if not isinstance(value, str):
                self.type_error(value, path, "a Blob")
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                self.type_error(value, path, "a Blob")
        raise ProtocolError(f"Unsupported shape type {kind} at '{path}'")

    def structure(self, shape: dict[str, Any], value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.type_error(value, path or "input", "a Structure")
        members = shape.get("members", {})
        out: dict[str, Any] = {}
        for name in shape.get("required", []):
            if value.get(name) is None:
                self.fail(None, _join(path, name), "Member must not be null")
        for name, v in value.items():
            spec = members.get(name)
            if spec is None or v is None:
                continue  # AWS's JSON services ignore members they do not know
            out[name] = self.check(spec["shape"], v, _join(path, name))
        return out

    def length(self, shape: dict[str, Any], value: Any, path: str, what: str) -> None:
        if "min" in shape and len(value) < shape["min"]:
            self.fail(
                value, path, f"Member must have {what} greater than or equal to {shape['min']}"
            )
        if "max" in shape and len(value) > shape["max"]:
            self.fail(value, path, f"Member must have {what} less than or equal to {shape['max']}")

    def timestamp(self, value: Any, path: str) -> float:
        if isinstance(value, bool):
            self.type_error(value, path, "a Timestamp")
        if isinstance(value, (int, float)) and abs(value) < _MAX_EPOCH:
            return float(value)
        if isinstance(value, dt.datetime):  # CBOR tag 1 / tag 0 decode to datetime
            return value.timestamp()
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                pass
        self.type_error(value, path, "a Timestamp")
        return 0.0


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def parse_input(shape_name: str | None, body: Any, wire: str) -> dict[str, Any]:
    """Validate `body` against the operation's input shape; raise `ValidationError`
    listing every broken constraint, as AWS's Coral frameworks do."""
    if body is None:
        body = {}
    if shape_name is None:
        if not isinstance(body, dict):
            _Checker(wire).type_error(body, "input", "a Structure")
        return {}
    checker = _Checker(wire)
    out = checker.check(shape_name, body, "")
    if checker.errors:
        count = len(checker.errors)
        noun = "error" if count == 1 else "errors"
        raise ValidationError(f"{count} validation {noun} detected: " + "; ".join(checker.errors))
    return out  # type: ignore[no-any-return]


def check_output(shape_name: str | None, body: dict[str, Any]) -> None:
    """Development check (DXLAB_CHECK_OUTPUT=1, on in dxlab's tests): a handler's output
    must fit the model's output shape exactly, types included."""
    if shape_name is None:
        return
    checker = _Checker("out")
    try:
        checker.check(shape_name, body, "")
    except ProtocolError as exc:
        raise AssertionError(
            f"output of {shape_name} does not fit the model: {exc.message}"
        ) from None
    _unknown_members(shape_name, body, "")


def _unknown_members(shape_name: str, value: Any, path: str) -> None:
    shape = shapes()[shape_name]
    if shape["type"] == "structure":
        members = shape.get("members", {})
        for k, v in value.items():
            if k not in members:
                raise AssertionError(f"output member {_join(path, k)} is not in shape {shape_name}")
            _unknown_members(members[k]["shape"], v, _join(path, k))
    elif shape["type"] == "list":
        for v in value:
            _unknown_members(shape["member"]["shape"], v, path + "[]")
