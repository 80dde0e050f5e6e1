"""SigV4 verification for `--auth strict`: the server recomputes the signature the client
made and refuses the request as AWS does.

The checks run in AWS's order: the signed headers a request must carry, the request time
(15 minutes either way), the credential scope (date, region, service), the access key,
and last the signature itself (compared in constant time). The refusals carry AWS's
exception names and wording; every one is HTTP 403.
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

from dxlab.web.aws.signing import Credential, KeyLookup, Regions, SignedRequest
from dxlab.web.errors import AuthError

SERVICE = "directconnect"
ALGORITHM = "AWS4-HMAC-SHA256"
# AWS accepts a request signed up to 15 minutes before or after its own clock.
MAX_SKEW = timedelta(minutes=15)
AMZ_DATE = "%Y%m%dT%H%M%SZ"

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
INVALID_TOKEN = "The security token included in the request is invalid."


def _invalid(message: str) -> AuthError:
    return AuthError(message, "InvalidSignatureException")


def verify(
    request: SignedRequest,
    cred: Credential,
    lookup: KeyLookup,
    now: float,
    region: Regions = None,
    service: str | None = None,
) -> str:
    """The account of a correctly signed request; AuthError otherwise.

    `region` is the Region (or set of Regions) this server serves; None skips the Region
    check (a caller that does not know it)."""
    if cred.presigned:
        return _verify_presigned(request, cred, lookup, now, region, service)
    _require_signed_headers(cred)
    stamp = request.headers.get("x-amz-date", "")
    signed_at = _parse_amz_date(stamp)
    _check_time(signed_at, datetime.fromtimestamp(now, UTC))
    _check_scope(cred, signed_at, region, service or SERVICE)
    found = lookup(cred.access_key)
    if found is None:
        raise AuthError(INVALID_TOKEN, "UnrecognizedClientException")
    secret, account = found
    expected = signature(secret, cred, stamp, canonical_request(request, cred.signed_headers))
    if not hmac.compare_digest(expected, cred.signature):
        raise _invalid(SIGNATURE_MISMATCH)
    return account


def _verify_presigned(
    request: SignedRequest,
    cred: Credential,
    lookup: KeyLookup,
    now: float,
    region: Regions,
    service: str | None,
) -> str:
    """A request signed in its query string: valid from X-Amz-Date (less AWS's 15 minutes
    of clock skew) for X-Amz-Expires seconds; the canonical query leaves X-Amz-Signature
    out, and the payload is its SHA-256 or, as presigned URLs may say, UNSIGNED-PAYLOAD."""
    if "host" not in cred.signed_headers:
        raise _invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    signed_at = _parse_amz_date(cred.stamp)
    moment = datetime.fromtimestamp(now, UTC)
    if moment > signed_at + timedelta(seconds=cred.expires):
        raise AuthError(
            f"Request has expired (signed {_fmt(signed_at)}, valid {cred.expires} s).",
            "AccessDeniedException",
        )
    if signed_at > moment + MAX_SKEW:
        raise _invalid(
            f"Signature not yet current: {_fmt(signed_at)} is still later than {_fmt(moment + MAX_SKEW)}"
        )
    _check_scope(cred, signed_at, region, service or SERVICE)
    found = lookup(cred.access_key)
    if found is None:
        raise AuthError(INVALID_TOKEN, "UnrecognizedClientException")
    secret, account = found
    query = "&".join(p for p in request.query.split("&") if not p.startswith("X-Amz-Signature="))
    unsigned = replace(request, query=query)
    for payload in (None, "UNSIGNED-PAYLOAD"):
        canonical = canonical_request(unsigned, cred.signed_headers, payload)
        if hmac.compare_digest(signature(secret, cred, cred.stamp, canonical), cred.signature):
            return account
    raise _invalid(SIGNATURE_MISMATCH)


def _require_signed_headers(cred: Credential) -> None:
    # Without these two a captured signature could be replayed elsewhere or later.
    if "host" not in cred.signed_headers:
        raise _invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    if "x-amz-date" not in cred.signed_headers:
        raise _invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")


def _parse_amz_date(stamp: str) -> datetime:
    if not stamp:
        raise AuthError(
            "Authorization header requires existence of a 'X-Amz-Date' header.",
            "IncompleteSignatureException",
        )
    try:
        return datetime.strptime(stamp, AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise AuthError(
            f"X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', not {stamp!r}.",
            "IncompleteSignatureException",
        ) from None


def _check_time(signed_at: datetime, now: datetime) -> None:
    earliest, latest = now - MAX_SKEW, now + MAX_SKEW
    minutes = int(MAX_SKEW.total_seconds() // 60)
    if signed_at < earliest:
        raise _invalid(
            f"Signature expired: {_fmt(signed_at)} is now earlier than {_fmt(earliest)}"
            f" ({_fmt(now)} - {minutes} min.)"
        )
    if signed_at > latest:
        raise _invalid(
            f"Signature not yet current: {_fmt(signed_at)} is still later than {_fmt(latest)}"
            f" ({_fmt(now)} + {minutes} min.)"
        )


def _fmt(moment: datetime) -> str:
    return moment.strftime(AMZ_DATE)


def _check_scope(
    cred: Credential, signed_at: datetime, region: Regions, service: str = SERVICE
) -> None:
    """AWS lists every scope mistake in one message, each sentence on its own."""
    problems = []
    served = {region} if isinstance(region, str) else region
    if served is not None and cred.region not in served:
        problems.append(f"Credential should be scoped to a valid region, not '{cred.region}'.")
    if cred.service != service:
        problems.append(f"Credential should be scoped to correct service: '{service}'.")
    day = signed_at.strftime("%Y%m%d")
    if cred.date != day:
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date"
            f" from HTTP: '{cred.date}' != '{day}', from '{_fmt(signed_at)}'."
        )
    if problems:
        raise _invalid(" ".join(problems))


def canonical_request(
    request: SignedRequest, signed_headers: tuple[str, ...], payload: str | None = None
) -> str:
    """Task 1 of SigV4: method, URI, query, the signed headers and the payload hash
    (`payload` in its place when given: UNSIGNED-PAYLOAD)."""
    headers = "".join(
        f"{name}:{' '.join(request.headers.get(name, '').split())}\n" for name in signed_headers
    )
    return "\n".join(
        [
            request.method.upper(),
            _canonical_uri(request.path),
            _canonical_query(request.query),
            headers,
            ";".join(signed_headers),
            payload or hashlib.sha256(request.body).hexdigest(),
        ]
    )


def _canonical_uri(raw_path: str) -> str:
    # Non-S3 services encode the (already encoded) path once more, after removing dot
    # segments, as botocore's signer does.
    path = posixpath.normpath(raw_path or "/")
    if raw_path.endswith("/") and path != "/":
        path += "/"
    path = "/" + path.lstrip("/")
    return quote(path, safe="/~")


def _canonical_query(query: str) -> str:
    pairs = []
    for part in query.split("&") if query else []:
        key, _, value = part.partition("=")
        pairs.append((quote(unquote(key), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def signature(secret: str, cred: Credential, stamp: str, canonical: str) -> str:
    """Tasks 2-4: the string to sign, the derived signing key, the hex signature."""
    scope = f"{cred.date}/{cred.region}/{cred.service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in (cred.date, cred.region, cred.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
