"""The recordings panel "View recordings" opens: the player over the timeline, with the range picker on top.

Bound to ``PlaybackViewModel`` (and its ``timeline``). The panel takes keyboard focus when it opens, so the VCR
shortcuts work at once (see ``widgets.player``). Snapshots: a file dialog (non-modal) asks where, the
view-model writes the file. Each video surface says why it shows no picture: loading, an error, or no recording
at the playhead (with the gap's reason).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, QStandardPaths, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from app.viewmodels.playback import PlaybackViewModel
from app.viewmodels.playback_channel import PlaybackChannel
from app.viewmodels.recording_state import isolate

from .evidence_bar import EvidenceBar
from .player import PlayerWidget
from .theme import BORDER, PANEL
from .timeline import TimelineWidget
from .timeline_legend import TimelineLegend
from .timeline_range import RangeBar

TIMELINE_SHARE = 0.45  # the timeline takes at most this share of the panel's height, then scrolls
TIMELINE_MIN_PX = 150

STYLE = f"""
#playbackPanel {{ background: {PANEL}; }}
QLabel#playbackTitle {{ font-size: 12pt; font-weight: 600; }}
#timelineBox {{ background: {PANEL}; border-top: 1px solid {BORDER}; }}
"""


class ElidedLabel(QLabel):
    """A one-line label that elides its text instead of widening the window (the full text is its tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        p.setPen(self.palette().windowText().color())
        p.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading), text)
        p.end()


class PlaybackPanel(QWidget):
    """See the module docstring. ``player`` (PlayerWidget), ``timeline`` (TimelineWidget), ``range_bar``,
    ``evidence_bar`` (EvidenceBar for ``evidence``, an EvidenceViewModel; None without one)."""

    def __init__(self, vm: PlaybackViewModel, parent: QWidget | None = None, zone=None, evidence=None) -> None:
        super().__init__(parent)
        self._vm = vm
        self._statuses: dict[int, str] = {}
        self.snapshot_dialog: QFileDialog | None = None
        self.setObjectName("playbackPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.title = ElidedLabel(self)
        self.title.setObjectName("playbackTitle")
        self.range_bar = RangeBar(vm.timeline, self)
        self.player = PlayerWidget(vm, self.status_of, self)
        self.player.sigSnapshotRequested.connect(self.ask_snapshot_path)
        self.legend = TimelineLegend(self)
        self.timeline = TimelineWidget(vm.timeline, self, zone=zone)
        self.date_label = QLabel(self)
        self.date_label.setObjectName("muted")
        header = QHBoxLayout()
        header.setContentsMargins(10, 8, 10, 6)
        header.setSpacing(12)
        header.addWidget(self.title, 1)
        header.addWidget(self.range_bar)
        box = QWidget(self)
        box.setObjectName("timelineBox")
        box.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # time flows left to right, also in Arabic
        box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        lower = QVBoxLayout(box)
        lower.setContentsMargins(6, 4, 6, 4)
        lower.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.date_label, 0, Qt.AlignmentFlag.AlignTop)
        top.addSpacing(16)
        top.addWidget(self.legend, 1)
        lower.addLayout(top)
        # The selection's line and buttons, the timeline's context menu, I / O / A (with a backend).
        self.evidence_bar = EvidenceBar(evidence, self.timeline, box) if evidence is not None else None
        if self.evidence_bar is not None:
            lower.addWidget(self.evidence_bar)
        # Many cameras, each with its detection classes, make a tall timeline: it scrolls instead of squeezing
        # the player (at most TIMELINE_SHARE of the panel's height).
        self.timeline_scroll = QScrollArea(box)
        self.timeline_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.timeline_scroll.setWidgetResizable(True)
        self.timeline_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline_scroll.setWidget(self.timeline)
        lower.addWidget(self.timeline_scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.player, 1)
        layout.addWidget(box)
        vm.sigChannelsChanged.connect(self._on_channels)
        vm.sigOpened.connect(self._on_opened)
        vm.sigPositionChanged.connect(self._refresh_statuses)
        vm.timeline.sigLanesChanged.connect(self._refresh_statuses)
        vm.timeline.sigVisibleChanged.connect(self._on_visible)
        vm.timeline.sigRowsChanged.connect(self._fit_timeline)  # after the timeline's own slots (connected first)
        vm.timeline.sigDetectionsChanged.connect(self._fit_timeline)
        self.timeline.view.sigXRangeChanged.connect(self._on_visible)
        self._on_channels()
        self.retranslate()

    def retranslate(self) -> None:
        """Texts in the current language (from ``__init__`` and on a language change): title, the dates over
        the timeline (in the ``calendar`` setting's calendar), the players' status texts."""
        self._set_title()
        self._on_visible()
        self._statuses = {}
        self._refresh_statuses()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- view-model -> widgets --------------------------------------------------------------------------
    def _on_channels(self) -> None:
        self._set_title()
        self._statuses = {}
        for surface in self.player.surfaces:
            surface.channel.sigStateChanged.connect(self._refresh_statuses)

    def _set_title(self) -> None:
        names = ", ".join(isolate(c.name) for c in self._vm.channels)
        self.title.setText(self.tr("Recordings: {0}").format(names) if names else self.tr("Recordings"))

    def _on_opened(self) -> None:
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_visible(self, *_args) -> None:
        x0, x1 = self.timeline.visible_x()
        self.date_label.setText(self.timeline.axis.date_text(x0, x1))

    def status_of(self, channel: PlaybackChannel) -> str:
        """What keeps ``channel``'s picture from showing: an error, loading, or no recording at the position."""
        if channel.error_text:
            return channel.error_text
        position = self._vm.position_us
        lanes = self._vm.timeline.lanes(channel.camera_id)
        gap = lanes.gap_at(position) if position is not None and lanes is not None else None
        if channel.in_gap or gap is not None:
            reason = gap.text if gap is not None and gap.reason is not None else ""  # an unknown one: no more to say
            lines = [self.tr("No recording at this time."), reason]
            return "\n".join(line for line in lines if line)
        if channel.buffering and channel.image is None:
            return self.tr("Loading…")
        return ""

    def _refresh_statuses(self, *_args) -> None:
        for surface in self.player.surfaces:
            text = surface.status_text()
            if self._statuses.get(id(surface)) != text:
                self._statuses[id(surface)] = text
                surface.update()

    def _fit_timeline(self) -> None:
        """The scroll area is as tall as the timeline, up to ``TIMELINE_SHARE`` of the panel."""
        wanted = self.timeline.minimumSizeHint().height() + 2
        limit = max(TIMELINE_MIN_PX, round(self.height() * TIMELINE_SHARE))
        self.timeline_scroll.setFixedHeight(min(wanted, limit))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_timeline()

    # --- snapshot ---------------------------------------------------------------------------------------
    def ask_snapshot_path(self) -> QFileDialog:
        """Open the (non-modal) save dialog; the chosen file goes to ``vm.snapshot``."""
        if self.snapshot_dialog is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
            dialog = QFileDialog(self, self.tr("Save snapshot"))
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setNameFilters([self.tr("PNG image (*.png)"), self.tr("JPEG image (*.jpg)")])
            dialog.setDefaultSuffix("png")
            dialog.setDirectory(folder or str(Path.home()))
            dialog.fileSelected.connect(self._vm.snapshot)
            self.snapshot_dialog = dialog
        self.snapshot_dialog.selectFile(self._vm.snapshot_name())
        self.snapshot_dialog.open()
        return self.snapshot_dialog

    # --- keyboard ---------------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.player.handle_key(event):
            return
        if self.evidence_bar is not None and self.evidence_bar.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)
