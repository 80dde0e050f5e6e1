"""Bounded, seeded fuzz loops against a real server process. Two kinds:

- shape fuzz: bodies shaped by the model's input shapes, some members wrongly typed,
  some bodies cut or with a byte flipped after encoding (the codec's side);
- stateful fuzz: well-formed requests whose ids come from the answers to earlier ones,
  so that calls reach deep into the handlers (the services' side).

Every answer is a 200 or an AWS-shaped 4xx; a failure names its seed and request, so it
reproduces. Both run on SQLite and on PostgreSQL (which, for one, cannot store U+0000)."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import cbor2
import orjson
from botocore.model import Shape

from tests.conftest import ServerProcess
from tests.model_values import BY_INT_MEMBER, BY_MEMBER, BY_SHAPE
from tests.store_servers import server_per_store
from tests.wire import (
    CBOR_PREFIX,
    Answer,
    assert_aws_error,
    cbor_headers,
    json_headers,
    parse,
    send,
    service_model,
)

store_server = server_per_store()

_ODD_STRINGS = [
    "",
    " ",
    "x" * 300,
    "dxcon-abcd1234",
    "dxlag-abcd1234",
    "dxvif-abcd1234",
    "\x00",
    "é" * 40,
    "arn:aws:directconnect:us-east-1:123456789012:dxcon/dxcon-abcd1234",
    "-1",
    "null",
    "{}",
]
_ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    1.5,
    "",
    "7",
    [],
    {},
    [None],
    {"a": None},
    b"\x00",
]
# Strings a real request might carry where the model has no enum (speeds, places, CIDRs).
_PLAUSIBLE = [
    "1Gbps",
    "10Gbps",
    "100Gbps",
    "50Mbps",
    "EqDC2",
    "CSVA1",
    "169.254.0.1/30",
    "169.254.0.2/30",
    "2001:db8::/64",
    "10.0.0.0/8",
    "0.0.0.0/0",
    "",
    "x" * 300,
    "\x00",
]
_PLAUSIBLE_INTS = [0, 1, 2, 4, 100, 101, 1500, 8500, 9001, 4094, 4095, 64512, 65000, 4_200_000_000]


def _encode(rng: random.Random, op_name: str, params: Any) -> tuple[str, bytes, dict[str, str]]:
    if rng.random() < 0.5:
        return CBOR_PREFIX + op_name, cbor2.dumps(params), cbor_headers()
    body = orjson.dumps(params, option=orjson.OPT_NON_STR_KEYS, default=repr)
    return "/", body, json_headers(op_name)


def _check(answer: Answer, where: str) -> None:
    if answer.status == 200:
        assert answer.headers.get("x-amzn-requestid"), where
        return
    try:
        assert_aws_error(answer)
    except AssertionError as exc:
        raise AssertionError(f"{where}: {exc}") from None


class ShapeFuzzer:
    """Mostly well-typed values of the input shapes, some wrongly typed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.model = service_model()

    def value(self, shape: Shape, depth: int = 0) -> Any:
        rng = self.rng
        if rng.random() < 0.12:
            return rng.choice(_ODD_VALUES)
        kind = shape.type_name
        if kind == "structure":
            out = {}
            for name, member in shape.members.items():  # type: ignore[attr-defined]
                if (name in shape.required_members and rng.random() < 0.9) or rng.random() < 0.3:  # type: ignore[attr-defined]
                    out[name] = self.value(member, depth + 1) if depth < 6 else None
            if rng.random() < 0.05:
                out["unknownMember"] = rng.choice(_ODD_VALUES)
            return out
        if kind == "list":
            return [self.value(shape.member, depth + 1) for _ in range(rng.choice([0, 1, 1, 2, 3]))]  # type: ignore[attr-defined]
        if kind == "map":
            return {
                rng.choice(_ODD_STRINGS): self.value(shape.value, depth + 1)
                for _ in range(rng.randint(0, 2))
            }  # type: ignore[attr-defined]
        if kind == "string":
            if shape.enum and rng.random() < 0.6:
                return rng.choice(shape.enum)
            return rng.choice(_ODD_STRINGS)
        if kind in ("integer", "long"):
            return rng.choice(
                [0, 1, 5, 100, 101, -1, 4094, 4095, 65000, 2**31 - 1, 2**31, 2**32, -(2**63)]
            )
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "timestamp":
            return rng.choice([0, 1.5, 1e12, -1e15, "2026-11-26T00:00:00Z", "yesterday"])
        return rng.choice(_ODD_VALUES)

    def request(self) -> tuple[str, bytes, dict[str, str]]:
        rng = self.rng
        op_name = rng.choice(self.model.operation_names)
        op = self.model.operation_model(op_name)
        params = self.value(op.input_shape) if op.input_shape is not None else {}
        path, body, headers = _encode(rng, op_name, params)
        roll = rng.random()
        if roll < 0.1 and body:
            body = body[: rng.randrange(len(body))]
        elif roll < 0.2 and body:
            pos = rng.randrange(len(body))
            body = body[:pos] + bytes([rng.randrange(256)]) + body[pos + 1 :]
        return path, body, headers


