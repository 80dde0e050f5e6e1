"""MACsec key rules (MACsec.md, direct-connect-mac-sec-getting-started.md, the model's
AssociateMacSecKey and MacSecKey shapes)."""

from __future__ import annotations

import re
import secrets
import string
import time
from typing import Any

from dxlab.domain.errors import ValidationError
from dxlab.domain.states import MACSEC_KEY, MacSecKeyState, set_state

# create-vif.md (MACsec router settings) and the model: CKN and CAK are 64 hexadecimal
# characters. The guide writes "0-9, A-E", an evident slip for hexadecimal A-F.
_HEX64 = re.compile(r"^[0-9A-Fa-f]{64}$")
_SUFFIX = string.ascii_letters + string.digits


def check_key_request(secret_arn: str | None, ckn: str | None, cak: str | None) -> None:
    """AssociateMacSecKey: either secretARN, or the ckn and cak pair; never both."""
    if secret_arn is not None and (ckn is not None or cak is not None):
        raise ValidationError("Specify either secretARN, or ckn and cak; not both")
    if secret_arn is None and (ckn is None or cak is None):
        missing = (
            "cak" if ckn is not None else "ckn" if cak is not None else "secretARN, or ckn and cak"
        )
        raise ValidationError(f"A MACsec key needs {missing}")
    for name, value in (("ckn", ckn), ("cak", cak)):
        if value is not None and not _HEX64.match(value):
            raise ValidationError(
                f"The {name} must be 64 hexadecimal characters (0-9, A-F); got {len(value)} characters"
            )


def secret_arn(region: str, account: str, ckn: str) -> str:
    """The Secrets Manager secret Direct Connect stores a CKN/CAK pair in
    (mac-sec-key-consideration): named after the CKN, with Secrets Manager's 6-character
    random suffix."""
    suffix = "".join(secrets.choice(_SUFFIX) for _ in range(6))
    return f"arn:aws:secretsmanager:{region}:{account}:secret:directconnect!prod!{region}!{ckn.lower()}-{suffix}"


def is_secret_arn(value: str, region: str, account: str) -> bool:
    return value.startswith(f"arn:aws:secretsmanager:{region}:{account}:secret:")


def start_on(now: float) -> str:
    """MacSecKey.startOn: the date the key takes effect, in UTC."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def key_entry(
    arn: str, ckn: str, now: float, state: MacSecKeyState = MacSecKeyState.ASSOCIATED
) -> dict[str, Any]:
    key: dict[str, Any] = {"secretARN": arn, "ckn": ckn}
    set_state(key, MACSEC_KEY, state)
    key["startOn"] = start_on(now)
    return key


def apply_keys(doc: dict[str, Any], keys: list[dict[str, Any]], *, port: bool = True) -> None:
    """Set a connection's keys and what follows from them: the port reports
    "Encryption Up" while a CKN is active (model: portEncryptionStatus), and losing the
    last CKN turns must_encrypt into should_encrypt to avoid sudden packet loss
    (mac-sec-key-consideration). `port=False` for a LAG, which has no port status."""
    doc["macSecKeys"] = [dict(k) for k in keys]
    if not doc.get("macSecCapable"):
        return
    if port:
        doc["portEncryptionStatus"] = "Encryption Up" if keys else "Encryption Down"
    if not keys and doc.get("encryptionMode") == "must_encrypt":
        doc["encryptionMode"] = "should_encrypt"
