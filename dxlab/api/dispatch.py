"""Runs one decoded API call: auth context in, output dict or named error out.

Shared by both wire protocols, so an operation behaves the same whichever one a client
speaks."""

from __future__ import annotations

import logging
import os
from typing import Any

from dxlab.api.model import operations
from dxlab.api.validate import check_output, parse_input
from dxlab.domain.errors import DxlabError, NotSupported, ProtocolError
from dxlab.service import operations as _registered  # noqa: F401  (registers handlers)
from dxlab.service.context import Context
from dxlab.service.registry import OPERATIONS
from dxlab.service.timers import fire_due
from dxlab.store.repository import Store

log = logging.getLogger("dxlab.api")

CHECK_OUTPUT = os.environ.get("DXLAB_CHECK_OUTPUT") == "1"


class Dispatcher:
    def __init__(self, store: Store) -> None:
        self.store = store

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

    def fire_timers(self, ctx: Context) -> None:
        with self.store.read() as uow:
            due = uow.next_due()  # type: ignore[attr-defined]
        if due is not None and due <= ctx.now():
            with self.store.write() as uow:
                fire_due(uow, ctx)

    def call(self, op_name: str, body: Any, wire: str, ctx: Context) -> dict[str, Any]:
        shape = self.input_shape(op_name)
        request = parse_input(shape, body, wire)
        op = OPERATIONS.get(op_name)
        if op is None:
            raise NotSupported(f"{op_name} is not supported by dxlab yet.")
        self.fire_timers(ctx)
        opener = self.store.write if op.write else self.store.read
        with opener() as uow:
            result = op.handler(uow, ctx, request)
        if CHECK_OUTPUT:
            check_output(self.output_shape(op_name), result)
        return result


__all__ = ["Dispatcher", "DxlabError"]
