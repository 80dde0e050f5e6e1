"""Accounts and their access keys, for `--auth strict`.

Keys are registered from the machine that owns the store (`dxlab accounts add` writes them
straight into it); there is deliberately no HTTP route for it, since an unauthenticated
route that hands out keys would let anyone in."""

from __future__ import annotations

import re
import secrets
import string

from dxlab.domain.errors import Conflict, ValidationError
from dxlab.store.repository import Record, UnitOfWork

KIND = "access_key"
# IAM's AccessKeyId: 16 to 128 word characters.
ACCESS_KEY = re.compile(r"\w{16,128}")
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def lookup_key(uow: UnitOfWork, access_key: str) -> tuple[str, str] | None:
    """(secret key, account) of a registered access key, or None."""
    rec = uow.get(KIND, access_key)
    if rec is None:
        return None
    return rec.meta["secret"], rec.account


def add_account(
    uow: UnitOfWork, account: str, access_key: str | None = None, secret: str | None = None
) -> dict[str, str]:
    """Register an access key for `account` (one is generated when not given).

    Registering the same key for the same account again replaces its secret (rotation);
    a key already held by another account is refused."""
    if not re.fullmatch(r"\d{12}", account):
        raise ValidationError(f"Account id {account!r} must be 12 digits")
    if access_key is not None and not ACCESS_KEY.fullmatch(access_key):
        raise ValidationError(
            f"Access key id {access_key!r} must be 16 to 128 letters, digits or underscores"
        )
    if secret is not None and (not secret or any(c.isspace() for c in secret)):
        raise ValidationError("Secret access key must be non-empty and contain no whitespace")
    key = access_key or "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    existing = uow.get(KIND, key)
    if existing is not None and existing.account != account:
        raise Conflict(f"Access key id {key} is already registered for account {existing.account}")
    secret_key = secret or "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
    uow.put(Record(KIND, key, account, {"accessKeyId": key}, {"secret": secret_key}))
    return {"account": account, "accessKeyId": key, "secretAccessKey": secret_key}


def list_accounts(uow: UnitOfWork) -> list[dict[str, str]]:
    """Every registered key with its account (secrets are not listed)."""
    keys = [{"account": r.account, "accessKeyId": r.id} for r in uow.list(KIND)]
    return sorted(keys, key=lambda k: (k["account"], k["accessKeyId"]))
