"""Settings and shared services of one simulator instance, passed explicitly to every protocol module."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from milestone.clock import Clock
from simulator.faults import FaultBoard
from simulator.glyphs import TextTiles
from simulator.inventory import SimInventory
from simulator.live import LiveHub
from simulator.manual import ManualRecordings
from simulator.scene import SceneRenderer
from simulator.timeline import FrameGrid, RecordedTimeline
from simulator.tokens import TokenAuthority
from simulator.users import UserDirectory

FRAME_WIDTH = 640
FRAME_HEIGHT = 360


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Command-line settings (see simulator.cli). Times in seconds; ports 0 = pick a free one."""

    password: str
    password_file: str
    host: str = "127.0.0.1"
    port: int = 0
    cameras: int = 8
    fps: int = 15
    token_ttl_s: float = 3600.0
    vms_token_ttl_s: float = 14400.0
    recorder_ports: tuple[int, int] = (0, 0)
    page_size_limit: int = 0
    minute_s: float = 60.0
    retention_s: float = 7 * 86_400.0
    encode_threads: int = 3


@dataclass
class SimulatorContext:
    """Everything the management server and the recording servers share."""

    config: SimulatorConfig
    clock: Clock
    inventory: SimInventory
    users: UserDirectory
    tokens: TokenAuthority
    manual: ManualRecordings
    grid: FrameGrid
    timeline: RecordedTimeline
    faults: FaultBoard
    pool: ThreadPoolExecutor
    live: LiveHub = field(init=False)
    _renderers: dict[int, SceneRenderer] = field(default_factory=dict)
    _tiles: TextTiles | None = None

    def __post_init__(self) -> None:
        self.live = LiveHub(self.renderer, self.grid, self.clock, self.pool)

    def renderer(self, camera_index: int) -> SceneRenderer:
        """The scene renderer of a camera (created on first use, then shared by live and playback)."""
        renderer = self._renderers.get(camera_index)
        if renderer is None:
            if self._tiles is None:
                self._tiles = TextTiles(max(12, FRAME_HEIGHT // 20))
            cam = self.inventory.cameras[camera_index]
            renderer = SceneRenderer(camera_index, cam.name, FRAME_WIDTH, FRAME_HEIGHT, self._tiles)
            self._renderers[camera_index] = renderer
        return renderer
