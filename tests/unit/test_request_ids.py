"""Request ids and resource ids, written by hand for speed (domain/ids.request_id
and _suffix), are what the slower standard ways wrote: an RFC 4122 version 4 UUID,
and n characters of [a-z0-9] that each take every value."""

from __future__ import annotations

import re
import uuid

from dxlab.domain import ids


def test_request_ids_are_version_4_uuids_written_as_uuid_writes_them() -> None:
    drawn = [ids.request_id() for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    for text in drawn:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122), text
        assert str(parsed) == text
    # The variant's two free bits take each of their four values (8, 9, a, b).
    assert {text[19] for text in drawn} == set("89ab")


def test_resource_id_suffixes_use_every_character_in_every_place() -> None:
    drawn = [ids.connection_id() for _ in range(3000)]
    assert all(re.fullmatch(r"dxcon-[a-z0-9]{8}", d) for d in drawn), drawn[:3]
    for place in range(6, 14):
        assert {d[place] for d in drawn} == set("abcdefghijklmnopqrstuvwxyz0123456789"), place
