"""The named errors of dxlab. The domain and service layers raise these; each names the
AWS exception a client sees (a fact of the service model, as botocore's exceptions name
them). HTTP facts (status codes) are not here: `web.errors` is the one table for them."""

from __future__ import annotations


class DxlabError(Exception):
    """Base of every error a client can cause."""

    aws_code = "DirectConnectClientException"

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


class AccessDenied(DxlabError):
    """The caller's account may not do this (AccessDeniedException)."""

    aws_code = "AccessDeniedException"
