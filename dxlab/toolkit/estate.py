"""An account's Direct Connect estate as `dxlab import` reads it: the answers of the
read-only Describe*/List* calls, in the shapes the API returns them, merged over the
regions read, with what could not be read beside them.

The same data comes from the API (cli/estate_reader.py) or from a folder of files the AWS
CLI wrote (`aws directconnect describe-connections --output json > describe-connections.json`),
for users who may not let a tool call their account. Pure: no I/O but reading the folder."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

FORMAT = "dxlab-estate/1"
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


@dataclass(frozen=True)
class Listing:
    """One kind of the estate: the call that lists it, the AWS CLI command (and file
    name) that saves it, and the member of the answer that holds the list."""

    key: str
    operation: str
    command: str
    member: str
    id_fields: tuple[str, ...]


LISTINGS: tuple[Listing, ...] = (
    Listing(
        "connections",
        "DescribeConnections",
        "describe-connections",
        "connections",
        ("connectionId",),
    ),
    Listing("lags", "DescribeLags", "describe-lags", "lags", ("lagId",)),
    Listing(
        "interconnects",
        "DescribeInterconnects",
        "describe-interconnects",
        "interconnects",
        ("interconnectId",),
    ),
    Listing(
        "hostedConnections",
        "DescribeHostedConnections",
        "describe-hosted-connections",
        "connections",
        ("connectionId",),
    ),
    Listing(
        "virtualInterfaces",
        "DescribeVirtualInterfaces",
        "describe-virtual-interfaces",
        "virtualInterfaces",
        ("virtualInterfaceId",),
    ),
    Listing(
        "virtualGateways",
        "DescribeVirtualGateways",
        "describe-virtual-gateways",
        "virtualGateways",
        ("virtualGatewayId",),
    ),
    Listing(
        "directConnectGateways",
        "DescribeDirectConnectGateways",
        "describe-direct-connect-gateways",
        "directConnectGateways",
        ("directConnectGatewayId",),
    ),
    Listing(
        "directConnectGatewayAssociations",
        "DescribeDirectConnectGatewayAssociations",
        "describe-direct-connect-gateway-associations",
        "directConnectGatewayAssociations",
        ("associationId",),
    ),
    Listing(
        "directConnectGatewayAttachments",
        "DescribeDirectConnectGatewayAttachments",
        "describe-direct-connect-gateway-attachments",
        "directConnectGatewayAttachments",
        ("directConnectGatewayId", "virtualInterfaceId"),
    ),
    Listing(
        "resiliencyGroups",
        "ListResiliencyGroups",
        "list-resiliency-groups",
        "items",
        ("resiliencyGroupId",),
    ),
    Listing("resourceTags", "DescribeTags", "describe-tags", "resourceTags", ("resourceArn",)),
)

BY_KEY = {listing.key: listing for listing in LISTINGS}
# DescribeRouterConfiguration answers one VIF's customer router configuration: kept in the
# estate (for --save and --diff), not stored, since dxlab renders it from the VIF.
ROUTER_CONFIG = "describe-router-configuration"

# The listings of global resources: read once, not once per region.
GLOBAL = frozenset(
    {
        "directConnectGateways",
        "directConnectGatewayAssociations",
        "directConnectGatewayAttachments",
        "resiliencyGroups",
    }
)


def empty(source: str, regions: list[str]) -> dict[str, Any]:
    """An estate with nothing read yet. `regionOf` says where a resource whose document
    names no region (a VGW) was read; `hostedOn` which interconnect or LAG a hosted
    connection was listed under; `unread` the calls that were refused."""
    estate: dict[str, Any] = {"format": FORMAT, "source": source, "regions": list(regions)}
    for listing in LISTINGS:
        estate[listing.key] = []
    estate.update(regionOf={}, hostedOn={}, unread=[], routerConfigurations=[])
    return estate


def item_id(listing: Listing, item: dict[str, Any]) -> str:
    return "/".join(str(item.get(f, "")) for f in listing.id_fields)


# The timestamp members of what the estate's calls answer (the model): boto3 gives them
# as datetimes, the AWS CLI writes them as ISO 8601 text; the estate keeps epoch seconds,
# as the API's JSON carries them.
TIMESTAMPS = frozenset({"loaIssueTime"})


def _plain(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if key in TIMESTAMPS and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return value


def add(
    estate: dict[str, Any], key: str, items: list[dict[str, Any]], region: str | None = None
) -> None:
    """Add what a call answered; a resource read twice (the same id from two regions'
    endpoints, or from two files) is kept once, first answer first."""
    listing = BY_KEY[key]
    items = _plain(items)
    if key == "virtualInterfaces":
        # Derived from the rest of the document (dxlab renders it again): the largest member
        # of a VIF, left out so that a large estate still fits one import request.
        items = [{k: v for k, v in i.items() if k != "customerRouterConfig"} for i in items]
    seen = {item_id(listing, i) for i in estate[key]}
    for item in items:
        ident = item_id(listing, item)
        if ident in seen:
            continue
        seen.add(ident)
        estate[key].append(item)
        if region and key == "virtualGateways":
            estate["regionOf"][ident] = region


def note_unread(
    estate: dict[str, Any], operation: str, region: str, code: str, message: str
) -> None:
    estate["unread"].append(
        {"operation": operation, "region": region, "code": code, "message": message}
    )


def account_of(estate: dict[str, Any]) -> str | None:
    """The account the estate was read as: the owner of most of what it lists as its own
    (connections, LAGs, interconnects, Direct Connect gateways)."""
    if estate.get("account"):
        return str(estate["account"])
    owners = Counter(
        str(item["ownerAccount"])
        for key in ("connections", "lags", "interconnects", "directConnectGateways")
        for item in estate.get(key, [])
        if item.get("ownerAccount")
    )
    return owners.most_common(1)[0][0] if owners else None


def from_files(folder: Path) -> dict[str, Any]:
    """The estate saved as AWS CLI output: `<command>.json` per kind, or several files
    `<command>.<anything>.json` (one per region, one per gateway...). A missing file is
    nothing of that kind; a file that is not the command's JSON output is an error."""
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    estate = empty(f"files:{folder}", [])
    found = False
    for listing in LISTINGS:
        files = sorted(folder.glob(f"{listing.command}.json")) + sorted(
            folder.glob(f"{listing.command}.*.json")
        )
        for path in files:
            try:
                data = json.loads(path.read_text() or "{}")
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{path.name}: not JSON ({exc.msg} at line {exc.lineno})"
                ) from None
            if not isinstance(data, dict) or not isinstance(data.get(listing.member, []), list):
                raise ValueError(
                    f"{path.name}: not the output of `aws directconnect {listing.command}`"
                    f" (a JSON object with a {listing.member!r} list)"
                )
            found = True
            suffix = path.name[len(listing.command) + 1 : -len(".json")]
            region = suffix if REGION.fullmatch(suffix) else None
            items = data.get(listing.member, [])
            add(estate, listing.key, items, region)
            if listing.key == "hostedConnections" and suffix.startswith(("dxcon-", "dxlag-")):
                estate["hostedOn"].update({str(i.get("connectionId")): suffix for i in items})
            if region and region not in estate["regions"] and listing.key not in GLOBAL:
                estate["regions"].append(region)
    # One DescribeRouterConfiguration answer per file (an object, not a list).
    for path in sorted(folder.glob(f"{ROUTER_CONFIG}*.json")):
        try:
            data = json.loads(path.read_text() or "{}")
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}: not JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(data, dict) or "virtualInterfaceId" not in data:
            raise ValueError(f"{path.name}: not the output of `aws directconnect {ROUTER_CONFIG}`")
        estate["routerConfigurations"].append(data)
        found = True
    if not found:
        commands = ", ".join(f"{x.command}.json" for x in LISTINGS[:3])
        raise ValueError(
            f"{folder} holds none of the AWS CLI outputs dxlab reads ({commands}, ...)"
        )
    regions = {
        str(i["region"])
        for key in ("connections", "lags", "virtualInterfaces")
        for i in estate[key]
        if i.get("region")
    }
    estate["regions"] = sorted(set(estate["regions"]) | regions)
    return estate


def summary(estate: dict[str, Any]) -> dict[str, int]:
    return {listing.key: len(estate.get(listing.key, [])) for listing in LISTINGS}
