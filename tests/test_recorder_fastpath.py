"""The recorder's cheap paths: paced ImageServer reading, the codec's one-regex image header, batched file
writes with hashing of exactly the bytes written, and the parameter-set scan that stops at the first slice.

Real sockets: a loopback ImageServer built from ``milestone.imageserver_codec``'s server-side builders.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

import pytest

from media.recorder_files import HashingFile
from media.recorder_h264 import parameter_sets
from milestone.errors import ProtocolError
from milestone.imageserver import LIVE_QUEUE_SIZE, PACED_QUEUE_SIZE, ImageServerConnection
from milestone.imageserver_codec import (
    CONTENT_TYPE_GBD,
    RequestReader,
    ResponseReader,
    build_image_response,
    build_live_status,
    build_method_response,
    pack_gbd,
)
from milestone.models import VideoCodec

T0_MS = 1_790_000_000_000
SPS = b"\x00\x00\x00\x01\x67\x42\x00\x1f\xab"
PPS = b"\x00\x00\x00\x01\x68\xce\x3c\x80"


def _frame(n: int, request_id: int = 1) -> bytes:
    payload = (SPS + PPS if n % 10 == 0 else b"") + b"\x00\x00\x00\x01\x65" + bytes([n % 256]) * (100 + n)
    gbd = pack_gbd(VideoCodec.H264, n, n % 10 == 0, T0_MS, T0_MS + n * 66, payload)
    t = T0_MS + n * 66
    return build_image_response(request_id, t, t - 66, t + 66, CONTENT_TYPE_GBD, gbd)


def _general_layout(message: bytes) -> bytes:
    """The same response with its headers in another order: parsed by the general header parser."""
    head, sep, rest = message.partition(b"\r\n\r\n")
    first, *lines = head.split(b"\r\n")
    return b"\r\n".join([first, *reversed(lines)]) + sep + rest


def test_the_one_regex_header_parse_gives_what_the_general_parser_gives():
    messages = [_frame(n) for n in range(12)]
    messages.append(build_image_response(2, T0_MS, 0, 0, "image/jpeg", b"\xff\xd8jpeg"))
    messages.append(build_image_response(3, 0, 0, 0, CONTENT_TYPE_GBD, b""))  # nothing recorded
    messages.append(build_live_status(T0_MS, {"2": "0"}))
    fast = ResponseReader().feed(b"".join(messages))
    general = ResponseReader().feed(b"".join(_general_layout(m) for m in messages))
    assert len(fast) == len(messages) and fast == general
    # Fed a few bytes at a time, the result is the same.
    reader = ResponseReader()
    stream = b"".join(messages)
    pieces = [reader.feed(stream[i : i + 7]) for i in range(0, len(stream), 7)]
    assert [m for piece in pieces for m in piece] == fast
    assert fast[0].key_frame and fast[0].picture_ms == T0_MS and fast[5].sequence_number == 5


def test_a_bad_generic_byte_data_header_is_refused_on_the_fast_path_too():
    good = _frame(1)
    body = good.index(b"\r\n\r\n") + 4
    bad = good[:body] + b"\x00\x11" + good[body + 2 :]  # data type 0x0011 is not video
    with pytest.raises(ProtocolError, match="not video"):
        ResponseReader().feed(bad)
    with pytest.raises(ProtocolError, match="CR LF CR LF"):
        ResponseReader().feed(good[:-4] + b"XXXX")


def test_parameter_sets_are_taken_before_the_first_slice_only():
    key = SPS + PPS + b"\x00\x00\x01\x65" + b"\x88" * 64
    assert parameter_sets(key) == SPS + PPS
    # An SPS/PPS-like byte pattern inside slice data is not a parameter set of this access unit.
    assert parameter_sets(b"\x00\x00\x00\x01\x65\x88\x00\x00\x01\x67\x42\x00\x00\x01\x68\xce") is None
    assert parameter_sets(PPS + b"\x00\x00\x01\x65\x88") is None


def test_hashing_file_writes_each_batch_at_once_and_hashes_exactly_the_file(tmp_path):
    path = tmp_path / "seg.ts.partial"
    f = HashingFile(path)
    f.write(b"a" * 188)
    f.write(b"b" * 188)
    assert path.stat().st_size == 0 and f.size == 0  # not flushed yet
    f.flush()
    assert path.stat().st_size == 376 == f.size
    f.write(b"c" * 10)
    f.finish(fsync=True)
    data = path.read_bytes()
    assert data == b"a" * 188 + b"b" * 188 + b"c" * 10
    assert f.hexdigest() == hashlib.sha256(data).hexdigest() and f.size == len(data)


class _Server:
    """Streams ``frames`` live frames, ``pace`` s apart; answers connect/connectupdate/stop at once."""

    def __init__(self, frames: int, pace: float) -> None:
        self.frames, self.pace = frames, pace
        self.sent = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests = RequestReader()
        try:
            while data := await reader.read(65536):
                for call in requests.feed(data):
                    if call.method == "live":
                        task = asyncio.create_task(self._stream(call.request_id, writer))
                        self.tasks.add(task)
                    else:
                        writer.write(build_method_response(call.request_id, call.method, {"connected": "yes"}))
                    await writer.drain()
        except ConnectionError:
            pass

    async def _stream(self, request_id: int, writer: asyncio.StreamWriter) -> None:
        for n in range(self.frames):
            writer.write(_frame(n, request_id))
            await writer.drain()
            self.sent = n + 1
            await asyncio.sleep(self.pace)


async def test_paced_reading_delivers_every_frame_in_bursts_and_answers_requests_at_once():
    server = _Server(frames=40, pace=0.02)
    port = await server.start()
    conn = await ImageServerConnection.open("127.0.0.1", port, timeout=5)
    try:
        await conn.connect("cam-1", "TOKEN#x#h//ServerConnector#")
        conn.set_read_interval(0.3)
        await conn.start_live()
        batches: list[int] = []
        numbers: list[int] = []
        async for batch in conn.live_batches(idle_timeout=5):
            batches.append(len(batch))
            numbers += [f.sequence_number for f in batch]
            if len(batches) == 2:
                started = time.monotonic()
                await conn.connect_update("TOKEN#y#h//ServerConnector#")  # ends the pause: no 0.3 s wait
                assert time.monotonic() - started < 0.25
            if len(numbers) >= 40:
                break
    finally:
        await conn.aclose()
        await server.close()
    assert numbers == list(range(40))  # nothing lost, in order
    assert max(batches) >= 5  # several frames per read (0.3 s of 20 ms frames)
    assert conn.token_updates == 1 and conn.dropped_frames == 0


async def test_read_now_takes_what_arrived_before_the_connection_is_closed():
    server = _Server(frames=10, pace=0.0)
    port = await server.start()
    conn = await ImageServerConnection.open("127.0.0.1", port, timeout=5)
    try:
        await conn.connect("cam-1", "TOKEN#x#h//ServerConnector#")
        with pytest.raises(ValueError):
            conn.set_read_interval(5)
        conn.set_read_interval(1.0)
        await conn.start_live()
        frames = conn.live_batches(idle_timeout=5)
        first = await anext(frames)
        while server.sent < 10:  # the rest arrives while the reader pauses
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        await conn.read_now(timeout=2)
        await conn.aclose()
        rest = [f for batch in [b async for b in _until_closed(frames)] for f in batch]
    finally:
        await conn.aclose()
        await server.close()
    assert [f.sequence_number for f in first + rest] == list(range(10))
    assert PACED_QUEUE_SIZE > LIVE_QUEUE_SIZE


async def _until_closed(frames):
    try:
        async for batch in frames:
            yield batch
    except Exception:  # the closed connection ends the stream with UnreachableError
        return


def test_live_status_is_parsed_only_when_read() -> None:
    from milestone.imageserver_codec import LiveStatus

    splitter = ResponseReader()
    good = build_live_status(1_790_000_000_123, {"1": "yes", "live": "on"})
    bad = b"<livepackage><status><statustime>soon</statustime></status></livepackage>\r\n\r\n"
    first, second = splitter.feed(good + bad)
    assert isinstance(first, LiveStatus) and "not parsed yet" in repr(first)  # the splitter kept the raw XML
    assert first == LiveStatus(1_790_000_000_123, {"1": "yes", "live": "on"})
    assert (first.status_time_ms, first.items) == (1_790_000_000_123, {"1": "yes", "live": "on"})
    with pytest.raises(ProtocolError):  # a malformed status fails whoever reads it, not the stream
        _ = second.items
