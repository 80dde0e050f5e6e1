"""The HTTP protocol uvicorn runs for dxlab: httptools' own, except that

- a request it cannot parse (a NUL byte in a header such as X-Amz-Target, a malformed
  length) is refused with an AWS error body and x-amzn-RequestId, like every other
  refusal, instead of uvicorn's plain text;
- an answer's status line and headers go out in the same write as its body: uvicorn
  writes them as two, so a small answer left as two TCP segments and woke the client
  twice (one write: ~10 % more answers a second from one client)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from dxlab.web import errors
from dxlab.web.errors import ProtocolError


class HeadWithBody:
    """One request's view of the connection's transport: the head of its answer (the
    first write once the response has started) is held and written with what comes next,
    the body; at the answer's end or a close, whatever is held is written first. Writes
    before the answer starts (`100 Continue`) pass at once."""

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head: bytes | None = None
        self._held = False  # the head came (a later write goes at once)

    def write(self, data: bytes) -> None:
        if self._cycle.response_started and not self._held:
            self._head, self._held = data, True
            return
        if self._head is not None:
            data, self._head = self._head + data, None
        self._transport.write(data)

    def flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class AwsErrorHttpToolsProtocol(HttpToolsProtocol):
    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            cycle.transport = HeadWithBody(self.transport, cycle)  # type: ignore[assignment]

    def on_response_complete(self) -> None:
        # An answer without a body write (HEAD, an empty body): its head goes now.
        transport = getattr(self.cycle, "transport", None)
        if isinstance(transport, HeadWithBody):
            transport.flush()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        status, payload = errors.json_error(
            ProtocolError(f"The request is not valid HTTP: {msg}", "SerializationException", 400)
        )
        body = payload
        head = [f"HTTP/1.1 {status} Bad Request\r\n".encode()]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [
            b"content-type: application/x-amz-json-1.1\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"x-amzn-requestid: " + str(uuid.uuid4()).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]
        self.transport.write(b"".join(head))
        self.transport.close()
