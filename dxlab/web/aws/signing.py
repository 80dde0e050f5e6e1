"""The signed request as SigV4 reads it: what auth.py takes from the wire and sigv4.py
verifies (kept apart so neither imports the other)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Credential:
    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    # A presigned request (SigV4 in the query string) carries its time and lifetime there.
    presigned: bool = False
    stamp: str = ""
    expires: int = 0


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes


# Looks up a registered access key: returns (secret key, account) or None.
KeyLookup = Callable[[str], "tuple[str, str] | None"]

# The Region(s) a server accepts in a credential scope: one name, a set, or None (any).
Regions = str | frozenset[str] | None
