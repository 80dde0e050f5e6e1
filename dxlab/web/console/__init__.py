"""The web console on the API's port: steps 2-5 of maximum_resiliency.md as the guide
words them (the connection wizard, Create virtual interface, Bring down BGP and its
reports, Verify), each connection's, LAG's, interconnect's and VIF's page, gateways,
resiliency groups, the topology and the analyzer's verdict, per account. Pages and their
scripts reach the data only through the API operations (the dispatcher, as boto3) and
the /_dxlab routes (as the CLI). In `--auth strict` mode nothing is shown without proof
of an account (a SigV4 signature or a session from signing in with a registered key)."""

from __future__ import annotations

import logging
import re
from html import escape
from typing import Any
from urllib.parse import parse_qsl

import orjson

from dxlab.domain.errors import DxlabError, NotFound
from dxlab.web import errors
from dxlab.web.console import session
from dxlab.web.console.backend import Backend
from dxlab.web.console.details import DETAILS
from dxlab.web.console.failover import failover, failure_report, test_report
from dxlab.web.console.gateways import gateways
from dxlab.web.console.layout import login_page, page
from dxlab.web.console.loa import loa_download
from dxlab.web.console.pages import PAGES
from dxlab.web.console.verify import verify
from dxlab.web.console.vif_form import create_vif
from dxlab.web.console.wizard import wizard
from dxlab.web.host import WebHost
from dxlab.web.responses import Request, Send, respond

log = logging.getLogger("dxlab.web.console")

HTML = "text/html; charset=utf-8"
Response = tuple[int, str, bytes, list[tuple[bytes, bytes]]]
ALL_PAGES = {
    **PAGES,
    "wizard": wizard,
    "failover": failover,
    "gateways": gateways,
    "verify": verify,
    "vifs/create": create_vif,
}
# Pages of one resource: /console/<kind>/<id>, the id handed to the page as q["id"].
RESOURCE_PAGES = {**DETAILS, "failover/tests": test_report, "failover/failures": failure_report}
# The /_dxlab routes the console's scripts call, by method and path under /console/api.
# Any API operation may be called (POST /console/api/op/NAME): the dispatcher validates it
# exactly as for boto3, in the account the console acts for.
API = [
    (m, re.compile(p))
    for m, p in (
        ("POST", r"wizard/(plan|order)"),
        ("POST", r"check/\w+"),
        ("POST", r"orders/[\w-]+/approve"),
        ("GET", r"orders"),
        ("GET", r"diagram\.svg"),
        ("GET", r"analyze"),
        ("GET", r"verify"),
        ("GET", r"topology"),
        ("PUT", r"topology"),
        ("POST", r"(virtual|transit)-gateways"),
        ("POST", r"virtual-interfaces/[\w-]+/(approve|reject)-prefixes"),
        ("POST", r"failures"),
        ("DELETE", r"failures/[\w-]+"),
        ("GET", r"(failover-tests|failures)/[\w-]+/report"),
    )
]


def _allowed(method: str, path: str) -> bool:
    if path.startswith("op/"):
        return method == "POST"
    return any(m == method and p.fullmatch(path) for m, p in API)


def _resolve(rest: str, query: dict[str, str]) -> tuple[Any, dict[str, str]] | None:
    if rest in ALL_PAGES:
        return ALL_PAGES[rest], query
    kind, _, rid = rest.rpartition("/")
    if kind in RESOURCE_PAGES and re.fullmatch(r"[\w.-]+", rid):
        return RESOURCE_PAGES[kind], {**query, "id": rid}
    return None


def _redirect(to: str, extra: list[tuple[bytes, bytes]] | None = None) -> Response:
    return 303, "text/plain", b"", [(b"location", to.encode()), *(extra or [])]


def _sign_in(app: WebHost, body: bytes) -> Response:
    form = dict(parse_qsl(body.decode(errors="replace")))
    account = session.sign_in(app, form.get("access_key", ""), form.get("secret_key", ""))
    if account is None:
        return 403, HTML, login_page("Unknown access key or wrong secret").encode(), []
    return _redirect(
        "/console/", [session.set_cookie(session.SESSION_COOKIE, session.session_token(account))]
    )


