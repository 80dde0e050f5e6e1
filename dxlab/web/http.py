"""The HTTP protocol uvicorn runs for dxlab: httptools' own, except that

- a request it cannot parse (a NUL byte in a header such as X-Amz-Target, a malformed
  length) is refused with an AWS error body and x-amzn-RequestId, like every other
  refusal, instead of uvicorn's plain text;
- the app is told what is being served (`SERVING` in the scope), so that the write of a
  lone client's request is not handed to the group commit's writer thread."""

from __future__ import annotations

import uuid

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from dxlab.web import errors
from dxlab.web.errors import ProtocolError
from dxlab.web.responses import SERVING


class AwsErrorHttpToolsProtocol(HttpToolsProtocol):
    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.cycle is not None:
            # uvicorn's server state: its open connections and the tasks of the requests
            # read and not yet answered (this one's is added as it starts).
            self.cycle.scope[SERVING] = self.server_state  # type: ignore[literal-required]

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
