"""Bounded queue of encoded video packets between an ImageServer reader and its decode worker.

Live video must never queue without bound (DESIGN.md §5). When the decoder falls behind, whole stretches of
a GOP are dropped so that decoding always resumes at a key frame: a P-frame without its references would only
produce garbage.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import islice

from milestone.models import VideoCodec


@dataclass(frozen=True, slots=True)
class EncodedPacket:
    """One access unit as read from the ImageServer (MILESTONE_PROTOCOL.md §3, GenericByteData or JPEG).

    ``payload`` is an Annex-B access unit (H.264/H.265) or a JPEG file; ``picture_ms`` is ms UTC;
    ``received_monotonic`` is engine-clock seconds; ``generation`` tells packets of one connection from those
    of the next (each connection gets a fresh decoder).
    """

    payload: bytes
    codec: VideoCodec
    key_frame: bool
    picture_ms: int
    received_monotonic: float
    generation: int = 0


class PacketQueue:
    """FIFO of :class:`EncodedPacket` bounded by packet count, bytes and GOPs (key frames held).

    Policy on :meth:`push`:
    - after :meth:`reset` (new connection) nothing is accepted until a key frame arrives;
    - when the queue is full (``max_packets``, ``max_bytes``, or a key frame arriving while ``max_gops`` key
      frames are already queued), packets are dropped from the head up to the next queued key frame, so the
      decoder continues at a key frame; if no queued key frame remains, an arriving key frame replaces the
      whole queue, and an arriving non-key packet is dropped and the queue skips to the next key frame.

    Methods return how many packets they dropped, for the caller's counters. Not thread-safe: the owner
    (``media.stream_decoder.StreamDecoder``) guards it with its lock.
    """

    def __init__(self, *, max_packets: int = 120, max_bytes: int = 32 << 20, max_gops: int = 2) -> None:
        if max_packets < 1 or max_bytes < 1 or max_gops < 1:
            raise ValueError("queue bounds must be positive")
        self.max_packets = max_packets
        self.max_bytes = max_bytes
        self.max_gops = max_gops
        self._items: deque[EncodedPacket] = deque()
        self._bytes = 0
        self._keys = 0
        self._skip_to_key = True

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        """Payload bytes queued."""
        return self._bytes

    @property
    def key_frames(self) -> int:
        """Key frames queued (complete or partial GOPs waiting)."""
        return self._keys

    @property
    def waiting_for_key_frame(self) -> bool:
        """True while non-key packets are being discarded until the next key frame."""
        return self._skip_to_key

    def reset(self) -> int:
        """Discard everything (a new connection starts); accept again from the next key frame. Returns drops."""
        dropped = len(self._items)
        self._items.clear()
        self._bytes = 0
        self._keys = 0
        self._skip_to_key = True
        return dropped

    def push(self, packet: EncodedPacket) -> int:
        """Append ``packet`` under the policy above; return how many packets were dropped (it may be one)."""
        if self._skip_to_key:
            if not packet.key_frame:
                return 1
            self._skip_to_key = False
        dropped = 0
        while self._full_for(packet):
            count = self._drop_head_gop()
            if count == 0:  # no queued key frame to resume from
                if packet.key_frame:
                    dropped += self._clear()
                    break
                self._skip_to_key = True
                return dropped + 1
            dropped += count
        self._items.append(packet)
        self._bytes += len(packet.payload)
        self._keys += packet.key_frame
        return dropped

    def pop(self) -> EncodedPacket | None:
        """The oldest packet, or None when empty."""
        if not self._items:
            return None
        packet = self._items.popleft()
        self._bytes -= len(packet.payload)
        self._keys -= packet.key_frame
        return packet

    # ------------------------------------------------------------------------------------------ internals

    def _full_for(self, packet: EncodedPacket) -> bool:
        if not self._items:
            return False
        return (
            len(self._items) >= self.max_packets
            or self._bytes + len(packet.payload) > self.max_bytes
            or (packet.key_frame and self._keys >= self.max_gops)
        )

    def _drop_head_gop(self) -> int:
        """Drop from the head up to (not including) the first key frame after the head; 0 when there is none."""
        items = self._items
        if not any(p.key_frame for p in islice(items, 1, None)):
            return 0
        self.pop()
        count = 1
        while not items[0].key_frame:
            self.pop()
            count += 1
        return count

    def _clear(self) -> int:
        dropped = len(self._items)
        self._items.clear()
        self._bytes = 0
        self._keys = 0
        return dropped
