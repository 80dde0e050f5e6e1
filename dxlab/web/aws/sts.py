"""STS GetCallerIdentity, the one call of another service that AWS tools make before any
Direct Connect call: the Terraform AWS provider asks it for the account id it puts in
every ARN (DescribeTags, TagResource) and to check its credentials. With
`endpoints { sts = ... }` pointed at dxlab it gets the account the access key selects.

STS speaks the AWS query protocol: a form-encoded POST with `Action` and `Version`, and
XML answers (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
Any other action is refused with STS's `InvalidAction`."""

from __future__ import annotations

from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from dxlab.domain.errors import DxlabError
from dxlab.web.errors import WireError, status_of

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
CONTENT_TYPE = "text/xml"


def is_sts_request(headers: dict[str, str], body: bytes) -> bool:
    """A query-protocol request (form-encoded, with an Action), not an awsJson1.1 one."""
    ctype = headers.get("content-type", "")
    return ctype.startswith("application/x-www-form-urlencoded") and b"Action=" in body


def action_of(body: bytes) -> str:
    params = parse_qs(body.decode("utf-8", "replace"))
    return params.get("Action", [""])[0]


def caller_identity(account: str, request_id: str) -> bytes:
    return (
        f'<GetCallerIdentityResponse xmlns="{NAMESPACE}">'
        "<GetCallerIdentityResult>"
        f"<Arn>arn:aws:iam::{account}:root</Arn>"
        f"<UserId>{account}</UserId>"
        f"<Account>{account}</Account>"
        "</GetCallerIdentityResult>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</GetCallerIdentityResponse>"
    ).encode()


def unsupported(action: str) -> DxlabError:
    return WireError(
        f"dxlab serves only GetCallerIdentity of AWS STS; {action or 'no Action'} is not supported.",
        "InvalidAction",
        400,
    )


def error(err: DxlabError, request_id: str) -> tuple[int, bytes]:
    status = status_of(err)
    kind = "Receiver" if status >= 500 else "Sender"
    body = (
        f'<ErrorResponse xmlns="{NAMESPACE}">'
        f"<Error><Type>{kind}</Type><Code>{escape(err.aws_code)}</Code>"
        f"<Message>{escape(err.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId>"
        "</ErrorResponse>"
    ).encode()
    return status, body
