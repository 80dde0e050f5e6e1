"""EC2's pagination (EC2 API reference, "Pagination"), once for every Describe* that has
it, generic over botocore's ec2 models: an operation pages when its paginator
(`paginators-1`) names MaxResults and NextToken of its input. The handler answers every
item; the page is cut here, so no operation pages by hand.

- MaxResults is an integer in the model's range (min/max of its shape), else EC2's usual
  5 to 1000; outside it: `InvalidParameterValue`.
- Where the model's documentation of MaxResults says "You cannot specify this parameter and
  the ... IDs parameter in the same request" (DescribeInstances, DescribeInstanceStatus,
  DescribeNetworkInterfaces), the two together: `InvalidParameterCombination`.
- NextToken is the one the previous page gave, for the same operation; any other:
  `InvalidNextToken`. A token holds the position in the list, which the store keeps in
  creation order (store/sqlite.py: ORDER BY created, id)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from botocore.loaders import Loader

from dxlab.domain.ec2_errors import Ec2Error
from dxlab.web.aws.ec2_model import SERVICE, input_shape, shapes

# EC2 API reference, "Pagination": "a value between 5 and 1000" where the model has no range.
DEFAULT_RANGE = (5, 1000)
_EXCLUSIVE = re.compile(r"You cannot specify this parameter and the (.+?) parameter")


@dataclass(frozen=True)
class Paginator:
    operation: str
    result_key: str  # the list the pages cut (Vpcs, Reservations, Tags, ...)
    low: int
    high: int
    exclusive: str | None  # the member MaxResults may not come with (InstanceIds)


@dataclass(frozen=True)
class Page:
    paginator: Paginator
    start: int
    size: int | None


@lru_cache(maxsize=1)
def _paginators() -> dict[str, Any]:
    model: dict[str, Any] = Loader().load_service_model(SERVICE, "paginators-1")
    return model["pagination"]  # type: ignore[no-any-return]


@cache
def paginator(action: str) -> Paginator | None:
    """The operation's paging, from the models; None when it does not page."""
    spec = _paginators().get(action)
    shape = input_shape(action)
    if not spec or shape is None:
        return None
    members = shapes()[shape].get("members", {})
    if (
        spec.get("input_token") != "NextToken"
        or spec.get("limit_key") != "MaxResults"
        or not isinstance(spec.get("result_key"), str)
        or "MaxResults" not in members
    ):
        return None
    limit = shapes()[members["MaxResults"]["shape"]]
    low, high = limit.get("min", DEFAULT_RANGE[0]), limit.get("max", DEFAULT_RANGE[1])
    exclusive = None
    if _EXCLUSIVE.search(members["MaxResults"].get("documentation", "")):
        exclusive = next((m for m in members if m.endswith("Ids")), None)
    return Paginator(action, spec["result_key"], int(low), int(high), exclusive)


def page_of(action: str, args: dict[str, Any]) -> Page | None:
    """The page a request asks for (MaxResults and NextToken taken out of `args`: the
    handler answers every item), or EC2's error for a bad one."""
    pager = paginator(action)
    if pager is None:
        return None
    size = args.pop("MaxResults", None)
    token = args.pop("NextToken", None)
    if size is not None:
        if pager.exclusive and args.get(pager.exclusive):
            raise Ec2Error(
                "InvalidParameterCombination",
                f"The parameter {pager.exclusive} cannot be used with the parameter MaxResults",
            )
        if not pager.low <= size <= pager.high:
            raise Ec2Error(
                "InvalidParameterValue",
                f"Value ( {size} ) for parameter maxResults is invalid."
                f" Expecting a value between {pager.low} and {pager.high}.",
            )
    start = _position(action, token) if token else 0
    return Page(pager, start, size)


def cut(page: Page, result: dict[str, Any]) -> dict[str, Any]:
    """The handler's answer with only the page's items, and the token of the next page."""
    items = result.get(page.paginator.result_key) or []
    if page.start > len(items):
        raise Ec2Error("InvalidNextToken", "The token is invalid: it is past the last item")
    end = len(items) if page.size is None else page.start + page.size
    out = {**result, page.paginator.result_key: items[page.start : end]}
    out.pop("NextToken", None)
    if end < len(items):
        out["NextToken"] = _token(page.paginator.operation, end)
    return out


def _token(action: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{action}:{position}".encode()).decode()


def _position(action: str, token: str) -> int:
    try:
        name, _, position = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if name == action and position.isdigit():
            return int(position)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise Ec2Error("InvalidNextToken", f"The token '{token}' is invalid")
