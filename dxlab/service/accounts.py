"""Accounts and their access keys, for `--auth strict`."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from dxlab.domain.errors import ValidationError
from dxlab.service.context import Context
from dxlab.service.routes import route
from dxlab.store.repository import Record, UnitOfWork


def lookup_key(uow: UnitOfWork, access_key: str) -> tuple[str, str] | None:
    rec = uow.get("access_key", access_key)
    if rec is None:
        return None
    return rec.meta["secret"], rec.account


def add_account(
    uow: UnitOfWork, account: str, access_key: str | None = None, secret: str | None = None
) -> dict[str, str]:
    if not re.fullmatch(r"\d{12}", account):
        raise ValidationError(f"Account id {account!r} must be 12 digits")
    alphabet = string.ascii_uppercase + string.digits
    key = access_key or "AKIA" + "".join(secrets.choice(alphabet) for _ in range(16))
    secret_key = secret or secrets.token_urlsafe(30)[:40]
    uow.put(Record("access_key", key, account, {"accessKeyId": key}, {"secret": secret_key}))
    return {"account": account, "accessKeyId": key, "secretAccessKey": secret_key}


@route("POST", "/accounts", write=True)
def add_account_route(uow: UnitOfWork, ctx: Context, args: dict[str, Any]) -> dict[str, str]:
    return add_account(uow, str(args.get("account", "")), args.get("accessKeyId"), args.get("secretAccessKey"))
