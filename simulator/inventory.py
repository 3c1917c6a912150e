"""The simulator's site: recording servers, hardware and cameras, as pure functions of a camera count.

Every id is a deterministic, lower-case GUID (uuid5 of the item's index), as the XProtect REST Config API
returns them (MILESTONE_PROTOCOL.md §2), so that ids survive simulator restarts and tests can compute them.
A camera's index is also the ``camera_index`` in the stamp of every frame it produces (media.stamp).

Layout: ``camera_count`` enabled cameras split across two recording servers (the first half on "Recording
Server 1"), one hardware device per camera, plus one extra, disabled camera (index ``camera_count``) on the
last recording server, visible over REST only with ``?disabled``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

NAMESPACE = uuid.UUID("5f6b0c3e-6a53-4f5e-9a43-1d9a4f1c2b70")
AGENCIES = ("DUBAI_POLICE", "METRO", "BUS", "OTHER")
LOCATIONS = (
    "Sheikh Zayed Rd Interchange",
    "Union Station Concourse",
    "Al Ghubaiba Bus Station",
    "Dubai Mall Entrance",
    "Al Maktoum Bridge",
    "Burjuman Station Platform",
    "Deira City Centre Bus Stop",
    "Jumeirah Beach Rd",
    "Business Bay Crossing",
    "Mall of the Emirates Station",
    "Al Rigga Rd",
    "Dubai Marina Walk",
)
RECORDER_COUNT = 2
TIME_ZONE = "Arabian Standard Time"
PRODUCT_VERSION = "25.2.1.1"


def _guid(kind: str, index: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{index}"))


def camera_id(index: int) -> str:
    """The camera GUID (lower case) of camera ``index`` (0-based, also its stamp camera_index)."""
    return _guid("camera", index)


def hardware_id(index: int) -> str:
    """The GUID of the hardware device holding camera ``index`` (one camera per hardware)."""
    return _guid("hardware", index)


def stream_id(index: int) -> str:
    """The stream reference id (upper-case GUID, as XProtect shows streamReferenceId) of camera ``index``."""
    return _guid("stream", index).upper()


def recorder_id(recorder_index: int) -> str:
    """The GUID of recording server ``recorder_index`` (0-based)."""
    return _guid("recorder", recorder_index)


def storage_id(recorder_index: int) -> str:
    """The GUID of the recording storage of recording server ``recorder_index``."""
    return _guid("storage", recorder_index)


def agency_of(index: int) -> str:
    """The agency prefix of camera ``index``: DUBAI_POLICE, METRO, BUS, OTHER in turn."""
    return AGENCIES[index % len(AGENCIES)]


def camera_name(index: int) -> str:
    """Camera name with the agency first, e.g. ``DUBAI_POLICE - Sheikh Zayed Rd Interchange 1``."""
    location = LOCATIONS[index % len(LOCATIONS)]
    return f"{agency_of(index)} - {location} {index // len(LOCATIONS) + 1}"


def recorder_of(index: int, camera_count: int) -> int:
    """Which recording server (0-based) holds camera ``index``: the first half on 0, the rest (and the
    disabled extra camera) on the last one."""
    half = (camera_count + 1) // 2
    return 0 if index < half else RECORDER_COUNT - 1


def manual_timeout_minutes(index: int) -> int:
    """The camera's ``manualRecordingTimeoutMinutes``: 5 for odd indexes, 15 for even ones."""
    return 5 if index % 2 else 15


@dataclass(frozen=True, slots=True)
class SimRecorder:
    """One recording server: where its ImageServer and RecorderCommandService listen."""

    index: int
    id: str
    name: str
    host: str
    port: int

    @property
    def web_server_uri(self) -> str:
        """Base URI of RecorderCommandService.asmx, ending with ``/`` (plain HTTP in the simulator)."""
        return f"http://{self.host}:{self.port}/"


@dataclass(frozen=True, slots=True)
class SimCamera:
    """One camera with its hardware; ``index`` is its stamp camera_index."""

    index: int
    id: str
    name: str
    hardware_id: str
    stream_id: str
    recorder_index: int
    enabled: bool
    ptz_enabled: bool
    manual_timeout_minutes: int
    longitude: float
    latitude: float

    @property
    def short_name(self) -> str:
        return f"CAM{self.index + 1:02d}"

    @property
    def hardware_address(self) -> str:
        return f"http://10.20.{self.recorder_index + 1}.{10 + self.index % 240}/"


@dataclass(frozen=True, slots=True)
class SimInventory:
    """All recording servers and cameras (the disabled extra camera included)."""

    recorders: tuple[SimRecorder, ...]
    cameras: tuple[SimCamera, ...]
    camera_count: int

    def camera(self, camera_guid: str) -> SimCamera | None:
        """The camera with this GUID (case-insensitive), or None."""
        wanted = camera_guid.strip().strip("{}").lower()
        for cam in self.cameras:
            if cam.id == wanted:
                return cam
        return None

    def hardware(self, hardware_guid: str) -> SimCamera | None:
        """The camera whose hardware has this GUID (case-insensitive), or None."""
        wanted = hardware_guid.strip().strip("{}").lower()
        for cam in self.cameras:
            if cam.hardware_id == wanted:
                return cam
        return None

    def recorder(self, recorder_guid: str) -> SimRecorder | None:
        """The recording server with this GUID (case-insensitive), or None."""
        wanted = recorder_guid.strip().strip("{}").lower()
        for rec in self.recorders:
            if rec.id == wanted:
                return rec
        return None

    def cameras_of(self, recorder_index: int) -> tuple[SimCamera, ...]:
        """Cameras held by one recording server, by index."""
        return tuple(c for c in self.cameras if c.recorder_index == recorder_index)


def build_inventory(camera_count: int, recorder_endpoints: list[tuple[str, int]]) -> SimInventory:
    """Build the site for ``camera_count`` enabled cameras and the recording servers' ``(host, port)``.

    Raises ValueError unless there are exactly RECORDER_COUNT endpoints and 1..4096 cameras.
    """
    if len(recorder_endpoints) != RECORDER_COUNT:
        raise ValueError(f"expected {RECORDER_COUNT} recording server endpoints, got {len(recorder_endpoints)}")
    if not 1 <= camera_count <= 4096:
        raise ValueError(f"camera count {camera_count} outside 1..4096")
    recorders = tuple(
        SimRecorder(k, recorder_id(k), f"Recording Server {k + 1}", host, port)
        for k, (host, port) in enumerate(recorder_endpoints)
    )
    cameras = tuple(_camera(i, camera_count, enabled=i < camera_count) for i in range(camera_count + 1))
    return SimInventory(recorders, cameras, camera_count)


def _camera(index: int, camera_count: int, enabled: bool) -> SimCamera:
    name = camera_name(index) if enabled else f"{agency_of(index)} - Decommissioned Camera {index + 1}"
    # Spread cameras over greater Dubai (around 25.2 N, 55.3 E), deterministically.
    lon = round(55.15 + (index * 0.0371) % 0.3, 5)
    lat = round(25.05 + (index * 0.0229) % 0.2, 5)
    return SimCamera(
        index=index,
        id=camera_id(index),
        name=name,
        hardware_id=hardware_id(index),
        stream_id=stream_id(index),
        recorder_index=recorder_of(index, camera_count),
        enabled=enabled,
        ptz_enabled=index % 3 == 0,
        manual_timeout_minutes=manual_timeout_minutes(index),
        longitude=lon,
        latitude=lat,
    )
