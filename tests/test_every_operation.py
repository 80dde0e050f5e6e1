"""DESIGN.md, non-negotiables: every operation of the botocore model is served, either
faithfully or with a clear DirectConnectClientException saying it is not supported yet,
and never with a 500. Each of the 73 operations is called over both protocols with an
empty body, a minimal request (required members only) and a full one (every member),
all built from the model, so the test keeps holding as operations get implemented; on
SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from dxlab.service.operations import OPERATIONS
from dxlab.web.aws.model import operation_names, operations
from dxlab.web.aws.validate import parse_input
from tests.conftest import ServerProcess
from tests.model_values import request
from tests.store_servers import server_per_store
from tests.wire import assert_aws_error, cbor_call, json_call, service_model

store_server = server_per_store()
OPERATION_NAMES = operation_names()


def test_the_model_has_73_operations() -> None:
    assert len(OPERATION_NAMES) == 73
    assert not set(OPERATIONS) - set(OPERATION_NAMES), "handlers for operations not in the model"


@pytest.mark.parametrize("variant", ["minimal", "full"])
@pytest.mark.parametrize("op_name", OPERATION_NAMES)
def test_requests_built_from_the_model_pass_its_validation(op_name: str, variant: str) -> None:
    # Else the calls below would stop at the codec and never reach the handlers.
    shape = operations()[op_name].get("input", {}).get("shape")
    parse_input(shape, request(op_name, variant), "json")


@pytest.mark.parametrize("variant", ["empty", "minimal", "full"])
@pytest.mark.parametrize("wire", ["json", "cbor"])
@pytest.mark.parametrize("op_name", OPERATION_NAMES)
def test_operation_answers_200_or_an_aws_error(
    store_server: ServerProcess, account: str, op_name: str, wire: str, variant: str
) -> None:
    server = store_server
    call = json_call if wire == "json" else cbor_call
    params = request(op_name, variant)
    answer, parsed = call(server.endpoint, op_name, params, account)
    assert answer.status < 500, (answer.status, answer.body[:400])
    if answer.status == 200:
        assert answer.headers.get("x-amzn-requestid")
        op = service_model().operation_model(op_name)
        members = set(op.output_shape.members) if op.output_shape is not None else set()
        assert set(parsed) - {"ResponseMetadata"} <= members, parsed
        return
    err = assert_aws_error(answer)
    model_requires = request(op_name, "minimal") != {}
    if variant == "empty" and model_requires:
        # Required members are checked before anything else, implemented or not.
        assert err["__type"].endswith("DirectConnectClientException"), err
        assert "failed to satisfy constraint: Member must not be null" in err["message"], err
    elif op_name not in OPERATIONS:
        assert answer.status == 400, err
        assert err["__type"].endswith("DirectConnectClientException"), err
        assert err["message"] == f"{op_name} is not supported by dxlab yet.", err


def test_no_traceback_in_server_log(store_server: ServerProcess) -> None:
    assert store_server.server_errors() == ""


def test_every_marked_handler_is_served() -> None:
    """service/operations.py lists the families by hand: a module with marked handlers
    left out of FAMILIES would silently not be served."""
    import importlib
    import pkgutil

    import dxlab.service
    from dxlab.service import registry, routes, timers
    from dxlab.service.operations import HANDLERS

    served = {id(op.handler) for op in HANDLERS.operations.values()}
    served |= {id(r.handler) for r in HANDLERS.routes} | {id(a) for a in HANDLERS.timers.values()}
    left_out = []
    for info in pkgutil.walk_packages(dxlab.service.__path__, "dxlab.service."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if any(
                mark(fn) is not None for mark in (registry.marked, routes.marked, timers.marked)
            ):
                if id(fn) not in served:
                    left_out.append(f"{info.name}.{name}")
    assert not left_out, f"marked but not in service/operations.py FAMILIES: {left_out}"
