"""EC2 on both stores and with `--auth strict`: the same walk through VPCs, subnets,
rules, an instance's address claim, gateways and tags on SQLite and PostgreSQL, and
SigV4 verified for the `ec2` service as boto3 signs it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.conftest import ServerProcess
from tests.ec2_support import ec2, error_of, vpc_with_subnet
from tests.store_servers import server_per_store
from tests.test_auth import register

store_server = server_per_store()


def test_the_ec2_resources_on_each_store(store_server: ServerProcess, account: str) -> None:
    client = ec2(store_server, account)
    vpc, subnet = vpc_with_subnet(client)
    sg = client.create_security_group(GroupName="ping", Description="d", VpcId=vpc)["GroupId"]
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    first = client.run_instances(ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet, PrivateIpAddress="10.0.1.9")
    assert error_of(client.run_instances, ImageId="ami-1", MinCount=1, MaxCount=1, SubnetId=subnet,
                    PrivateIpAddress="10.0.1.9")[0] == "InvalidIPAddress.InUse"  # claimed in the store  # fmt: skip
    vgw = client.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65010)["VpnGateway"]["VpnGatewayId"]
    client.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    tgw = client.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    client.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])
    client.create_tags(Resources=[vpc, vgw, tgw], Tags=[{"Key": "store", "Value": "x"}])
    assert len(client.describe_tags(Filters=[{"Name": "key", "Values": ["store"]}])["Tags"]) == 3
    iid = first["Instances"][0]["InstanceId"]
    assert client.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"] == "running"
    client.terminate_instances(InstanceIds=[iid])
    assert client.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"] == "terminated"
    assert client.describe_vpn_gateways()["VpnGateways"][0]["VpcAttachments"][0]["VpcId"] == vpc


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    db = f"sqlite:///{tmp_path_factory.mktemp('ec2-strict') / 'dxlab.db'}"
    srv = ServerProcess(db, args=("--auth", "strict")).start()
    yield srv
    srv.stop()
    assert not srv.server_errors(), srv.server_errors()


def _client(server: ServerProcess, key: str, secret: str, region: str = "us-east-1") -> Any:
    return boto3.client("ec2", endpoint_url=server.endpoint, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret)  # fmt: skip


def test_strict_mode_verifies_ec2_signatures(strict: ServerProcess, account: str) -> None:
    keys = register(strict.db, account, "AKIADXLABEC2CLIENT01", "ec2-secret")
    good = _client(strict, keys.access_key, "ec2-secret")
    vpc = good.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == account
    code, status, _ = error_of(_client(strict, keys.access_key, "wrong").create_vpc, CidrBlock="10.1.0.0/16")
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    code, status, _ = error_of(_client(strict, "AKIAUNKNOWNKEY000000", "x").describe_vpcs)
    assert (code, status) == ("AuthFailure", 401)
    # One port serves every Region (the credential scope picks it): eu-west-1 has its own
    # VPCs; a Region AWS does not have is refused.
    assert _client(strict, keys.access_key, "ec2-secret", "eu-west-1").describe_vpcs()["Vpcs"] == []
    code, status, message = error_of(_client(strict, keys.access_key, "ec2-secret", "xx-nowhere-1").describe_vpcs)
    assert (code, status) == ("SignatureDoesNotMatch", 403) and "region" in message
    assert [v["VpcId"] for v in good.describe_vpcs()["Vpcs"]] == [vpc["VpcId"]]
