"""One simulated recording server port: ImageServer TCP and RecorderCommandService HTTP on the same socket.

Real XProtect serves both on 7563 (MILESTONE_PROTOCOL.md, Ports). The first bytes of a connection decide:
``<`` (an XML ``<methodcall>``, possibly after whitespace) -> ImageServer; an HTTP method token -> HTTP,
parsed with ``h11`` (keep-alive supported). HTTP routes: ``POST
/RecorderCommandService/RecorderCommandService.asmx`` (path case-insensitive); anything else is 404/405.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from http import HTTPStatus

import h11

from simulator.context import SimulatorContext
from simulator.imageserver import ImageServerSession
from simulator.inventory import SimRecorder
from simulator.recorder_soap import RecorderCommandService

log = logging.getLogger(__name__)
ASMX_PATH = "/recordercommandservice/recordercommandservice.asmx"
HTTP_METHODS = (b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"OPTIONS", b"PATCH")
MAX_BODY = 4 << 20
SNIFF_TIMEOUT_S = 30.0


class RecorderServer:
    """Accepts connections for one recording server and dispatches them by protocol."""

    def __init__(self, ctx: SimulatorContext, recorder: SimRecorder) -> None:
        self._ctx = ctx
        self.recorder = recorder
        self._soap = RecorderCommandService(ctx, recorder)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task] = set()

    async def start(self, sock: socket.socket) -> None:
        """Serve on an already bound, listening socket."""
        self._server = await asyncio.start_server(self._accept, sock=sock)

    async def close(self) -> None:
        """Stop listening and end every open connection."""
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            first = await self._sniff(reader)
            if first is None:
                writer.close()
                return
            if first.lstrip()[:1] == b"<":
                await ImageServerSession(self._ctx, self.recorder, reader, writer).run(first)
            else:
                await self._serve_http(reader, writer, first)
        except (ConnectionError, TimeoutError):
            writer.close()
        finally:
            self._connections.discard(task)

    async def _sniff(self, reader: asyncio.StreamReader) -> bytes | None:
        data = b""
        while not data.strip():
            chunk = await asyncio.wait_for(reader.read(65536), SNIFF_TIMEOUT_S)
            if not chunk:
                return None
            data += chunk
        head = data.lstrip()
        if head[:1] == b"<" or any(head.startswith(m) for m in HTTP_METHODS):
            return data
        # Only a partial method token so far? Read a little more before deciding.
        if len(head) < 8 and any(m.startswith(head) for m in HTTP_METHODS):
            more = await asyncio.wait_for(reader.read(65536), SNIFF_TIMEOUT_S)
            return data + more if more else None
        log.info("%s: connection speaks neither HTTP nor ImageServer, closing", self.recorder.name)
        return None

    async def _serve_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, first: bytes) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=64 * 1024)
        conn.receive_data(first)
        try:
            while True:
                request, body = await self._read_request(conn, reader, writer)
                if request is None:
                    break
                status, headers, payload = await self._route(request, body)
                headers = [*headers, ("Content-Length", str(len(payload)))]
                reason = HTTPStatus(status).phrase.encode()
                writer.write(conn.send(h11.Response(status_code=status, headers=headers, reason=reason)))
                writer.write(conn.send(h11.Data(data=payload)) if payload else b"")
                writer.write(conn.send(h11.EndOfMessage()))
                await writer.drain()
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    break
                conn.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            with contextlib.suppress(Exception):
                writer.write(
                    conn.send(
                        h11.Response(
                            status_code=exc.error_status_hint,
                            headers=[("Content-Length", "0"), ("Connection", "close")],
                        )
                    )
                )
                writer.write(conn.send(h11.EndOfMessage()))
                await writer.drain()
        finally:
            writer.close()

    @staticmethod
    async def _read_request(
        conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[h11.Request | None, bytes]:
        request = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                continue
            if event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
                return None, b""
            if isinstance(event, h11.Request):
                request = event
                if conn.client_is_waiting_for_100_continue:  # .NET clients send Expect: 100-continue
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY:
                    raise h11.RemoteProtocolError("request body too large", error_status_hint=413)
            elif isinstance(event, h11.EndOfMessage):
                return request, bytes(body)

    async def _route(self, request: h11.Request, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        path = request.target.decode("latin-1").split("?", 1)[0].lower()
        xml_type = [("Content-Type", "text/xml; charset=utf-8")]
        if path != ASMX_PATH:
            return 404, [("Content-Type", "text/plain")], b"Not Found"
        if request.method != b"POST":
            return 405, [("Content-Type", "text/plain"), ("Allow", "POST")], b"Method Not Allowed"
        status, payload = await self._soap.handle(body)
        return status, xml_type, payload
