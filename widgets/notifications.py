"""In-window notifications ("toasts"): short messages stacked in a corner of a host widget, fading by themselves.

Used for events the operator should notice without looking at the status bar (a recording started or stopped
on any camera). At most ``MAX_TOASTS`` show at once (the oldest goes first); each stays ``DURATION_MS``.
The stack follows the host's size and the layout direction (top-right, or top-left right-to-left).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

MAX_TOASTS = 4
DURATION_MS = 6000
WIDTH = 360
MARGIN = 14

STYLE = """
QLabel#toast { background: rgba(22, 27, 34, 235); color: #e6edf3; border: 1px solid #30363d;
               border-left: 3px solid %s; border-radius: 6px; padding: 9px 12px; font-size: 10pt; }
"""
COLOURS = {"info": "#2f81f7", "recording": "#f85149", "error": "#d29922"}  # the accent bar by kind


class ToastStack(QWidget):
    """A transparent overlay child of ``host`` showing toasts; ``show_message(text, kind)``."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self._host = host
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addStretch(1)
        self._toasts: list[QLabel] = []
        host.installEventFilter(self)
        self._place()
        self.hide()

    @property
    def messages(self) -> list[str]:
        """The texts showing now, oldest first."""
        return [toast.text() for toast in self._toasts]

    def show_message(self, text: str, kind: str = "info") -> None:
        """Show ``text`` (plain text) for a few seconds; ``kind``: info, recording or error (the accent colour)."""
        while len(self._toasts) >= MAX_TOASTS:
            self._dismiss(self._toasts[0])
        toast = QLabel(text, self)
        toast.setObjectName("toast")
        toast.setTextFormat(Qt.TextFormat.PlainText)
        toast.setWordWrap(True)
        toast.setStyleSheet(STYLE % COLOURS.get(kind, COLOURS["info"]))
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, toast)
        self._toasts.append(toast)
        QTimer.singleShot(DURATION_MS, toast, lambda: self._dismiss(toast))
        self.show()
        self.raise_()
        self._place()

    def _dismiss(self, toast: QLabel) -> None:
        if toast not in self._toasts:
            return
        self._toasts.remove(toast)
        toast.hide()
        toast.deleteLater()
        if not self._toasts:
            self.hide()
        self._place()

    def _place(self) -> None:
        host = self._host.rect()
        width = min(WIDTH, max(120, host.width() - 2 * MARGIN))
        height = 0
        for toast in self._toasts:
            toast.setFixedWidth(width)
            height += max(toast.heightForWidth(width), toast.sizeHint().height()) + 8
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        x = MARGIN if rtl else host.width() - width - MARGIN
        self.setGeometry(x, MARGIN, width, min(height, max(0, host.height() - 2 * MARGIN)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutDirectionChange):
            self._place()
        return False
