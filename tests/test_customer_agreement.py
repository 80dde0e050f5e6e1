"""ConfirmCustomerAgreement / DescribeCustomerMetadata."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_sign_the_agreement(dx: Any) -> None:
    before = dx.describe_customer_metadata()
    assert before["agreements"] == [{"agreementName": "CTO", "status": "unsigned"}]
    assert before["nniPartnerType"] == "nonPartner"
    assert dx.confirm_customer_agreement(agreementName="CTO")["status"] == "signed"
    assert dx.describe_customer_metadata()["agreements"] == [
        {"agreementName": "CTO", "status": "signed"}
    ]


def test_an_unknown_agreement_is_refused_and_nothing_changes(dx: Any) -> None:
    with pytest.raises(ClientError) as info:
        dx.confirm_customer_agreement(agreementName="nope")
    err = info.value.response
    assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == (
        "DirectConnectClientException",
        400,
    )
    assert "nope" in err["Error"]["Message"]
    assert dx.describe_customer_metadata()["agreements"] == [
        {"agreementName": "CTO", "status": "unsigned"}
    ]
