"""The LOA-CFA download (loa.md, step 2 of maximum_resiliency.md: "Download LOA"): the
PDF DescribeLoa gives, as an attachment. A connection of an order held for AWS's review
has no letter yet: the page says so and offers the review's outcome instead of an error."""

from __future__ import annotations

from html import escape
from typing import Any

from dxlab.domain.errors import Conflict
from dxlab.domain.statuses import OrderStatus
from dxlab.web.console.backend import Backend
from dxlab.web.console.layout import code, page

HTML = "text/html; charset=utf-8"


def held_order(b: Backend, resource_id: str) -> dict[str, Any] | None:
    """The order waiting for review that holds this connection, if one does."""
    for order in b.route("GET", "/orders").get("orders", []):
        if order.get("status") == OrderStatus.PENDING_REVIEW and resource_id in order.get(
            "connections", []
        ):
            return dict(order)
    return None


def held_notice(order: dict[str, Any]) -> str:
    """Why an order waits, and the button that ends the wait (dxlab's stand-in for AWS)."""
    oid = escape(str(order["orderId"]))
    why = escape(
        str(
            order.get("review")
            or f"provider {order.get('provider')!r} is not a partner at the location"
        )
    )
    return (
        f'<div class="notice" role="status"><b>Order <code>{oid}</code> is held for review.</b> {why}: AWS '
        "reviews an order that names another provider before it issues the LOA-CFAs, so there is no letter "
        "to download yet.</div>"
        '<div class="stand-in"><p>dxlab stands in for AWS\'s review: approve the order here (or with '
        f"<code>dxlab orders approve {oid}</code>); provisioning then starts.</p>"
        f'<button type="button" data-approve="{oid}">Approve order {oid}</button></div>'
    )


APPROVE_JS = """
document.querySelectorAll('button[data-approve]').forEach(b => b.addEventListener('click', async () => {
  b.disabled = true;
  try { await dx('orders/' + b.dataset.approve + '/approve', {}); location.reload(); }
  catch (e) { b.insertAdjacentHTML('afterend', `<p class="error" role="alert">${esc(e.message)}</p>`); b.disabled = false; }
}));
"""


def loa_download(
    b: Backend, resource_id: str, account: str, strict: bool
) -> tuple[int, str, bytes, list[tuple[bytes, bytes]]]:
    try:
        letter = b.op("DescribeLoa", {"connectionId": resource_id})
    except Conflict:
        order = held_order(b, resource_id)
        if order is None:
            raise
        body = f"<p>The LOA-CFA of {code(resource_id)}.</p>" + held_notice(order)
        return (
            200,
            HTML,
            page(
                "LOA-CFA not issued yet",
                body,
                account,
                strict,
                "connections",
                APPROVE_JS,
                b.region,
            ).encode(),
            [],
        )
    name = f"{resource_id}-loa-cfa.pdf"
    disposition = (b"content-disposition", f'attachment; filename="{name}"'.encode())
    return 200, str(letter["loaContentType"]), bytes(letter["loaContent"]), [disposition]
