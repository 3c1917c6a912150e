"""Bounded packet queue: never grows without bound, drops whole stretches up to a key frame, counts drops."""

from __future__ import annotations

import pytest

from media.packet_queue import EncodedPacket, PacketQueue
from milestone.models import VideoCodec


def gop_stream(gops: int, gop: int = 5, size: int = 100) -> list[EncodedPacket]:
    """``gops`` GOPs of ``gop`` packets; picture_ms is the packet's index."""
    return [EncodedPacket(bytes(size), VideoCodec.H264, i % gop == 0, i, 0.0) for i in range(gops * gop)]


def drain(queue: PacketQueue) -> list[int]:
    out = []
    while (p := queue.pop()) is not None:
        out.append(p.picture_ms)
    return out


def test_nothing_is_accepted_before_the_first_key_frame():
    q = PacketQueue()
    packets = gop_stream(2)
    dropped = sum(q.push(p) for p in packets[2:])  # joined mid-GOP
    assert dropped == 3
    assert drain(q) == [5, 6, 7, 8, 9]


def test_at_most_max_gops_are_held_and_the_oldest_go_first():
    q = PacketQueue(max_gops=2)
    dropped = sum(q.push(p) for p in gop_stream(5))
    assert dropped == 15
    assert q.key_frames == 2
    assert drain(q) == list(range(15, 25))


def test_a_partly_decoded_gop_is_dropped_up_to_the_next_key_frame():
    q = PacketQueue(max_gops=2)
    packets = gop_stream(4)
    for p in packets[:10]:
        q.push(p)
    assert [q.pop().picture_ms for _ in range(2)] == [0, 1]  # the decoder is inside GOP 0
    assert sum(q.push(p) for p in packets[10:15]) == 0  # key frames 5 and 10 queued: still within bounds
    # Key frame 15 would make three GOPs: the rest of GOP 0 (2..4) and GOP 1 (5..9) go.
    assert q.push(packets[15]) == 8
    assert drain(q) == [10, 11, 12, 13, 14, 15]  # the decoder continues at a key frame


def test_packet_count_bound_with_one_endless_gop_skips_to_the_next_key_frame():
    q = PacketQueue(max_packets=4, max_gops=10)
    packets = gop_stream(1, gop=10)
    dropped = [q.push(p) for p in packets]
    assert len(q) == 4
    assert dropped == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    assert q.waiting_for_key_frame
    key = EncodedPacket(bytes(100), VideoCodec.H264, True, 10, 0.0)
    assert q.push(key) == 4  # no queued key frame to resume from: the new key frame replaces the queue
    assert drain(q) == [10]


def test_byte_bound():
    q = PacketQueue(max_packets=1000, max_bytes=1000, max_gops=10)
    for p in gop_stream(4, gop=5, size=100):  # 2000 bytes offered
        q.push(p)
        assert q.nbytes <= 1000
    assert drain(q)[0] % 5 == 0


def test_reset_drops_everything_and_waits_for_a_key_frame():
    q = PacketQueue()
    packets = gop_stream(2)
    for p in packets[:7]:
        q.push(p)
    assert q.reset() == 7
    assert q.push(packets[8]) == 1
    assert q.push(packets[5]) == 0
    assert drain(q) == [5]


def test_jpeg_streams_keep_only_the_newest_pictures():
    q = PacketQueue(max_packets=3, max_gops=100)
    for i in range(10):
        q.push(EncodedPacket(b"jpeg", VideoCodec.JPEG, True, i, 0.0))
    assert drain(q) == [7, 8, 9]


def test_bounds_must_be_positive():
    with pytest.raises(ValueError):
        PacketQueue(max_packets=0)
