"""SigV4 on the server side.

`permissive` accepts any well-formed `Authorization: AWS4-HMAC-SHA256 ...` header and takes
the account from the access key id (a 12-digit key id is that account, anything else is
123456789012). `strict` verifies the signature against keys registered with
`dxlab accounts add`, as AWS does (see `dxlab.web.aws.sigv4`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dxlab.domain.regions import DIRECT_CONNECT_REGIONS
from dxlab.web.errors import AuthError

# The Region(s) a server accepts in a credential scope: one name, a set, or None (any).
Regions = str | frozenset[str] | None

DEFAULT_ACCOUNT = "123456789012"

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
    r"(?P<service>[^/,\s]+)/aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9;\-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Credential:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str | None) -> Credential:
    if not header:
        raise AuthError("Missing Authentication Token", "MissingAuthenticationTokenException")
    m = _AUTH.match(header.strip())
    if not m:
        raise AuthError(
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders'"
            " parameters in the AWS4-HMAC-SHA256 format.",
            "IncompleteSignatureException",
        )
    return Credential(
        m["key"],
        m["date"],
        m["region"],
        m["service"],
        tuple(m["signed"].split(";")),
        m["signature"],
    )


def account_for_key(access_key: str) -> str:
    return access_key if re.fullmatch(r"\d{12}", access_key) else DEFAULT_ACCOUNT


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes


# Looks up a registered access key: returns (secret key, account) or None.
KeyLookup = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Caller:
    """Who a request acts for and in which Region (its credential scope's)."""

    account: str
    region: str


def identify(
    request: SignedRequest,
    mode: str,
    lookup: KeyLookup,
    now: float,
    region: Regions = DIRECT_CONNECT_REGIONS,
    service: str = "directconnect",
) -> Caller:
    """The account and Region the request acts for, or AuthError as AWS words it.

    `region` is what the server serves (one Region, or a set of them): strict mode refuses
    a credential scoped to any other."""
    cred = parse_authorization(request.headers.get("authorization"))
    if mode != "strict":
        return Caller(account_for_key(cred.access_key), cred.region)
    from dxlab.web.aws.sigv4 import verify

    return Caller(verify(request, cred, lookup, now, region, service), cred.region)


def authenticate(
    request: SignedRequest,
    mode: str,
    lookup: KeyLookup,
    now: float,
    region: Regions = DIRECT_CONNECT_REGIONS,
    service: str = "directconnect",
) -> str:
    """The account id the request acts for (see `identify`)."""
    return identify(request, mode, lookup, now, region, service).account
