"""STS GetCallerIdentity on dxlab's port, for the tools that ask it first: the Terraform
AWS provider puts the account it returns into every ARN it tags or reads tags of."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import ServerProcess


def sts(server: ServerProcess, access_key: str, **kwargs: Any) -> Any:
    return boto3.client(
        "sts",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key="dxlab-test-secret",
        **kwargs,
    )


def test_caller_identity_is_the_account_the_key_selects(
    server: ServerProcess, account: str
) -> None:
    me = sts(server, account).get_caller_identity()
    assert (me["Account"], me["UserId"], me["Arn"]) == (
        account,
        account,
        f"arn:aws:iam::{account}:root",
    )
    assert (
        me["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
        == me["ResponseMetadata"]["RequestId"]
    )
    assert sts(server, "AKIAEXAMPLEKEY").get_caller_identity()["Account"] == "123456789012"


def test_the_arn_terraform_builds_from_it_works(server: ServerProcess, account: str) -> None:
    dx = server.client(account)
    cid = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="tf")[
        "connectionId"
    ]
    arn = f"arn:aws:directconnect:us-east-1:{sts(server, account).get_caller_identity()['Account']}:dxcon/{cid}"
    dx.tag_resource(resourceArn=arn, tags=[{"key": "managed-by", "value": "terraform"}])
    assert dx.describe_tags(resourceArns=[arn])["resourceTags"][0]["tags"] == [
        {"key": "managed-by", "value": "terraform"}
    ]


def test_other_sts_actions_are_refused_as_sts_does(server: ServerProcess, account: str) -> None:
    with pytest.raises(ClientError) as info:
        sts(server, account).assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/r", RoleSessionName="s1"
        )
    err = info.value.response
    assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == (
        "InvalidAction",
        400,
    )
    assert "AssumeRole is not supported" in err["Error"]["Message"]


def test_unsigned_caller_identity_is_refused(server: ServerProcess) -> None:
    with pytest.raises(ClientError) as info:
        sts(server, "x", config=Config(signature_version=UNSIGNED)).get_caller_identity()
    err = info.value.response
    assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == (
        "MissingAuthenticationTokenException",
        403,
    )


def test_no_traceback_in_server_log(server: ServerProcess) -> None:
    assert server.server_errors() == ""
