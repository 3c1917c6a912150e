"""One stream's decode side: bounded packet queue -> PyAV decoder -> FFmpeg scaling -> newest-frame slot."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from av.video.frame import VideoFrame

from media.decode_pool import DecodePool
from media.decoder import DecodeError, FrameDecoder
from media.frames import DecodedFrame, FrameSlot
from media.packet_queue import EncodedPacket, PacketQueue
from media.stream_stats import StatsCounter
from milestone.clock import Clock

log = logging.getLogger(__name__)

BATCH_PACKETS = 8  # packets decoded per turn on a pool thread before other streams get a turn


class StreamDecoder:
    """Decodes one stream's packets in order on a :class:`DecodePool`, keeping only the newest frame.

    The reader calls :meth:`submit` (cheap, never blocks on decoding) and :meth:`new_connection`; a pool
    thread runs :meth:`run_batch`. Decoding starts at a key frame, with a fresh decoder per connection and
    after a decode error. A decoded frame is scaled (in FFmpeg, to fit the output box) only when someone may
    see it: when no newer packet is queued or when the consumer has taken the previous frame; otherwise it
    counts as dropped-unshown, as does a frame overwritten in the slot before it was taken. ``on_frame`` is
    called (from a pool thread) when a frame lands in an empty slot: a consumer that has not yet taken the
    previous frame needs no second notice.
    """

    def __init__(
        self,
        pool: DecodePool,
        clock: Clock,
        stats: StatsCounter,
        *,
        on_frame: Callable[[], None] | None = None,
        packet_queue: PacketQueue | None = None,
        label: str = "",
    ) -> None:
        self._pool = pool
        self._clock = clock
        self._stats = stats
        self._on_frame = on_frame
        self._label = label
        self._lock = threading.Lock()
        self._queue = packet_queue if packet_queue is not None else PacketQueue()
        self._generation = 0
        self._scheduled = False
        self._closed = False
        self._box = (0, 0)
        self.slot = FrameSlot()
        # Touched only by the pool thread running this job (one at a time).
        self._decoder: FrameDecoder | None = None
        self._decoder_generation = -1
        self._need_key = True

    # ------------------------------------------------------------------------------------ reader side

    def set_output_size(self, width: int, height: int) -> None:
        """Scale later frames to fit ``width`` x ``height`` device pixels (0,0 = native). Thread-safe."""
        if width < 0 or height < 0:
            raise ValueError(f"output size {width}x{height} is negative")
        with self._lock:
            self._box = (int(width), int(height))

    def new_connection(self) -> None:
        """A new connection starts: drop queued packets, decode the next ones with a fresh decoder."""
        with self._lock:
            dropped = self._queue.reset()
            self._generation += 1
        if dropped:
            self._stats.add(dropped_before_decode=dropped)

    def submit(self, packet: EncodedPacket) -> None:
        """Queue a packet (stamped with the current connection's generation) and wake a decode thread."""
        with self._lock:
            if self._closed:
                return
            if packet.generation != self._generation:
                packet = replace(packet, generation=self._generation)
            dropped = self._queue.push(packet)
            schedule = bool(self._queue) and not self._scheduled
            if schedule:
                self._scheduled = True
        if dropped:
            self._stats.add(dropped_before_decode=dropped)
        if schedule:
            self._pool.submit(self)

    def close(self) -> None:
        """Stop decoding: drop queued packets and the held frame. Idempotent, thread-safe."""
        with self._lock:
            self._closed = True
            self._queue.reset()
        self.slot.clear()

    def queued(self) -> int:
        """Packets waiting to be decoded."""
        with self._lock:
            return len(self._queue)

    # ------------------------------------------------------------------------------------ pool side

    def run_batch(self) -> bool:
        """Decode up to ``BATCH_PACKETS`` queued packets; return True when more are waiting (pool thread)."""
        for _ in range(BATCH_PACKETS):
            with self._lock:
                if self._closed:
                    self._scheduled = False
                    return False
                packet = self._queue.pop()
                if packet is None:
                    break
                newer_waiting = bool(self._queue)
                box = self._box
            self._decode(packet, newer_waiting, box)
        with self._lock:
            more = bool(self._queue) and not self._closed
            self._scheduled = more
            return more

    def fail(self, error: BaseException) -> None:
        """Record an unexpected failure of :meth:`run_batch`; restart at the next key frame (pool thread)."""
        self._stats.set_error(error)
        self._decoder = None
        self._need_key = True
        with self._lock:
            reschedule = bool(self._queue) and not self._closed
            self._scheduled = reschedule
        if reschedule:
            self._pool.submit(self)

    def _decode(self, packet: EncodedPacket, newer_waiting: bool, box: tuple[int, int]) -> None:
        decoder = self._decoder
        if decoder is None or self._decoder_generation != packet.generation or decoder.codec != packet.codec:
            decoder = self._decoder = FrameDecoder(packet.codec)
            self._decoder_generation = packet.generation
            self._need_key = True
        if self._need_key and not packet.key_frame:
            self._stats.add(dropped_before_decode=1)
            return
        self._need_key = False
        try:
            frames = decoder.decode(packet.payload, packet.picture_ms)
        except DecodeError as exc:
            self._stats.add(decode_errors=1)
            self._stats.set_error(exc)
            log.warning("%s: decode error, waiting for the next key frame: %s", self._label or "stream", exc)
            self._decoder = None
            self._need_key = True
            return
        if not frames:
            return
        self._stats.add(frames_decoded=len(frames))
        unshown = len(frames) - 1
        newest = frames[-1]
        if newer_waiting and not self.slot.is_empty():
            unshown += 1
        else:
            unshown += self._publish(decoder, newest, packet, box)
        if unshown:
            self._stats.add(dropped_unshown=unshown)

    def _publish(self, decoder: FrameDecoder, frame: VideoFrame, packet: EncodedPacket, box: tuple[int, int]) -> int:
        """Scale ``frame`` into the slot; return 1 when it overwrote an untaken frame, else 0."""
        data = decoder.to_bgra(frame, *box)
        height, width = data.shape[:2]
        picture_ms = frame.pts if frame.pts is not None else packet.picture_ms
        decoded = DecodedFrame(
            data=data,
            width=width,
            height=height,
            picture_ms=int(picture_ms),
            received_monotonic=packet.received_monotonic,
            decoded_monotonic=self._clock.monotonic(),
        )
        with self._lock:
            if self._closed:
                return 0
            replaced = self.slot.put(decoded)
        if not replaced and self._on_frame is not None:
            self._on_frame()
        return int(replaced)
