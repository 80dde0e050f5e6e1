"""BIRD's control socket spoken directly, as birdc does: the lab reads every device's
sessions several times a second, and a birdc process each time would cost more CPU than
everything else the lab does while nothing changes.

The protocol (BIRD's doc/prog, "Remote control"): the server greets with `0001 ...`; each
reply line starts with a 4-digit code and `-` (more follows) or ` ` (the last line); a
line starting with a space continues the previous code. Codes 0xxx end a reply, 8xxx and
9xxx are errors. birdc prints each line's text without its code: so does `query`."""

from __future__ import annotations

import socket
import time
from pathlib import Path


class BirdSocketError(OSError):
    """The control socket did not answer (BIRD not running, or too slow)."""


def query(ctl: Path, command: str, timeout: float = 5.0) -> str:
    """`birdc -s CTL COMMAND`'s output, without a process."""
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(str(ctl))
            reader = _Lines(s, deadline)
            greeting = reader.line()
            if not greeting.startswith("0001"):
                raise BirdSocketError(f"{ctl}: not BIRD's greeting: {greeting!r}")
            s.sendall(command.encode() + b"\n")
            out = []
            while True:
                line = reader.line()
                if line.startswith(" "):
                    out.append(line[1:])
                    continue
                code, sep, text = line[:4], line[4:5], line[5:]
                if not code.isdigit():
                    raise BirdSocketError(f"{ctl}: unexpected reply line {line!r}")
                if code[0] in "89":
                    out.append(text)  # birdc prints the error's text too
                    return _text(out)
                if code != "0000" or text:
                    out.append(text)
                if sep == " " and code[0] == "0":
                    return _text(out)
        except (OSError, TimeoutError) as exc:
            if isinstance(exc, BirdSocketError):
                raise
            raise BirdSocketError(f"{ctl}: {exc}") from None


def _text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


class _Lines:
    def __init__(self, s: socket.socket, deadline: float) -> None:
        self.s = s
        self.buf = b""
        self.deadline = deadline

    def line(self) -> str:
        while b"\n" not in self.buf:
            if time.monotonic() > self.deadline:
                raise BirdSocketError("no answer in time")
            chunk = self.s.recv(65536)
            if not chunk:
                raise BirdSocketError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode(errors="replace")
