"""MACsec keys on dedicated connections and LAGs (MACsec.md,
direct-connect-mac-sec-getting-started.md, associate-key-connection.md,
associate-key-lag.md, disassociate-key-connection.md, disassociate-key-lag.md)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.ports_support import hex64, interconnect, refused

SECRET_ARN = re.compile(
    r"^arn:aws:secretsmanager:us-east-1:(\d{12}):secret:directconnect!prod!us-east-1!([0-9a-f]{64})-[A-Za-z0-9]{6}$"
)


def macsec_connection(dx: Any, name: str = "m") -> str:
    conn = dx.create_connection(
        location="EqDC2", bandwidth="10Gbps", connectionName=name, requestMACSec=True
    )
    assert conn["macSecCapable"] is True
    return str(conn["connectionId"])


def keys_of(dx: Any, connection_id: str) -> list[dict[str, Any]]:
    return list(dx.describe_connections(connectionId=connection_id)["connections"][0]["macSecKeys"])


def test_associate_a_ckn_cak_pair(dx: Any, account: str) -> None:
    cid = macsec_connection(dx)
    ckn, cak = hex64(), hex64()
    out = dx.associate_mac_sec_key(connectionId=cid, ckn=ckn, cak=cak)
    assert out["connectionId"] == cid
    [key] = out["macSecKeys"]
    assert (key["ckn"], key["state"]) == (ckn, "associated")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", key["startOn"])
    m = SECRET_ARN.match(key["secretARN"])
    assert m and m.group(1) == account and m.group(2) == ckn
    assert "cak" not in key and cak not in str(out)  # the CAK never comes back
    conn = dx.describe_connections(connectionId=cid)["connections"][0]
    assert conn["macSecKeys"] == [key]
    assert conn["portEncryptionStatus"] == "Encryption Up"


def test_associate_an_existing_secret_with_another_connection(dx: Any) -> None:
    first, second = macsec_connection(dx, "a"), macsec_connection(dx, "b")
    arn = dx.associate_mac_sec_key(connectionId=first, ckn=hex64(), cak=hex64())["macSecKeys"][0][
        "secretARN"
    ]
    out = dx.associate_mac_sec_key(connectionId=second, secretARN=arn)
    assert [k["secretARN"] for k in out["macSecKeys"]] == [arn]
    assert keys_of(dx, first)[0]["ckn"] == keys_of(dx, second)[0]["ckn"]


BAD_KEYS = [
    ({"ckn": "ab" * 32}, ["cak"]),
    ({"cak": "ab" * 32}, ["ckn"]),
    ({}, ["secretARN"]),
    ({"ckn": "ab" * 31, "cak": "ab" * 32}, ["ckn", "64 hexadecimal"]),
    ({"ckn": "zz" * 32, "cak": "ab" * 32}, ["ckn", "64 hexadecimal"]),
    ({"ckn": "ab" * 32, "cak": "ab" * 33}, ["cak", "64 hexadecimal"]),
    (
        {"secretARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:nope-abcdef"},
        ["Could not find"],
    ),
    ({"secretARN": "arn:x", "ckn": "ab" * 32, "cak": "ab" * 32}, ["either"]),
]


@pytest.mark.parametrize(("request_", "words"), BAD_KEYS)
def test_bad_key_is_refused_and_nothing_changes(
    dx: Any, request_: dict[str, Any], words: list[str]
) -> None:
    cid = macsec_connection(dx)
    refused(dx.associate_mac_sec_key, *words, connectionId=cid, **request_)
    assert keys_of(dx, cid) == []


def test_keys_only_on_macsec_capable_ports(dx: Any, server: Any, account: str) -> None:
    plain = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="plain")[
        "connectionId"
    ]
    refused(
        dx.associate_mac_sec_key,
        "does not support MACsec",
        connectionId=plain,
        ckn=hex64(),
        cak=hex64(),
    )
    assert keys_of(dx, plain) == []
    # MACsec.md: dedicated connections only; a hosted connection never supports it.
    partner = server.client(str(int(account) + 1))
    hosted = partner.allocate_hosted_connection(
        connectionId=interconnect(partner, requestMACSec=True),
        ownerAccount=account,
        bandwidth="1Gbps",
        connectionName="h",
        vlan=3,
    )
    assert hosted["partnerInterconnectMacSecCapable"] is True
    refused(
        dx.associate_mac_sec_key,
        "does not support MACsec",
        connectionId=hosted["connectionId"],
        ckn=hex64(),
        cak=hex64(),
    )
    refused(
        dx.associate_mac_sec_key,
        "Could not find Connection",
        connectionId="dxcon-zzzzzzzz",
        ckn=hex64(),
        cak=hex64(),
    )


def test_same_key_twice_is_refused(dx: Any) -> None:
    cid = macsec_connection(dx)
    arn = dx.associate_mac_sec_key(connectionId=cid, ckn=hex64(), cak=hex64())["macSecKeys"][0][
        "secretARN"
    ]
    refused(dx.associate_mac_sec_key, "already associated", connectionId=cid, secretARN=arn)
    assert len(keys_of(dx, cid)) == 1


def test_a_ckn_keeps_its_cak(dx: Any) -> None:
    # associate-key-connection.md: a key cannot be modified once associated.
    first, second = macsec_connection(dx, "a"), macsec_connection(dx, "b")
    ckn = hex64()
    dx.associate_mac_sec_key(connectionId=first, ckn=ckn, cak=hex64())
    refused(dx.associate_mac_sec_key, "another CAK", connectionId=second, ckn=ckn, cak=hex64())
    assert keys_of(dx, second) == []


def test_disassociate(dx: Any) -> None:
    cid = macsec_connection(dx)
    arn = dx.associate_mac_sec_key(connectionId=cid, ckn=hex64(), cak=hex64())["macSecKeys"][0][
        "secretARN"
    ]
    dx.update_connection(connectionId=cid, encryptionMode="must_encrypt")
    out = dx.disassociate_mac_sec_key(connectionId=cid, secretARN=arn)
    assert out["connectionId"] == cid
    assert [(k["secretARN"], k["state"]) for k in out["macSecKeys"]] == [(arn, "disassociated")]
    conn = dx.describe_connections(connectionId=cid)["connections"][0]
    assert conn["macSecKeys"] == []
    # mac-sec-key-consideration: with the last CKN gone, must_encrypt becomes should_encrypt.
    assert (conn["encryptionMode"], conn["portEncryptionStatus"]) == (
        "should_encrypt",
        "Encryption Down",
    )
    refused(dx.disassociate_mac_sec_key, "not associated", connectionId=cid, secretARN=arn)
    # The secret remains: it can be associated again.
    assert (
        dx.associate_mac_sec_key(connectionId=cid, secretARN=arn)["macSecKeys"][0]["state"]
        == "associated"
    )


def test_keys_on_a_lag_apply_to_its_connections(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=2,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="sec",
        requestMACSec=True,
    )
    lag_id = lag["lagId"]
    members = [c["connectionId"] for c in lag["connections"]]
    out = dx.associate_mac_sec_key(connectionId=lag_id, ckn=hex64(), cak=hex64())
    assert out["connectionId"] == lag_id
    arn = out["macSecKeys"][0]["secretARN"]
    described = dx.describe_lags(lagId=lag_id)["lags"][0]
    assert [k["secretARN"] for k in described["macSecKeys"]] == [arn]
    assert all([k["secretARN"] for k in c["macSecKeys"]] == [arn] for c in described["connections"])
    # lags.md: a member uses the LAG's keys; its own cannot be managed apart.
    refused(dx.associate_mac_sec_key, lag_id, connectionId=members[0], ckn=hex64(), cak=hex64())
    # A connection that joins the LAG takes the LAG's key; one that leaves drops it.
    dx.disassociate_connection_from_lag(connectionId=members[1], lagId=lag_id)
    assert keys_of(dx, members[1]) == []
    dx.associate_connection_with_lag(connectionId=members[1], lagId=lag_id)
    assert [k["secretARN"] for k in keys_of(dx, members[1])] == [arn]
    dx.disassociate_mac_sec_key(connectionId=lag_id, secretARN=arn)
    described = dx.describe_lags(lagId=lag_id)["lags"][0]
    assert described["macSecKeys"] == [] and all(
        c["macSecKeys"] == [] for c in described["connections"]
    )


def test_a_macsec_lag_takes_only_macsec_connections(dx: Any) -> None:
    lag = dx.create_lag(
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="sec",
        requestMACSec=True,
    )
    plain = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="plain")
    refused(
        dx.associate_connection_with_lag,
        "MACsec",
        connectionId=plain["connectionId"],
        lagId=lag["lagId"],
    )
    refused(
        dx.create_lag,
        "MACsec",
        numberOfConnections=1,
        location="EqDC2",
        connectionsBandwidth="10Gbps",
        lagName="x",
        requestMACSec=True,
        connectionId=plain["connectionId"],
    )
    assert dx.describe_lags(lagId=lag["lagId"])["lags"][0]["numberOfConnections"] == 1


def test_keys_on_a_partners_interconnect(server: Any, account: str) -> None:
    partner = server.client(account)
    ic = interconnect(partner, requestMACSec=True)
    ckn = hex64()
    out = partner.associate_mac_sec_key(connectionId=ic, ckn=ckn, cak=hex64())
    described = partner.describe_interconnects(interconnectId=ic)["interconnects"][0]
    assert (
        [k["ckn"] for k in described["macSecKeys"]]
        == [ckn]
        == [k["ckn"] for k in out["macSecKeys"]]
    )
    assert described["portEncryptionStatus"] == "Encryption Up"
