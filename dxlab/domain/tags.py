"""Tag rules (the model's Tag shapes and using-tags.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dxlab.domain import quotas
from dxlab.domain.errors import DuplicateTagKeys, TooManyTags, ValidationError


def check_tags(tags: Sequence[Mapping[str, Any]]) -> None:
    keys = [t["key"] for t in tags]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise DuplicateTagKeys(f"Duplicate tag key {dup!r} in the request")
    for key in keys:
        if key.lower().startswith("aws:"):
            raise ValidationError(f"Tag key {key!r} uses the reserved prefix aws:")
    if len(tags) > quotas.TAGS_PER_RESOURCE:
        raise TooManyTags(f"A resource can have at most {quotas.TAGS_PER_RESOURCE} tags")


def merge(existing: list[dict[str, str]], new: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Tags after TagResource: new values overwrite same keys; at most 50 in all."""
    check_tags(new)
    merged = {t["key"]: t.get("value", "") for t in existing}
    for t in new:
        merged[t["key"]] = t.get("value", "")
    if len(merged) > quotas.TAGS_PER_RESOURCE:
        raise TooManyTags(
            f"Resource would have {len(merged)} tags; at most {quotas.TAGS_PER_RESOURCE} are allowed"
        )
    return [{"key": k, "value": v} for k, v in merged.items()]


def remove(existing: list[dict[str, str]], keys: list[str]) -> list[dict[str, str]]:
    drop = set(keys)
    return [t for t in existing if t["key"] not in drop]
