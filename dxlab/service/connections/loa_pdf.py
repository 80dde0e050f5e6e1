"""Renders an LOA-CFA as the PDF a colocation provider is handed (fpdf2, in memory).

The same letter renders to the same bytes (the PDF's dates are the issue date), so a
client that downloads it twice gets one document."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from dxlab.domain.loa import VALID_DAYS, LoaCfa, noun

# The longest name the letter prints whole. The model sets no maximum on a connection's,
# LAG's or interconnect's name, but a table cell must fit on a page: a longer name is
# printed cut, with its length, so the letter renders whatever name the API took.
NAME_SHOWN = 200


def _latin1(text: str) -> str:
    # The PDF core fonts cover Latin-1; names are user input and may hold anything.
    return text.encode("latin-1", "replace").decode("latin-1")


def _shown(name: str) -> str:
    if len(name) <= NAME_SHOWN:
        return name
    return f"{name[:NAME_SHOWN]}... ({len(name)} characters)"


def _date(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d")


def _facts(loa: LoaCfa) -> list[tuple[str, str]]:
    loc = loa.location
    facts = [
        (f"{loa.kind} ID", loa.resource_id),
        (f"{loa.kind} name", _shown(loa.resource_name)),
        ("Requester", loa.requester),
        ("Location code", loc.code),
        ("Location", loc.name),
        ("Region", loc.region),
        ("Bandwidth", loa.bandwidth),
    ]
    if loa.optics:
        facts.append(("Optics", f"{loa.optics}, single-mode fiber, LC connector"))
    if len(loa.ports) == 1:  # a LAG's ports are only in the assignment table below
        port = loa.ports[0]
        facts += [("AWS device", f"{port.aws_device} ({port.aws_device_v2})")]
        if port.port is not None:
            facts.append(("Port", str(port.port)))
        if port.sub_location is not None:
            sub = port.sub_location
            facts += [
                ("Sub-location", sub.name),
                ("Floor", sub.floor),
                ("Meet-me room", sub.meet_me_room),
            ]
    facts += [("Date of issue", _date(loa.issued)), ("Valid until", _date(loa.expires))]
    return facts


class _Letter(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "I", 8)
        self.cell(
            0,
            10,
            "Issued by dxlab, a Direct Connect lab: not an authorization at a real facility.",
            align="C",
        )


def render(loa: LoaCfa) -> bytes:
    pdf = _Letter(format="A4")
    issued = dt.datetime.fromtimestamp(loa.issued, dt.UTC)
    pdf.set_creation_date(issued)
    pdf.set_title(_latin1(f"LOA-CFA {loa.resource_id}"))
    pdf.set_author("Amazon Web Services (dxlab)")
    pdf.set_subject("Letter of Authorization and Connecting Facility Assignment")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(
        0,
        8,
        "Letter of Authorization and Connecting Facility Assignment (LOA-CFA)",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, "Amazon Web Services - AWS Direct Connect", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    loc = loa.location
    pdf.multi_cell(
        0,
        5,
        _latin1(
            f"To the colocation provider at {loc.name} ({loc.code}): Amazon Web Services"
            f" authorizes {loa.requester} to order a cross connect to the AWS Direct Connect"
            f" port(s) assigned below for {noun(loa.kind)} {loa.resource_id}. Connect the"
            " requester's equipment to the AWS panel positions listed in the Connecting"
            " Facility Assignment."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    with pdf.table(col_widths=(45, 135), first_row_as_headings=False, text_align="LEFT") as table:
        for label, value in _facts(loa):
            row = table.row()
            row.cell(label)
            row.cell(_latin1(value))
    pdf.ln(5)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Connecting Facility Assignment", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    with pdf.table(col_widths=(30, 38, 38, 12, 28, 34), text_align="LEFT") as table:
        table.row(
            ["Connection", "AWS device", "Sub-location", "Port", "Meet-me room", "Panel positions"]
        )
        for p in loa.ports:
            sub = p.sub_location
            where = sub.name if sub else "-"
            table.row(
                [
                    p.connection_id,
                    p.aws_device,
                    _latin1(where),
                    "-" if p.port is None else str(p.port),
                    sub.meet_me_room if sub else "-",
                    p.panel_positions,
                ]
            )
    pdf.ln(5)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        5,
        f"This LOA-CFA is valid for {VALID_DAYS} days from the date of issue. If the cross"
        f" connect is not completed within {VALID_DAYS} days, the authority granted by this"
        " LOA-CFA expires; download it again from AWS Direct Connect to renew it.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
