"""The AWS CLI's own Direct Connect examples (awscli ships them with output captured from
the real service): parsed into (command, captured output) pairs, and the comparison of an
answer with a capture by keys and value forms (ids, enums, numbers vs strings)."""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import awscli

EXAMPLES = Path(awscli.__file__).parent / "examples" / "directconnect"


@dataclass(frozen=True)
class Example:
    name: str  # file stem, with -2, -3... for a file's later examples
    argv: tuple[str, ...]  # after `aws directconnect`
    output: Any  # the captured JSON, or None when the example shows none

    @property
    def operation(self) -> str:
        return self.argv[0]


_COMMAND = re.compile(r"^[ \t]*aws directconnect ((?:[^\n]*\\\n)*[^\n]*)", re.M)


def _output_after(text: str, start: int) -> Any:
    """The JSON block of the first `Output::` after `start` (and before the next command)."""
    nxt = _COMMAND.search(text, start)
    end = nxt.start() if nxt else len(text)
    at = text.find("Output::", start, end)
    if at >= 0:
        at += len("Output::")
    else:  # some examples show the JSON right after the command, without `Output::`
        brace = re.compile(r"^[ \t]+[{\[]", re.M).search(text, start, end)
        if brace is None:
            return None
        at = brace.start()
    lines, began = [], False
    for line in text[at:end].splitlines():
        if not line.strip():
            if began:
                lines.append("")
            continue
        if not line[0].isspace():
            break
        began = True
        lines.append(line)
    body = "\n".join(lines).strip()
    return json.loads(body) if body.startswith(("{", "[")) else None


def examples() -> list[Example]:
    out: list[Example] = []
    for path in sorted(EXAMPLES.glob("*.rst")):
        text = path.read_text()
        for n, m in enumerate(_COMMAND.finditer(text), start=1):
            command = m.group(1).replace("\\\n", " ")
            command = command.split("|")[0].split(">")[0]  # `... | base64 --decode > f.pdf`
            argv = tuple(shlex.split(command))
            name = path.stem if n == 1 else f"{path.stem}-{n}"
            out.append(Example(name, argv, _output_after(text, m.end())))
    return out


# -- value forms ----------------------------------------------------------------------

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("dx-id", r"^(dxcon|dxlag|dxvif|dxpeer|dxrg)-[0-9a-zA-Z]+$"),
        ("ec2-id", r"^(vgw|tgw|vpc)-[0-9a-zA-Z]+$"),
        ("uuid", r"^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$"),
        ("arn", r"^arn:aws:"),
        ("account", r"^\d{12}$"),
        ("xml", r"^<\?xml"),
        ("auth-key", r"^0x[A-Za-z0-9._]+$"),
    )
)


def form(value: Any) -> str:
    """The kind of a value, as far as a client could tell: type, and for strings the id or
    address shape they have."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    if value is None:
        return "null"
    text = str(value)
    for name, pattern in _FORMS:
        if pattern.match(text):
            return name
    try:
        ipaddress.ip_interface(text)
        return "cidr" if "/" in text else "ip"
    except ValueError:
        return "string"


# Captured values that are placeholders, not forms a real answer has.
_EXAMPLE_ONLY = re.compile(r"(?i)example|abcabc|^1111222233333$")  # the last: a 13-digit typo
# Present only when more pages follow (the captures were taken from larger accounts).
_PAGING = frozenset({"nextToken"})


def differences(captured: Any, got: Any, path: str = "$") -> list[str]:
    """Where `got` does not have a key of `captured`, or has it in another form. Keys the
    real service added since (more in `got`) are fine; each captured list item is compared
    with the answer's item most like it (a capture may list a private and a public VIF:
    both must be matched)."""
    out: list[str] = []
    if isinstance(captured, dict):
        if not isinstance(got, dict):
            return [f"{path}: an object was captured, got {form(got)}"]
        for key, value in captured.items():
            if key in _PAGING:
                continue
            if key not in got:
                out.append(f"{path}.{key}: missing")
            else:
                out += differences(value, got[key], f"{path}.{key}")
        return out
    if isinstance(captured, list):
        if not isinstance(got, list):
            return [f"{path}: a list was captured, got {form(got)}"]
        if captured and not got:
            return [f"{path}: empty, {len(captured)} item(s) captured"]
        # For each captured item, the answer's item most like it (lists have no set order).
        for want in captured:
            out += min(
                (differences(want, item, f"{path}[{i}]") for i, item in enumerate(got)), key=len
            )
        return out
    want, have = form(captured), form(got)
    if want == have or (isinstance(captured, str) and _EXAMPLE_ONLY.search(captured)):
        return []
    if want in ("string", "auth-key") and have in ("string", "auth-key"):
        return []  # any free text (names, keys a user chose)
    return [f"{path}: captured {captured!r} ({want}), got {got!r} ({have})"]
