"""View-models of the operator application: QObjects with signals that widgets bind to (no widgets here)."""

from .camera_status import CameraStatus
from .camera_tree import CAMERA_MIME_TYPE, CameraFilterProxy, CameraTreeModel, camera_ids_from_mime
from .layouts import Cell, Layout
from .login import LoginViewModel
from .main import MainViewModel
from .tile import TileViewModel, state_text
from .tile_stats import TileStatsSnapshot
from .wall import WallViewModel

__all__ = [
    "CAMERA_MIME_TYPE",
    "CameraFilterProxy",
    "CameraStatus",
    "CameraTreeModel",
    "Cell",
    "Layout",
    "LoginViewModel",
    "MainViewModel",
    "TileStatsSnapshot",
    "TileViewModel",
    "WallViewModel",
    "camera_ids_from_mime",
    "state_text",
]
