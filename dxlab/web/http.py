"""The HTTP protocol uvicorn runs for dxlab: httptools' own, except that

- a request it cannot parse (a NUL byte in a header such as X-Amz-Target, a malformed
  length) is refused with an AWS error body and x-amzn-RequestId, like every other
  refusal, instead of uvicorn's plain text;
- an answer's status line and headers go out in the same write as its body: uvicorn
  writes them as two, so a small answer left as two TCP segments and woke the client
  twice;
- the app is told which requests are being served (`SERVING` in the scope), so that the
  write of a request served alone is not handed to the group commit's writer thread."""

from __future__ import annotations

import asyncio
import uuid
import weakref
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from dxlab.web import errors
from dxlab.web.errors import ProtocolError
from dxlab.web.responses import SERVING

# Bytes of body joined to the head in one write: a larger body leaves in several TCP
# segments anyway (64 KiB on the loopback), and copying it would cost more than it saves.
JOIN_AT_MOST = 64 * 1024


class HeadWithBody:
    """One request's view of the connection's transport: the head of its answer (the
    first write once the response has started) is held and written with what comes next,
    the body; at the answer's end or a close, whatever is held is written first. Writes
    before the answer starts (`100 Continue`) pass at once."""

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        # Weakly: the cycle holds this object, and a reference cycle per request left
        # garbage for the cyclic collector (measured: ~20 us a request in collections).
        self._cycle = weakref.ref(cycle)
        self._head: bytes | None = None
        self._held = False  # the head came (a later write goes at once)

    def write(self, data: bytes) -> None:
        cycle = self._cycle()
        if cycle is not None and cycle.response_started and not self._held:
            self._head, self._held = data, True
            return
        if self._head is not None:
            head, self._head = self._head, None
            if len(data) > JOIN_AT_MOST:  # many segments anyway: not worth copying it
                self._transport.write(head)
            else:
                data = head + data
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
        if cycle is not None and cycle.transport is self.transport:  # this request's cycle
            cycle.transport = HeadWithBody(self.transport, cycle)  # type: ignore[assignment]
            # The requests read and not yet answered, on every connection: uvicorn's set of
            # their tasks (this one's is added as it starts).
            cycle.scope[SERVING] = self.server_state.tasks  # type: ignore[literal-required]

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
