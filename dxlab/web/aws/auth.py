"""SigV4 on the server side.

`permissive` accepts any well-formed `Authorization: AWS4-HMAC-SHA256 ...` header and takes
the account from the access key id (a 12-digit key id is that account, anything else is
123456789012). `strict` verifies the signature against keys registered with
`dxlab accounts add`, as AWS does (see `dxlab.web.aws.sigv4`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from dxlab.domain.regions import DIRECT_CONNECT_REGIONS
from dxlab.web.aws.signing import Credential, KeyLookup, Regions, SignedRequest
from dxlab.web.aws.sigv4 import verify
from dxlab.web.errors import AuthError

DEFAULT_ACCOUNT = "123456789012"

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
    r"(?P<service>[^/,\s]+)/aws4_request,\s*SignedHeaders=(?P<signed>[a-z0-9;\-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


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


_SCOPE = re.compile(
    r"^(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request$"
)


def parse_presigned(query: str) -> Credential | None:
    """The credential of a request signed in its query string (X-Amz-Algorithm,
    X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature), as
    botocore's SigV4QueryAuth makes them; None when the query carries no signature."""
    if not query:
        return None
    params = dict(parse_qsl(query, keep_blank_values=True))
    if "X-Amz-Algorithm" not in params and "X-Amz-Signature" not in params:
        return None
    scope = _SCOPE.match(params.get("X-Amz-Credential", ""))
    signature = params.get("X-Amz-Signature", "")
    expires = params.get("X-Amz-Expires", "")
    if (
        params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256"
        or scope is None
        or not re.fullmatch(r"[0-9a-f]{64}", signature)
        or not re.fullmatch(r"[a-z0-9;\-]+", params.get("X-Amz-SignedHeaders", ""))
        or not expires.isdigit()
        or not 1 <= int(expires) <= 604800  # SigV4: at most seven days
    ):
        raise AuthError(
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential',"
            " 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders' and 'X-Amz-Expires'"
            " (X-Amz-Expires between 1 and 604800 seconds).",
            "IncompleteSignatureException",
        )
    return Credential(
        scope["key"],
        scope["date"],
        scope["region"],
        scope["service"],
        tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature,
        presigned=True,
        stamp=params.get("X-Amz-Date", ""),
        expires=int(expires),
    )


def credential_of(request: SignedRequest) -> Credential:
    """The request's SigV4 credential: its Authorization header, or its query string
    (a presigned request). A request that carries more than one is refused."""
    presigned = parse_presigned(request.query)
    header = request.headers.get("authorization")
    if presigned is not None and header:
        raise AuthError(
            "Only one authentication method is allowed: an Authorization header or query-string"
            " signature parameters, not both.",
            "InvalidSignatureException",
        )
    return presigned if presigned is not None else parse_authorization(header)


def check_single_authorization(raw_headers: list[tuple[bytes, bytes]]) -> None:
    """Refuses a request with two Authorization headers: judging it by either one would
    let a proxy or a client bug decide who it acts for."""
    if sum(1 for name, _ in raw_headers if name.lower() == b"authorization") > 1:
        raise AuthError(
            "The request carries more than one Authorization header; send exactly one.",
            "IncompleteSignatureException",
        )


_ACCOUNT_ID = re.compile(r"\d{12}")


def account_for_key(access_key: str) -> str:
    return access_key if _ACCOUNT_ID.fullmatch(access_key) else DEFAULT_ACCOUNT


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
    cred = credential_of(request)
    if mode != "strict":
        return Caller(account_for_key(cred.access_key), cred.region)

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
