"""The Qt-free local recorder: one camera's packet source -> segment files (stream copy) + thumbnails.

Public API of the recorder (the backend imports it from here)::

    source = ImageServerSource(camera, session, clock=clock, on_state=...)   # or RtspSource(url, clock=clock)
    writer = SegmentWriter(spool_dir, camera_key, segment_seconds=60, on_closed=...)
    recorder = LocalRecorder(source, writer, on_segment=..., on_thumbnail=...)
    task = asyncio.create_task(recorder.run())
    ...
    last = await recorder.stop()       # the current segment is closed durably before this returns

    probe_segment(path) / seal_partial(path)   # start-up recovery of leftover files (blocking: use a thread)

Threads: packets are read on the event loop (the RTSP source demuxes in its own thread); the writer and the
thumbnail encoder run in the recorder's single worker thread, so file I/O and fsync never stall the loop.
``on_segment`` and ``on_thumbnail`` are called on the event loop; the writer's own ``on_closed`` (if given)
in the worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

from media.recorder_files import ClosedSegment, make_dirs_durably, segment_dir
from media.recorder_h264 import has_parameter_sets
from media.recorder_imageserver import ImageServerSource
from media.recorder_packets import EncodedPacket, PacketSource
from media.recorder_probe import probe_segment, seal_partial
from media.recorder_rtsp import RtspSource
from media.segment_writer import SegmentWriteError, SegmentWriter, WriterStats
from media.thumbnail import ThumbnailError, make_thumbnail

__all__ = [
    "ClosedSegment",
    "EncodedPacket",
    "ImageServerSource",
    "LocalRecorder",
    "PacketSource",
    "RecorderStats",
    "RtspSource",
    "SegmentWriter",
    "probe_segment",
    "seal_partial",
]

log = logging.getLogger(__name__)

STOP_GRACE_S = 2.0  # stop(): how long the source may take to hand over its last packets
SegmentCallback = Callable[[ClosedSegment], None]
ThumbnailCallback = Callable[[bytes, int], None]
"""``on_thumbnail(jpeg_bytes, time_us)``: a JPEG of the key frame at ``time_us`` (µs UTC)."""


@dataclass(frozen=True, slots=True)
class RecorderStats:
    """Counters of one recorder run: packets from the source, packets dropped because the writer fell behind,
    thumbnails made, write errors, the last error text (no secrets) and the writer's own counters."""

    packets_received: int
    packets_dropped: int
    thumbnails: int
    write_errors: int
    last_error: str
    writer: WriterStats


