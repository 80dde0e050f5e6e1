"""The generated model types (dxlab.domain.shapes) against botocore's model, without a server."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from dxlab.domain import shapes

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "gen_shapes.py"
# The families (and modules) whose every operation takes and returns the generated shapes
# (the pattern for the others): connections (dedicated, LAGs, LOA, locations, MACsec),
# partners (interconnects, hosted connections, agreements), gateways (Direct Connect
# gateways, associations, proposals, virtual gateways), virtual interfaces (private,
# public, transit, hosted, BGP peers, routes, router configuration), resiliency groups,
# failover tests, tags.
TYPED_FAMILIES = (
    "dxlab.service.connections.",
    "dxlab.service.partners.",
    "dxlab.service.gateways.",
    "dxlab.service.virtual_interfaces.",
    "dxlab.service.resiliency.groups",
    "dxlab.service.resiliency.failover_tests",
    "dxlab.service.tags",
)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_shapes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model() -> dict[str, Any]:
    model: dict[str, Any] = _generator().load_model()
    return model


def test_the_committed_module_is_what_the_generator_writes_now() -> None:
    gen = _generator()
    assert Path(shapes.__file__).read_text() == gen.render(gen.load_model()), (
        "dxlab/domain/shapes.py is out of date: run .venv/bin/python scripts/gen_shapes.py"
    )


def test_every_model_enum_is_a_str_enum_with_the_model_values() -> None:
    enums = {n: s["enum"] for n, s in _model()["shapes"].items() if "enum" in s}
    assert "VirtualInterfaceState" in enums and "ResiliencyGroupState" in enums
    for name, values in enums.items():
        enum = getattr(shapes, name)
        assert [e.value for e in enum] == values
    assert shapes.ConnectionState.AVAILABLE == "available"
    assert shapes.BillingMode.PAY_AS_YOU_GO == "PayAsYouGo"


def test_required_members_follow_the_model() -> None:
    request = shapes.CreateConnectionRequest
    assert request.__required_keys__ == {"location", "bandwidth", "connectionName"}
    assert "lagId" in request.__optional_keys__
    # A response record: every member may be left out.
    assert shapes.Connection.__required_keys__ == frozenset()
    assert "connectionState" in shapes.Connection.__optional_keys__


def test_a_member_name_for_every_kind_of_enum_value() -> None:
    gen = _generator()
    assert gen.member_name("maximum-resiliency") == "MAXIMUM_RESILIENCY"
    assert gen.member_name("application/pdf") == "APPLICATION_PDF"
    assert gen.member_name("nonPartner") == "NON_PARTNER"
    assert gen.member_name("FlatRateTier1") == "FLAT_RATE_TIER1"


def test_typed_handlers_name_their_operations_shapes() -> None:
    """A handler typed with the generated shapes names its own operation's input and
    output structures (a copy-paste of another operation's types would pass mypy)."""
    import inspect

    from dxlab.service.operations import OPERATIONS

    operations = _model()["operations"]
    untyped = []
    for name, op in OPERATIONS.items():
        signature = inspect.signature(op.handler)
        req = str(signature.parameters["req"].annotation)
        out = str(signature.return_annotation)
        wanted = operations[name]
        if hasattr(shapes, req):
            assert req == wanted["input"]["shape"], name
        if hasattr(shapes, out):
            assert out == wanted["output"]["shape"], name
        family = op.handler.__module__.startswith(TYPED_FAMILIES)
        if family and (
            ("input" in wanted and not hasattr(shapes, req)) or not hasattr(shapes, out)
        ):
            untyped.append(name)
    assert untyped == []
