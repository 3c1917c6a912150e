"""How the wall's tiles behave, from the operator's settings: the name/state band over live video, double-click
to maximise, keeping the picture's aspect ratio. Every tile widget reads it when painting or handling a
double-click and repaints on ``sigChanged``."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..settings import Settings


class TileBehaviour(QObject):
    """``overlays``: draw the camera name and state band over live video (a tile that is not live always says
    why); ``double_click_maximise``: a double-click maximises/restores the tile (the context menu always can);
    ``keep_aspect``: letterbox the picture (False: stretch it to the whole tile). ``sigChanged()`` after
    ``update``."""

    sigChanged = Signal()

    def __init__(
        self, overlays: bool = True, double_click_maximise: bool = True, keep_aspect: bool = True, parent=None
    ):
        super().__init__(parent)
        self.overlays = overlays
        self.double_click_maximise = double_click_maximise
        self.keep_aspect = keep_aspect

    @classmethod
    def from_settings(cls, settings: Settings, parent=None) -> TileBehaviour:
        """The behaviour the settings' ``tile_*`` options describe."""
        behaviour = cls(parent=parent)
        behaviour.load(settings)
        return behaviour

    def load(self, settings: Settings) -> None:
        """Take the ``tile_*`` options of ``settings``; emits ``sigChanged`` when something changed."""
        self.update(
            bool(settings.get("tile_overlays")),
            bool(settings.get("tile_double_click_maximise")),
            bool(settings.get("tile_keep_aspect")),
        )

    def update(self, overlays: bool, double_click_maximise: bool, keep_aspect: bool) -> None:
        """Change the behaviour; emits ``sigChanged`` when something changed."""
        new = (overlays, double_click_maximise, keep_aspect)
        if new != (self.overlays, self.double_click_maximise, self.keep_aspect):
            self.overlays, self.double_click_maximise, self.keep_aspect = new
            self.sigChanged.emit()
