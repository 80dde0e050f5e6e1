"""The named errors of dxlab. The domain and service layers raise these; `web.errors`
is the one place that turns them into AWS's exception names and status codes."""

from __future__ import annotations


class DxlabError(Exception):
    """Base of every error a client can cause."""

    aws_code = "DirectConnectClientException"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DxlabError):
    """The request breaks a rule of the model or the guide."""


class NotFound(DxlabError):
    """A referenced resource does not exist (AWS answers DirectConnectClientException)."""


class Conflict(DxlabError):
    """The resource is in a state or relation that forbids the operation."""


class LimitExceeded(DxlabError):
    """A quota of limits.md would be exceeded."""


class NotSupported(DxlabError):
    """The operation is in the model but dxlab does not serve it yet."""


class DuplicateTagKeys(DxlabError):
    aws_code = "DuplicateTagKeysException"


class TooManyTags(DxlabError):
    aws_code = "TooManyTagsException"


class ProtocolError(DxlabError):
    """The request could not be read at all (bad JSON/CBOR, unknown operation)."""

    def __init__(self, message: str, aws_code: str = "SerializationException", status: int = 400):
        super().__init__(message)
        self.aws_code = aws_code
        self.status = status


class AuthError(DxlabError):
    """Refused by SigV4 authentication."""

    def __init__(self, message: str, aws_code: str, status: int = 403) -> None:
        super().__init__(message)
        self.aws_code = aws_code
        self.status = status
