"""Read models for the console."""

from __future__ import annotations

from dxlab.store.repository import UnitOfWork


def inventory(uow: UnitOfWork) -> list[tuple[str, ...]]:
    return [
        (
            d["connectionId"],
            d.get("connectionName", ""),
            d.get("location", ""),
            d.get("awsDeviceV2", ""),
            d.get("bandwidth", ""),
            d.get("connectionState", ""),
            d.get("ownerAccount", ""),
        )
        for d in (r.doc for r in uow.list("connection"))
    ]
