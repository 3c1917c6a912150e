"""Typed values the XProtect client returns: camera inventory, frames, sequences.

Times are integers: milliseconds since the Unix epoch, UTC, as the ImageServer protocol uses them
(MILESTONE_PROTOCOL.md §3, ``TimeConverter.cs``), unless a field's name says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

# Sequence type GUIDs of RecorderCommandService.SequencesGet (MILESTONE_PROTOCOL.md §4).
RECORDING_SEQUENCE = "F9C62604-D0C5-4050-AE25-72DE51639B14"
MOTION_SEQUENCE = "53CB5E33-2183-44BD-9491-8364D2457480"
RECORDING_WITH_TRIGGER_SEQUENCE = "0601D294-B7E5-4D93-9614-9658561AD5E4"


class VideoCodec(Enum):
    """Codec field of a GenericByteData video packet (MILESTONE_PROTOCOL.md §3, [GBD])."""

    JPEG = 0x0001
    H264 = 0x000A
    H265 = 0x000E


@dataclass(frozen=True, slots=True)
class RecordingServer:
    """One XProtect recording server (REST ``recordingServers``).

    ``image_server_host``/``image_server_port`` are where the ImageServer TCP protocol is spoken
    (``hostName``/``portNumber``); ``web_server_uri`` is the base of ``RecorderCommandService.asmx``
    (``activeWebServerUri`` when set, else ``webServerUri``), always ending with ``/``.
    """

    id: str
    name: str
    image_server_host: str
    image_server_port: int
    web_server_uri: str
    enabled: bool = True
    time_zone_name: str = ""
    version: str = ""


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """One stream of a camera (REST ``cameras/{id}/streams``)."""

    stream_id: str
    name: str
    live_default: bool
    default_playback: bool


@dataclass(frozen=True, slots=True)
class Camera:
    """A camera joined with its hardware and recording server: the typed inventory entry.

    ``recording_server`` is None only if the camera's hardware points to a recording server the user may not
    see. ``stream_ids`` lists the stream reference ids, the live default first.
    """

    id: str
    name: str
    enabled: bool
    ptz_enabled: bool
    hardware_id: str
    recording_server: RecordingServer | None
    streams: tuple[StreamInfo, ...] = ()
    manual_recording_timeout_enabled: bool = False
    manual_recording_timeout_minutes: int = 0
    recording_enabled: bool = True
    short_name: str = ""
    description: str = ""
    gis_point: str = ""
    channel: int = 0
    # Added by the inventory join (defaults keep older constructors valid): for display and re-sync.
    display_name: str = ""
    hardware_name: str = ""
    hardware_address: str = ""
    last_modified_ms: int = 0  # REST ``lastModified`` (ms UTC, 0 = not set)

    @property
    def stream_ids(self) -> tuple[str, ...]:
        """Stream reference ids, the live default stream first."""
        ordered = sorted(self.streams, key=lambda s: not s.live_default)
        return tuple(s.stream_id for s in ordered)


@dataclass(frozen=True, slots=True)
class Inventory:
    """All recording servers and cameras a user can see, as discovered at one moment."""

    recording_servers: tuple[RecordingServer, ...]
    cameras: tuple[Camera, ...]

    def camera(self, camera_id: str) -> Camera:
        """Return the camera with this id (case-insensitive GUID). Raises KeyError when absent."""
        wanted = camera_id.lower()
        for cam in self.cameras:
            if cam.id.lower() == wanted:
                return cam
        raise KeyError(camera_id)


@dataclass(frozen=True, slots=True)
class ImageFrame:
    """One image response of the ImageServer protocol.

    ``current_ms``/``prev_ms``/``next_ms`` are the ``Current``/``Prev``/``Next`` headers (ms UTC, 0 when
    absent: no recording there). For GenericByteData, ``codec``, ``key_frame``, ``sync_ms`` (time of the
    preceding key frame) and ``picture_ms`` come from the 32-byte header and ``payload`` is the Annex-B
    access unit; for a standard JPEG ``codec`` is JPEG and ``payload`` the JPEG file.
    """

    request_id: int
    current_ms: int
    prev_ms: int
    next_ms: int
    content_type: str
    codec: VideoCodec
    key_frame: bool
    picture_ms: int
    sync_ms: int
    payload: bytes
    sequence_number: int = 0

    @property
    def empty(self) -> bool:
        """True when the server had no image at the requested time (all headers 0, no content)."""
        return not self.payload


@dataclass(frozen=True, slots=True)
class Sequence:
    """A recorded or motion sequence from ``SequencesGet``; times in ms UTC, ``end_ms`` exclusive."""

    begin_ms: int
    end_ms: int
    trigger_ms: int = 0


@dataclass(frozen=True, slots=True)
class VmsToken:
    """A vms_token from SOAP ``Login`` (MILESTONE_PROTOCOL.md §1).

    ``ttl_us`` is the TimeToLive in microseconds as the server sent it; ``obtained_monotonic`` is the
    monotonic clock (seconds) when the response arrived.
    """

    token: str
    ttl_us: int
    obtained_monotonic: float
    registration_time: str = ""
    extra: dict[str, str] = field(default_factory=dict)