class StatefulFuzzer:
    """Valid-looking requests; ids and names come from earlier answers (by member name)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.model = service_model()
        self.seen: dict[str, set[str]] = defaultdict(set)

    def harvest(self, value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.harvest(v, k)
        elif isinstance(value, list):
            for v in value:
                self.harvest(v, key)
        elif isinstance(value, str) and key:
            self.seen[key].add(value)

    def value(self, shape: Shape, member: str) -> Any:
        rng = self.rng
        if rng.random() < 0.03:
            return rng.choice([None, "", -1, [], {}])
        kind = shape.type_name
        if kind == "structure":
            optional = (
                0.6 if member else 0.4
            )  # nested ones (newPrivateVirtualInterface...) need more
            return {
                name: self.value(spec, name)
                for name, spec in shape.members.items()  # type: ignore[attr-defined]
                if (name in shape.required_members and rng.random() < 0.97)
                or rng.random() < optional  # type: ignore[attr-defined]
            }
        if kind == "list":
            singular = member.removesuffix("s")
            count = rng.choice([0, 1, 1, 2, 3]) if rng.random() < 0.1 else rng.choice([1, 1, 2])
            return [self.value(shape.member, singular) for _ in range(count)]  # type: ignore[attr-defined]
        if kind == "string":
            if shape.enum:
                return rng.choice(shape.enum)
            for key in (member, member + "s", member.removesuffix("s")):
                if self.seen.get(key) and rng.random() < 0.85:
                    return rng.choice(sorted(self.seen[key]))
            if shape.name in BY_SHAPE and rng.random() < 0.7:
                return BY_SHAPE[shape.name]
            if BY_MEMBER.get(member) and rng.random() < 0.5:
                return BY_MEMBER[member]
            return rng.choice(_PLAUSIBLE)
        if kind in ("integer", "long"):
            if member in BY_INT_MEMBER and rng.random() < 0.6:
                return BY_INT_MEMBER[member] + rng.choice(
                    [0, 0, 1, 2]
                )  # vlan 101..103, asn 65000..
            return rng.choice(_PLAUSIBLE_INTS)
        if kind == "boolean":
            return rng.random() < 0.5
        return None

    def prelude(self) -> list[tuple[str, dict[str, Any]]]:
        """Calls that give the loop resources to work on (their ids are harvested)."""
        return [
            (
                "CreateConnection",
                {"location": "EqDC2", "bandwidth": "1Gbps", "connectionName": "fz-1"},
            ),
            (
                "CreateConnection",
                {"location": "CSVA1", "bandwidth": "10Gbps", "connectionName": "fz-2"},
            ),
            (
                "CreateLag",
                {
                    "numberOfConnections": 2,
                    "location": "EqDC2",
                    "connectionsBandwidth": "10Gbps",
                    "lagName": "fz-lag",
                },
            ),
            (
                "CreateDirectConnectGateway",
                {"directConnectGatewayName": "fz-gw", "amazonSideAsn": 64512},
            ),
            (
                "CreateInterconnect",
                {"interconnectName": "fz-ic", "bandwidth": "10Gbps", "location": "EqDC2"},
            ),
        ]

    def request(self) -> tuple[str, str, bytes, dict[str, str]]:
        op_name = self.rng.choice(self.model.operation_names)
        shape = self.model.operation_model(op_name).input_shape
        params = self.value(shape, "") if shape is not None else {}
        return (op_name, *_encode(self.rng, op_name, params))


def test_shape_fuzz_never_gets_a_500(store_server: ServerProcess, account: str) -> None:
    server = store_server
    seed = 20261126
    fuzzer = ShapeFuzzer(seed)
    statuses: dict[int, int] = defaultdict(int)
    for i in range(300):
        path, body, headers = fuzzer.request()
        answer = send(server.endpoint, path, body, headers, account=account)
        statuses[answer.status] += 1
        _check(
            answer,
            f"seed {seed} request {i}: POST {path} {headers.get('X-Amz-Target', '')} {body[:300]!r}",
        )
    assert statuses[200] > 0 and statuses[400] > 0, statuses  # both outcomes were exercised


def test_stateful_fuzz_never_gets_a_500(store_server: ServerProcess, account: str) -> None:
    server = store_server
    seed = 7224
    fuzzer = StatefulFuzzer(seed)
    succeeded: set[str] = set()
    for op_name, params in fuzzer.prelude():
        answer = send(
            server.endpoint, "/", orjson.dumps(params), json_headers(op_name), account=account
        )
        _check(answer, f"prelude {op_name}")
        fuzzer.harvest(answer.json() if answer.status == 200 else {})
    for i in range(400):
        op_name, path, body, headers = fuzzer.request()
        answer = send(server.endpoint, path, body, headers, account=account)
        _check(answer, f"seed {seed} request {i}: {op_name} {body[:300]!r}")
        if answer.status == 200:
            succeeded.add(op_name)
            fuzzer.harvest(parse(op_name, answer))  # botocore reads every answer it gets
    assert len(succeeded) >= 10, sorted(succeeded)  # the loop got past validation


def test_no_traceback_in_server_log(store_server: ServerProcess) -> None:
    assert store_server.server_errors() == ""
