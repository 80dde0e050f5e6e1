"""Reads an account's Direct Connect estate with the user's own credentials, through
read-only calls only (DescribeConnections, DescribeLags, ...; never a Create, Update or
Delete), region by region, as a real account needs it read:

- every page of the calls that page (nextToken);
- ThrottlingException and other rate errors retried with exponential backoff, a bounded
  number of times;
- a call refused (AccessDenied, or any other error of that one call) noted in the estate's
  `unread` list, and the import goes on with what it may read.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from dxlab.domain import ids
from dxlab.toolkit import estate as est

# Error codes that mean "slow down" on AWS's APIs (botocore's retry handler knows the same).
THROTTLING = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
        "RequestThrottled",
    }
)
# Errors that mean the credentials are not valid in a region at all (an opt-in region the
# account has not enabled answers them to every call).
REGION_CLOSED = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired"}
)
PAGE_SIZE = 100  # the API's largest maxResults
TAGS_PER_CALL = 20  # DescribeTags: at most 20 resource ARNs per call (the model)

Step = Callable[[str], None]


class Unreachable(Exception):
    """The source endpoint cannot be reached at all: nothing to import."""


class EstateReader:
    def __init__(
        self,
        session: Any,
        regions: list[str],
        endpoint: str | None = None,
        *,
        router_configs: bool = False,
        attempts: int = 6,
        base_delay: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.regions = regions
        self.endpoint = endpoint
        self.router_configs = router_configs
        self.attempts = attempts
        self.base_delay = base_delay
        self.sleep = sleep
        self.calls = 0
        self.retries = 0

    # Steps of one region, for a progress bar that knows its length.
    STEPS = (
        "connections",
        "lags",
        "interconnects",
        "hosted connections",
        "virtual interfaces",
        "virtual gateways",
        "Direct Connect gateways",
        "resiliency groups",
        "tags",
    )

    def read(self, step: Step = lambda _: None) -> dict[str, Any]:
        estate = est.empty(self.endpoint or "aws", self.regions)
        estate["account"] = self.caller_account()
        for n, region in enumerate(self.regions):
            self._read_region(estate, region, first=n == 0, step=step)
        return estate

    def caller_account(self) -> str | None:
        """Who the credentials are (STS GetCallerIdentity, which needs no permission): some
        documents name no owner (an interconnect), and tags are read for the caller's own.
        None when STS cannot answer; the owners the documents name decide then."""
        from botocore.exceptions import BotoCoreError
        from botocore.parsers import ResponseParserError

        # us-east-1 is enabled in every account; an opt-in region may not be.
        region = "us-east-1" if "us-east-1" in self.regions or not self.regions else self.regions[0]
        config = Config(retries={"total_max_attempts": 2}, connect_timeout=5, read_timeout=30)
        try:
            sts = self.session.client(
                "sts", region_name=region, endpoint_url=self.endpoint, config=config
            )
            account: str = sts.get_caller_identity()["Account"]
            return account
        except (ClientError, BotoCoreError, ResponseParserError, KeyError):
            return None

    def client(self, region: str) -> Any:
        # botocore's own retries are off: this reader retries throttling itself, so it can
        # say what it retried and stop at its own bound.
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60)
        return self.session.client(
            "directconnect", region_name=region, endpoint_url=self.endpoint, config=config
        )

    def _read_region(self, estate: dict[str, Any], region: str, *, first: bool, step: Step) -> None:
        dx = self.client(region)

        def listed(key: str, **params: Any) -> list[dict[str, Any]]:
            listing = est.BY_KEY[key]
            items = list(self._pages(dx, estate, region, listing, params))
            est.add(estate, key, items, region)
            return items

        step(f"{region}: connections")
        listed("connections")
        refused = [
            u for u in estate["unread"] if u["region"] == region and u["code"] in REGION_CLOSED
        ]
        if refused:
            # An opt-in region the account has not enabled refuses every call alike: say it once.
            refused[0]["message"] += "; the rest of this region was not read"
            for _ in self.STEPS[1:]:
                step(f"{region}: skipped")
            return
        step(f"{region}: LAGs")
        lags = listed("lags")
        step(f"{region}: interconnects")
        interconnects = listed("interconnects")
        step(f"{region}: hosted connections")
        # A partner's hosted connections hang off its interconnects and interconnect LAGs.
        partner_lags = {str(i["lagId"]) for i in interconnects if i.get("lagId")}
        for parent in [str(i["interconnectId"]) for i in interconnects] + sorted(partner_lags):
            for item in listed("hostedConnections", connectionId=parent):
                estate["hostedOn"].setdefault(str(item["connectionId"]), parent)
        step(f"{region}: virtual interfaces")
        vifs = listed("virtualInterfaces")
        if self.router_configs:  # one call per VIF, so only when asked
            for vif in vifs:
                if vif.get("ownerAccount") == estate.get("account"):
                    answer = self._call(
                        dx.describe_router_configuration,
                        estate,
                        region,
                        "DescribeRouterConfiguration",
                        {"virtualInterfaceId": vif["virtualInterfaceId"]},
                    )
                    if answer is not None:
                        answer.pop("ResponseMetadata", None)
                        estate["routerConfigurations"].append(answer)
        step(f"{region}: virtual gateways")
        listed("virtualGateways")
        step(f"{region}: Direct Connect gateways")
        if first:  # global resources: the same from every region's endpoint
            for gw in listed("directConnectGateways"):
                gid = str(gw["directConnectGatewayId"])
                listed("directConnectGatewayAssociations", directConnectGatewayId=gid)
                listed("directConnectGatewayAttachments", directConnectGatewayId=gid)
        step(f"{region}: resiliency groups")
        if first:
            listed("resiliencyGroups")
        step(f"{region}: tags")
        account = est.account_of(estate)
        arns = [
            ids.arn(region, str(doc.get("ownerAccount")), str(doc[field]))
            for docs, field in (
                (estate["connections"], "connectionId"),
                (lags, "lagId"),
                (interconnects, "interconnectId"),
                (vifs, "virtualInterfaceId"),
            )
            for doc in docs
            if doc.get("region", region) == region and doc.get("ownerAccount") == account
        ]
        if first:
            arns += [
                ids.arn("", str(gw.get("ownerAccount")), str(gw["directConnectGatewayId"]))
                for gw in estate["directConnectGateways"]
                if gw.get("ownerAccount") == account
            ]
        for start in range(0, len(arns), TAGS_PER_CALL):
            listed("resourceTags", resourceArns=arns[start : start + TAGS_PER_CALL])

    def _pages(
        self,
        dx: Any,
        estate: dict[str, Any],
        region: str,
        listing: est.Listing,
        params: dict[str, Any],
    ) -> Iterator[dict[str, Any]]:
        op = dx.meta.service_model.operation_model(listing.operation)
        pages = op.input_shape is not None and "nextToken" in op.input_shape.members
        request = dict(params, maxResults=PAGE_SIZE) if pages else dict(params)
        method = getattr(dx, _snake(listing.operation))
        seen_tokens: set[str] = set()
        while True:
            answer = self._call(method, estate, region, listing.operation, request)
            if answer is None:
                return
            yield from answer.get(listing.member, [])
            token = answer.get("nextToken")
            # A token seen before would loop forever: a misbehaving endpoint, not more pages.
            if not pages or not token or token in seen_tokens:
                return
            seen_tokens.add(token)
            request = dict(request, nextToken=token)

    def _call(
        self,
        method: Any,
        estate: dict[str, Any],
        region: str,
        operation: str,
        request: dict[str, Any],
    ) -> dict[str, Any] | None:
        from botocore.exceptions import EndpointConnectionError
        from botocore.parsers import ResponseParserError

        for attempt in range(self.attempts):
            self.calls += 1
            try:
                answer: dict[str, Any] = method(**request)
                return answer
            except EndpointConnectionError as exc:
                raise Unreachable(str(exc)) from None
            except ResponseParserError as exc:  # not an AWS answer at all (a proxy's error page)
                est.note_unread(
                    estate, operation, region, "ResponseParserError", str(exc).splitlines()[0]
                )
                return None
            except ClientError as exc:
                err = exc.response.get("Error", {})
                code = str(err.get("Code", ""))
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if (code in THROTTLING or status == 429) and attempt + 1 < self.attempts:
                    self.retries += 1
                    # Exponential backoff with full jitter (AWS's advice for throttled APIs).
                    self.sleep(random.uniform(0, self.base_delay * 2**attempt))  # noqa: S311
                    continue
                what = (
                    f" (after {attempt + 1} attempts)"
                    if code in THROTTLING or status == 429
                    else ""
                )
                est.note_unread(
                    estate,
                    operation,
                    region,
                    code or str(status),
                    str(err.get("Message", "")) + what,
                )
                return None
        return None


def _snake(operation: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_")


def steps_for(regions: list[str]) -> int:
    return len(regions) * len(EstateReader.STEPS)
