"""Runs one decoded API call: the model's input shape parsed and validated, the handler
run on the service bus, the output checked against the model in tests. Shared by both
wire protocols, so an operation behaves the same whichever one a client speaks."""

from __future__ import annotations

import os
from typing import Any

from dxlab.domain.errors import NotSupported
from dxlab.service.bus import Bus
from dxlab.service.context import Context
from dxlab.service.registry import Operation
from dxlab.web.aws.model import operations
from dxlab.web.aws.validate import check_output, parse_input
from dxlab.web.errors import ProtocolError

CHECK_OUTPUT = os.environ.get("DXLAB_CHECK_OUTPUT") == "1"


class Dispatcher:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    def input_shape(self, op_name: str) -> str | None:
        spec = operations().get(op_name)
        if spec is None:
            raise ProtocolError(
                f"Operation {op_name!r} is not an operation of AWS Direct Connect",
                aws_code="UnknownOperationException",
            )
        shape = spec.get("input")
        return shape["shape"] if shape else None

    def output_shape(self, op_name: str) -> str | None:
        shape = operations()[op_name].get("output")
        return shape["shape"] if shape else None

    def _request(self, op_name: str, body: Any, wire: str) -> tuple[Operation, dict[str, Any]]:
        shape = self.input_shape(op_name)
        request = parse_input(shape, body, wire)
        op = self.bus.handlers.operations.get(op_name)
        if op is None:
            raise NotSupported(f"{op_name} is not supported by dxlab yet.")
        return op, request

    def _checked(self, op_name: str, result: dict[str, Any]) -> dict[str, Any]:
        if CHECK_OUTPUT:
            check_output(self.output_shape(op_name), result)
        return result

    def call(self, op_name: str, body: Any, wire: str, ctx: Context) -> dict[str, Any]:
        """One call, run to the end on this thread (the console)."""
        op, request = self._request(op_name, body, wire)
        return self._checked(op_name, self.bus.handle(op.handler, ctx, request, write=op.write))

    async def call_async(
        self, op_name: str, body: Any, wire: str, ctx: Context, *, alone: bool = False
    ) -> dict[str, Any]:
        """One call from the event loop (writes through group commit; `alone`: no other
        request is being served)."""
        op, request = self._request(op_name, body, wire)
        result = await self.bus.handle_async(op.handler, ctx, request, write=op.write, alone=alone)
        return self._checked(op_name, result)
