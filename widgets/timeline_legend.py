"""The timeline's legend: what each lane colour means (recordings by store, motion, manual sessions, gap reasons,
the detections lane: a row per class, each in its own colour; the notes-and-tags lane: annotation markers and
tagged-range bars in their tag's colour).

One word-wrapped rich-text label: the entries flow onto a second line in a narrow window instead of widening it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from .detection_style import detection_colour
from .theme import MUTED
from .timeline_lanes import GAP_COLOURS, MOTION_COLOUR, RECORDED_COLOURS, SESSION_COLOURS
from .timeline_marks import ANNOTATION_COLOUR

CHIP = "■"
MARKER = "▼"  # the notes lane's annotation marker (a downward triangle)


class TimelineLegend(QLabel):
    """Colour chips with their meaning; ``entries`` lists ``(colour, text)`` as shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setStyleSheet(f"color: {MUTED}; font-size: 8.5pt;")
        self.retranslate()

    def retranslate(self) -> None:
        """The legend in the current language (from ``__init__`` and on a language change)."""
        self.entries: list[tuple[str, str]] = [
            (RECORDED_COLOURS["milestone"], self.tr("Recorded in XProtect")),
            (RECORDED_COLOURS["local"], self.tr("Recorded by the backend")),
            (MOTION_COLOUR, self.tr("Motion")),
            (SESSION_COLOURS["done"], self.tr("Manual recording")),
            (GAP_COLOURS["camera_offline"], self.tr("Camera offline")),
            (GAP_COLOURS["recorder_down"], self.tr("Recording server down")),
            (GAP_COLOURS["quota_denied"], self.tr("Quota full")),
            (GAP_COLOURS["upload_failed"], self.tr("Upload failed")),
            (GAP_COLOURS["unknown"], self.tr("No recording")),
            (detection_colour("person"), self.tr("Detections (a row per class)")),
            (ANNOTATION_COLOUR, self.tr("Notes and tags (▼ annotation, bar: tag)")),
        ]
        glyphs = [CHIP] * (len(self.entries) - 1) + [MARKER]
        chips = [
            f"<span style='color:{colour}; font-size:{12 if glyph == CHIP else 9}pt'>{glyph}</span>&nbsp;"
            + html.escape(text).replace(" ", "&nbsp;")
            for (colour, text), glyph in zip(self.entries, glyphs, strict=True)
        ]
        self.setText("&nbsp;&nbsp; ".join(chips))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
