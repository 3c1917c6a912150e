"""Recorded video playback (Qt-free): sources of encoded GOPs, a shared playback clock and the VCR player.

- :class:`LocalSegmentsSource` reads the backend's MPEG-TS segments (files or HTTP URLs) across boundaries;
  :class:`ImageServerPlaybackSource` reads XProtect recordings with ImageServer ``goto``/``next``/``previous``
  (MILESTONE_PROTOCOL.md §3).
- :class:`PlaybackClock` maps monotonic time to media time (µs UTC); several players may share one.
- :class:`Player` decodes GOPs with PyAV, plays -8x..8x (reverse from decoded GOP buffers), steps frames,
  jumps between sequences and hands scaled frames to the GUI like the live engine.

See docs/video-engine.md, "Playback".
"""

from media.playback.clock import PlaybackClock
from media.playback.imageserver_source import ImageServerPlaybackSource
from media.playback.local_source import LocalSegmentsSource
from media.playback.player import Player
from media.playback.segment_reader import SegmentRef
from media.playback.source import EncodedUnit, Gop, PlaybackError, PlaybackSource
from media.playback.state import SPEEDS, PlayerState

__all__ = [
    "SPEEDS",
    "EncodedUnit",
    "Gop",
    "ImageServerPlaybackSource",
    "LocalSegmentsSource",
    "PlaybackClock",
    "PlaybackError",
    "PlaybackSource",
    "Player",
    "PlayerState",
    "SegmentRef",
]