class LocalRecorder:
    """Records ``source`` through ``writer`` until :meth:`stop`.

    ``thumbnails_every_s``: seconds of recording (packet time) between thumbnails; the first comes from the
    first key frame written. ``on_thumbnail(jpeg, time_us)`` receives them on the loop; without it each is
    written as ``<spool>/<camera_key>/<YYYYMMDD>/<time_us>.jpg`` beside the segments. ``on_segment(seg)`` is
    called on the loop for every closed segment. ``max_queue``: packets waiting for the writer before new
    ones are dropped (the writer then restarts at a key frame).

    ``write_interval_s``: packets go to the worker thread in batches at most this often (seconds), and each
    batch reaches the file in one ``write``. Longer batches cost less CPU (8 cameras: 0.25 s -> ~0.11 %, 1 s
    -> ~0.07 % of a core per camera for the worker, before batching the file writes) but a process killed
    outright loses up to that much received video (what a batch wrote is in the file when it returns), plus
    what the source had not read yet (``ImageServerSource.read_interval_s``). Sources with a
    ``packet_batches()`` method (``ImageServerSource``) are read a batch at a time. ``executor``: where writing
    runs; by default a thread of the recorder's own. Recorders may share one executor (e.g. a
    ``ThreadPoolExecutor`` with a few threads): a recorder submits its next batch only after the previous one
    finished, so its writer is never used by two threads at once.

    When the source delivers nothing for the writer's ``gap_seconds`` (camera down, reconnecting), the open
    segment is closed at once, so that it can be uploaded while the source is away. A write error (disk full)
    is logged and counted; recording goes on at the next key frame.
    """

    def __init__(
        self,
        source: PacketSource,
        writer: SegmentWriter,
        *,
        thumbnails_every_s: float = 300.0,
        on_thumbnail: ThumbnailCallback | None = None,
        on_segment: SegmentCallback | None = None,
        thumbnail_width: int = 320,
        max_queue: int = 1000,
        write_interval_s: float = 1.0,
        executor: Executor | None = None,
    ) -> None:
        self.source = source
        self.writer = writer
        self._thumb_every_us = int(thumbnails_every_s * 1_000_000)
        self._on_thumbnail = on_thumbnail
        self._on_segment = on_segment
        self._thumb_width = thumbnail_width
        self._max_queue = max_queue
        self._write_interval = write_interval_s
        self._pending: list[EncodedPacket] = []  # received, not yet handed to the writer
        self._ended = False  # the source ended or stop() was called: write what is pending, then finish
        self._wake = asyncio.Event()
        self._own_pool = executor is None
        self._pool: Executor = executor or ThreadPoolExecutor(1, thread_name_prefix=f"recorder-{writer.camera_key}")
        self._reader: asyncio.Task[None] | None = None
        self._done: asyncio.Event | None = None
        self._started = self._stopping = False
        self._final: ClosedSegment | None = None
        self._last_thumb_us: int | None = None
        self._received = self._dropped = self._thumbs = self._errors = 0
        self._last_error = ""
        self._mark_next = False

    @property
    def stats(self) -> RecorderStats:
        return RecorderStats(
            self._received, self._dropped, self._thumbs, self._errors, self._last_error, self.writer.stats
        )

    async def run(self) -> None:
        """Record until :meth:`stop`; returns once the last segment is closed. Call once."""
        if self._started:
            raise RuntimeError("LocalRecorder.run() may be called only once")
        self._started = True
        self._done = asyncio.Event()
        loop = asyncio.get_running_loop()
        if not self._stopping:
            self._reader = loop.create_task(self._read(), name=f"recorder-read-{self.writer.camera_key}")
        try:
            while True:
                try:
                    await self._wait_for_packets()
                except TimeoutError:  # the source paused for longer than a gap: close the segment now
                    closed = await loop.run_in_executor(self._pool, self._cut_writer)
                    self._deliver(closed, [])
                    continue
                if not self._ended and not self._stopping and self._write_interval > 0:
                    await asyncio.sleep(self._write_interval)  # gather more: one thread hop per batch
                stop = self._ended
                packets, self._pending = self._pending, []
                if packets:
                    closed, thumbs = await loop.run_in_executor(self._pool, self._write_batch, packets)
                    self._deliver(closed, thumbs)
                if stop:
                    break
        finally:
            if self._reader is not None:
                self._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._reader
            future = loop.run_in_executor(self._pool, self._close_writer)
            cancelled = False
            while True:
                try:
                    closed = await asyncio.shield(future)
                    break
                except asyncio.CancelledError:
                    cancelled = True  # the segment is closed durably all the same
                    if future.done():
                        closed = future.result()
                        break
            self._deliver(closed, [])
            self._finish()
            if cancelled:
                raise asyncio.CancelledError

    async def stop(self) -> ClosedSegment | None:
        """Stop the source, write what was received, close the current segment durably; returns that segment
        (None if none was open). Safe to call more than once and before ``run()`` started.

        The source is closed first and its last packets (an ImageServer source reads what already arrived)
        are taken for up to STOP_GRACE_S; then reading is cancelled."""
        if not self._stopping:
            self._stopping = True
            with contextlib.suppress(Exception):
                await self.source.aclose()
            reader = self._reader
            if reader is not None and not reader.done():
                await asyncio.wait([reader], timeout=STOP_GRACE_S)
                reader.cancel()
            self._end()
        if self._started and self._done is not None:
            await self._done.wait()
        return self._final

    # ------------------------------------------------------------------------------------------ internals

    async def _read(self) -> None:
        try:
            async with contextlib.aclosing(_batches(self.source)) as batches:
                async for batch in batches:
                    self._take(batch)
        except Exception as exc:
            log.exception("%s: the packet source failed", self.writer.camera_key)
            self._error(f"the packet source failed: {exc}")
        finally:
            self._end()  # the source ended (or was stopped): finish the recording

    def _take(self, batch: list[EncodedPacket]) -> None:
        """Queue a batch for the writer; beyond ``max_queue`` waiting packets, drop (and mark the next kept)."""
        self._received += len(batch)
        pending = self._pending
        room = max(0, self._max_queue - len(pending))
        keep = batch if room >= len(batch) else batch[:room]
        if self._mark_next and keep:
            first = keep[0]
            keep[0] = EncodedPacket(first.data, first.time_us, first.key_frame, first.codec, True)
            self._mark_next = False
        if len(keep) < len(batch):
            self._dropped += len(batch) - len(keep)
            self._mark_next = True
        if keep:
            if not pending:
                self._wake.set()
            pending += keep

    def _end(self) -> None:
        self._ended = True
        self._wake.set()

    async def _wait_for_packets(self) -> None:
        """Until packets wait or the source ended; while a segment is open, raises TimeoutError after the
        writer's gap time (plus the source's ``read_interval_s``, as it delivers packets that late)."""
        self._wake.clear()
        if self._pending or self._ended:
            return
        if self.writer.current_path is None:
            await self._wake.wait()
            return
        async with asyncio.timeout(self.writer.gap_seconds + getattr(self.source, "read_interval_s", 0.0)):
            await self._wake.wait()

    def _cut_writer(self) -> list[ClosedSegment]:
        try:
            last = self.writer.cut()
        except SegmentWriteError as exc:
            self._error(str(exc))
            return []
        return [last] if last is not None else []

    def _write_batch(self, packets: list[EncodedPacket]) -> tuple[list[ClosedSegment], list[tuple[bytes, int]]]:
        """Worker thread: write packets, make due thumbnails."""
        closed: list[ClosedSegment] = []
        thumbs: list[tuple[bytes, int]] = []
        writer = self.writer
        for packet in packets:
            try:
                closed += writer.write(packet, flush=False)
            except (SegmentWriteError, ValueError) as exc:
                closed += getattr(exc, "closed", ())
                self._error(str(exc))
                continue
            if packet.key_frame and writer.current_path is not None and self._thumbnail_due(packet.time_us):
                thumb = self._thumbnail(packet)
                if thumb is not None:
                    thumbs.append(thumb)
        try:
            writer.flush()  # the whole batch into the file in one write
        except SegmentWriteError as exc:
            closed += exc.closed
            self._error(str(exc))
        return closed, thumbs

    def _thumbnail_due(self, time_us: int) -> bool:
        last = self._last_thumb_us
        return last is None or time_us - last >= self._thumb_every_us or time_us < last

    def _thumbnail(self, packet: EncodedPacket) -> tuple[bytes, int] | None:
        data = packet.data
        params = self.writer.parameter_sets
        if params is not None and not has_parameter_sets(data):
            data = params + data
        try:
            jpeg = make_thumbnail(data, width=self._thumb_width)
        except ThumbnailError as exc:
            log.info("%s: no thumbnail from the key frame at %d: %s", self.writer.camera_key, packet.time_us, exc)
            return None
        except Exception:  # a thumbnail is never worth the recording
            log.exception("%s: making a thumbnail failed", self.writer.camera_key)
            return None
        self._last_thumb_us = packet.time_us
        self._thumbs += 1
        if self._on_thumbnail is not None:
            return jpeg, packet.time_us
        try:
            self._write_thumbnail_file(jpeg, packet.time_us)
        except OSError as exc:
            self._error(f"writing a thumbnail failed: {exc}")
        return None

    def _write_thumbnail_file(self, jpeg: bytes, time_us: int) -> None:
        directory = segment_dir(self.writer.spool_dir, self.writer.camera_key, time_us)
        make_dirs_durably(directory)
        path = directory / f"{time_us}.jpg"
        tmp = path.with_name(path.name + ".partial")
        with open(tmp, "wb") as f:
            f.write(jpeg)
        os.replace(tmp, path)

    def _close_writer(self) -> list[ClosedSegment]:
        try:
            last = self.writer.close()
        except SegmentWriteError as exc:
            self._error(str(exc))
            return []
        self._final = last
        return [last] if last is not None else []

    def _deliver(self, closed: list[ClosedSegment], thumbs: list[tuple[bytes, int]]) -> None:
        for seg in closed:
            if self._on_segment is not None:
                try:
                    self._on_segment(seg)
                except Exception:
                    log.exception("%s: on_segment callback failed", self.writer.camera_key)
        for jpeg, time_us in thumbs:
            if self._on_thumbnail is not None:
                try:
                    self._on_thumbnail(jpeg, time_us)
                except Exception:
                    log.exception("%s: on_thumbnail callback failed", self.writer.camera_key)

    def _error(self, text: str) -> None:
        self._errors += 1
        if text != self._last_error:
            log.warning("%s: %s", self.writer.camera_key, text)
        self._last_error = text

    def _finish(self) -> None:
        if self._own_pool:
            self._pool.shutdown(wait=False)
        if self._done is not None:
            self._done.set()


async def _batches(source: PacketSource) -> AsyncGenerator[list[EncodedPacket], None]:
    """The source's packets in batches: its own ``packet_batches()`` when it has one, else one at a time."""
    batches = getattr(source, "packet_batches", None)
    if batches is not None:
        async with contextlib.aclosing(batches()) as stream:
            async for batch in stream:
                yield batch
        return
    async with contextlib.aclosing(source.packets()) as packets:
        async for packet in packets:
            yield [packet]
