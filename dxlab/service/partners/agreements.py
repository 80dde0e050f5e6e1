"""Customer agreements (ConfirmCustomerAgreement / DescribeCustomerMetadata).

An account must sign the MACsec / NNI agreement before certain orders; dxlab keeps the
signature per account."""

from __future__ import annotations

from typing import Any, cast

from dxlab.domain.errors import ValidationError
from dxlab.domain.shapes import (
    ConfirmCustomerAgreementRequest,
    ConfirmCustomerAgreementResponse,
    CustomerAgreement,
    DescribeCustomerMetadataResponse,
    NniPartnerType,
)
from dxlab.domain.states import AGREEMENT, AgreementStatus, set_state
from dxlab.service.context import Context
from dxlab.service.registry import operation
from dxlab.store.repository import Record, UnitOfWork

AGREEMENTS = ("CTO",)


@operation("ConfirmCustomerAgreement", write=True)
def confirm_customer_agreement(
    uow: UnitOfWork, ctx: Context, req: ConfirmCustomerAgreementRequest
) -> ConfirmCustomerAgreementResponse:
    name = req.get("agreementName") or AGREEMENTS[0]
    if name not in AGREEMENTS:
        raise ValidationError(
            f"Unknown agreement {name!r}; the agreements are: {', '.join(AGREEMENTS)}"
        )
    rec = uow.get("customer", ctx.account) or Record(
        "customer", ctx.account, ctx.account, {"agreements": []}
    )
    agreements = {a["agreementName"]: a for a in rec.doc["agreements"]}
    agreement = {"agreementName": name}
    set_state(agreement, AGREEMENT, AgreementStatus.SIGNED)
    agreements[name] = agreement
    rec.doc["agreements"] = list(agreements.values())
    uow.put(rec)
    return {"status": agreement["status"]}


def _unsigned(name: str) -> CustomerAgreement:
    agreement: dict[str, Any] = {"agreementName": name}
    set_state(agreement, AGREEMENT, AgreementStatus.UNSIGNED)
    return cast(CustomerAgreement, agreement)


@operation("DescribeCustomerMetadata")
def describe_customer_metadata(
    uow: UnitOfWork, ctx: Context, req: dict[str, Any]
) -> DescribeCustomerMetadataResponse:
    rec = uow.get("customer", ctx.account)
    stored: list[CustomerAgreement] = rec.doc["agreements"] if rec else []
    signed = {a["agreementName"]: a for a in stored}
    agreements = [signed.get(n) or _unsigned(n) for n in AGREEMENTS]
    agreements += [a for n, a in signed.items() if n not in AGREEMENTS]
    return {"agreements": agreements, "nniPartnerType": NniPartnerType.NON_PARTNER}
