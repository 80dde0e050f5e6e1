"""EC2's named errors. EC2 answers a client error with a code that says what is wrong
(`InvalidVpcID.NotFound`, `DependencyViolation`, ...); the code is the error's name, so
one class carries it (API Reference, "Error codes for the Amazon EC2 API"). The HTTP
status of each is the wire's fact (web/aws/ec2_xml.py)."""

from __future__ import annotations

from dxlab.domain.errors import DxlabError


class Ec2Error(DxlabError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.aws_code = code


def not_found(code: str, what: str, resource_id: str) -> Ec2Error:
    """EC2's wording: "The vpc ID 'vpc-1' does not exist"."""
    return Ec2Error(code, f"The {what} ID '{resource_id}' does not exist")


def invalid(message: str) -> Ec2Error:
    return Ec2Error("InvalidParameterValue", message)
