"""Who the console acts for. Permissive mode (like the API's): the account comes from
`?account=`, then a cookie, else 123456789012; a SigV4 header selects its account too.
Strict mode shows nothing without proof: a SigV4-signed request, or a session cookie
obtained by signing in with a registered access key (`dxlab accounts add`)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from http.cookies import SimpleCookie
from typing import Any

from dxlab.domain import catalog
from dxlab.domain.regions import is_region
from dxlab.web.aws.auth import DEFAULT_ACCOUNT, authenticate
from dxlab.web.aws.signing import SignedRequest
from dxlab.web.errors import AuthError
from dxlab.web.host import WebHost

ACCOUNT_COOKIE = "dxlab_account"
SESSION_COOKIE = "dxlab_session"
REGION_COOKIE = "dxlab_region"
SESSION_SECONDS = 12 * 3600
# Signs session cookies; per server process, so a restart signs everyone out.
_SECRET = secrets.token_bytes(32)
_ACCOUNT = re.compile(r"^\d{12}$")


class Refused(Exception):
    """The request may not see the console (403), or asked for a malformed account (400)."""

    def __init__(self, message: str, status: int = 403, signed_out: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.signed_out = signed_out  # nothing wrong was sent: the visitor has not signed in yet


def cookies(headers: dict[str, str]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
        return {}
    return {k: m.value for k, m in jar.items()}


def _sign(account: str, expires: int) -> str:
    return hmac.new(_SECRET, f"{account}|{expires}".encode(), hashlib.sha256).hexdigest()


def session_token(account: str, now: float | None = None) -> str:
    expires = int((now or time.time()) + SESSION_SECONDS)
    return f"{account}.{expires}.{_sign(account, expires)}"


def _session_account(token: str, now: float) -> str | None:
    account, _, rest = token.partition(".")
    expires, _, mac = rest.partition(".")
    if not _ACCOUNT.match(account) or not expires.isdigit() or int(expires) < now:
        return None
    return account if hmac.compare_digest(mac, _sign(account, int(expires))) else None


def account_for(
    app: WebHost, scope: dict[str, Any], headers: dict[str, str], body: bytes, query: dict[str, str]
) -> tuple[str, list[tuple[bytes, bytes]]]:
    """The account the request acts for, and the cookies to set; Refused otherwise."""
    mode = app.settings.auth
    if "authorization" in headers:
        request = SignedRequest(
            scope["method"],
            scope.get("raw_path", b"/").decode("latin-1").split("?", 1)[0],
            scope.get("query_string", b"").decode("latin-1"),
            headers,
            body,
        )
        try:
            return authenticate(request, mode, app.key_lookup(), time.time()), []
        except AuthError as exc:
            raise Refused(str(exc)) from None
    jar = cookies(headers)
    if mode == "strict":
        account = _session_account(jar.get(SESSION_COOKIE, ""), time.time())
        if account is None:
            raise Refused("Sign in to see this account's resources.", signed_out=True)
        return account, []
    wanted = query.get("account")
    if wanted is not None:
        if not _ACCOUNT.match(wanted):
            raise Refused(f"account must be 12 digits, not {wanted!r}", 400)
        return wanted, [set_cookie(ACCOUNT_COOKIE, wanted)]
    held = jar.get(ACCOUNT_COOKIE, "")
    return (held if _ACCOUNT.match(held) else DEFAULT_ACCOUNT), []


def region_for(
    app: WebHost, headers: dict[str, str], query: dict[str, str]
) -> tuple[str, list[tuple[bytes, bytes]]]:
    """The Region the console shows, as the AWS console's Region selector keeps it:
    `?region=` (kept in a cookie for the pages that follow), else the cookie, else the
    server's `--region`. A Region that is not one of Direct Connect's is refused (400)."""
    wanted = query.get("region")
    if wanted is not None:
        if not is_region(wanted):
            raise Refused(
                f"{wanted!r} is not an AWS Region with Direct Connect; choose one of "
                + ", ".join(catalog.regions()),
                400,
            )
        return wanted, [set_cookie(REGION_COOKIE, wanted)]
    held = cookies(headers).get(REGION_COOKIE, "")
    return (held if is_region(held) else app.settings.region), []


def sign_in(app: WebHost, access_key: str, secret_key: str) -> str | None:
    """The account of a registered access key whose secret matches, else None."""
    found = app.key_lookup()(access_key)
    if found is None:
        return None
    secret, account = found
    return account if hmac.compare_digest(secret.encode(), secret_key.encode()) else None


def set_cookie(name: str, value: str, max_age: int = SESSION_SECONDS) -> tuple[bytes, bytes]:
    return (
        b"set-cookie",
        f"{name}={value}; Path=/console; Max-Age={max_age}; HttpOnly; SameSite=Strict".encode(),
    )