def _api(
    b: Backend, method: str, path: str, headers: dict[str, str], body: bytes, query: dict[str, str]
) -> Response:
    if method != "GET" and headers.get("x-dxlab-console") != "1":
        # Browsers send a custom header only from our own pages (no CORS): no cross-site orders.
        return 403, "application/json", b'{"message":"missing x-dxlab-console header"}', []
    try:
        args = orjson.loads(body) if body.strip() else {}
    except orjson.JSONDecodeError:
        args = None
    if not isinstance(args, dict):
        return 400, "application/json", b'{"message":"send a JSON object"}', []
    if method == "GET":
        args = {**query, **args}
    if path.startswith("op/"):
        result = b.op(path[3:], args)
    elif path.startswith("check/"):
        result = b.check(path[6:], args)
    else:
        result = b.route(method, "/" + path, args)
    if isinstance(result, bytes):
        return 200, "image/svg+xml", result, []
    return 200, "application/json", orjson.dumps(result), []


def handle(
    app: WebHost, scope: dict[str, Any], headers: dict[str, str], body: bytes, request_id: str
) -> Response:
    method, path = scope["method"], scope.get("path", "/console")
    rest = path.removeprefix("/console").strip("/")
    strict = app.settings.auth == "strict"
    if rest == "login" and method == "POST":
        return _sign_in(app, body)
    if rest in ("login", "logout"):
        if not strict:
            return _redirect("/console/")  # permissive: nobody signs in
        clear = [session.set_cookie(session.SESSION_COOKIE, "", 0)] if rest == "logout" else []
        return (
            200,
            HTML,
            login_page("Signed out." if rest == "logout" else "", error=False).encode(),
            clear,
        )
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    try:
        account, cookies = session.account_for(app, scope, headers, body, query)
    except session.Refused as exc:
        if rest.startswith("api/"):
            return exc.status, "application/json", orjson.dumps({"message": exc.message}), []
        return exc.status, HTML, login_page(exc.message, error=not exc.signed_out).encode(), []
    try:
        region, region_cookies = session.region_for(app, headers, query)
    except session.Refused as exc:  # an unknown Region in the URL: say so, change nothing
        if rest.startswith("api/"):
            return exc.status, "application/json", orjson.dumps({"message": exc.message}), cookies
        note = f'<p class="error" role="alert">{escape(exc.message)}</p>'
        text = page("Unknown Region", note, account, strict, rest, region=app.settings.region)
        return exc.status, HTML, text.encode(), cookies
    cookies = cookies + region_cookies
    backend = Backend(app, account, request_id, region)
    try:
        if rest.startswith("api/"):
            if not _allowed(method, rest[4:]):
                return 404, "application/json", b'{"message":"no such console call"}', []
            status, ctype, payload, extra = _api(backend, method, rest[4:], headers, body, query)
            return status, ctype, payload, extra + cookies
        if rest == "diagram.svg":
            return 200, "image/svg+xml", backend.route("GET", "/diagram.svg"), cookies
        if rest.startswith("loa/") and rest.endswith(".pdf"):
            status, ctype, payload, extra = loa_download(backend, rest[4:-4], account, strict)
            return status, ctype, payload, extra + cookies
        found = _resolve(rest, query) if method in ("GET", "HEAD") else None
        if found is None:
            text = page(
                "Not found",
                f"<p>No console page {escape(repr(rest))}.</p>",
                account,
                strict,
                region=region,
            )
            return 404, HTML, text.encode(), cookies
        render, query = found
        title, content, script = render(backend, query)
        text = page(title, content, account, strict, rest, script, region)
        return 200, HTML, text.encode(), cookies
    except DxlabError as err:
        if rest.startswith("api/"):
            status, payload = errors.json_error(err)
            return status, "application/json", payload, cookies
        # A page of a resource that is not there (or not this account's) is a 404 page.
        missing = isinstance(err, NotFound) and not rest.startswith("loa/")
        text = page(
            "Not found" if missing else "Error",
            f'<p class="error">{escape(str(err))}</p>',
            account,
            strict,
            rest,
            region=region,
        )
        return 404 if missing else 400, HTML, text.encode(), cookies


class ConsoleApp:
    """The console, mounted at /console beside the API."""

    def __init__(self, host: WebHost) -> None:
        self.host = host

    async def __call__(self, request: Request, send: Send) -> None:
        try:
            status, ctype, payload, extra = handle(
                self.host, request.scope, request.headers, request.body, request.request_id
            )
        except Exception:  # noqa: BLE001 - never a traceback to the browser
            log.exception("console error in %s", request.request_id)
            status, ctype, payload, extra = (
                500,
                "text/plain",
                b"internal error; see the server log",
                [],
            )
        if request.method == "HEAD":
            payload = b""
        await respond(send, status, payload, ctype, request.request_id, extra)
