"""The status a camera shows in the camera tree (recording-agnostic)."""

from __future__ import annotations

from enum import Enum


class CameraStatus(Enum):
    """Camera status for the tree's icon: from the inventory (enabled) and the tiles' stream states.

    ONLINE: enabled, and no tile reported a problem (or a tile is live). DISABLED: disabled in XProtect.
    NO_PERMISSION: a tile was refused the live stream. OFFLINE: a tile lost the stream and is reconnecting.
    """

    ONLINE = "online"
    DISABLED = "disabled"
    NO_PERMISSION = "no_permission"
    OFFLINE = "offline"
