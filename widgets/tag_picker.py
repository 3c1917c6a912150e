"""A checkable list of the defined tags, grouped under their categories, each with its colour swatch: what the
New incident dialog and the incident editor of the Incidents dock pick an incident's tags with.

``set_tags(entries)`` with ``(id, name, colour #rrggbb, category)`` tuples keeps the checked ones that still
exist; ``checked_ids()`` / ``set_checked(ids)``; ``sigChanged()`` when a box is (un)checked. Category headers
are neither selectable nor checkable.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.viewmodels.tag_admin import category_text

from .theme import ACCENT, BASE, MUTED

TagEntry = tuple[int, str, str, str]  # id, name, colour, category
ID_ROLE = Qt.ItemDataRole.UserRole
# The dark palette draws an unticked box nearly invisibly: an outlined box, filled with the accent when ticked.
INDICATOR_STYLE = (
    f"QListWidget#tagPicker::indicator {{ width: 12px; height: 12px; border: 1px solid {MUTED};"
    f" border-radius: 3px; background: {BASE}; }}"
    f" QListWidget#tagPicker::indicator:checked {{ background: {ACCENT}; border-color: {ACCENT}; }}"
)


def colour_swatch(colour: str, size: int = 14) -> QIcon:
    """A rounded square of ``colour`` (#rrggbb) with a faint outline (dark colours stay visible)."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor(255, 255, 255, 70))
    p.setBrush(QColor(colour) if QColor.isValidColorName(colour) else QColor("#808080"))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pixmap)


class TagPicker(QListWidget):
    """See the module docstring."""

    sigChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagPicker")
        self.setIconSize(QSize(14, 14))
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setUniformItemSizes(False)
        self.setMinimumHeight(90)
        self.setStyleSheet(INDICATOR_STYLE)
        self._entries: list[TagEntry] = []
        self.itemChanged.connect(lambda _item: self.sigChanged.emit())

    def set_tags(self, entries: Iterable[TagEntry]) -> None:
        entries = list(entries)
        if entries == self._entries:
            return
        checked = set(self.checked_ids())
        self._entries = entries
        self.blockSignals(True)
        self.clear()
        groups: dict[str, list[TagEntry]] = {}
        for entry in entries:
            groups.setdefault(entry[3], []).append(entry)
        for category in sorted(groups, key=lambda c: (c == "", c.casefold())):
            if len(groups) > 1 or category:
                header = QListWidgetItem(category_text(category), self)
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                font = QFont(header.font())
                font.setBold(True)
                header.setFont(font)
            for tag_id, name, colour, _category in sorted(groups[category], key=lambda e: e[1].casefold()):
                item = QListWidgetItem(colour_swatch(colour), name, self)
                item.setData(ID_ROLE, tag_id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if tag_id in checked else Qt.CheckState.Unchecked)
        self.blockSignals(False)
        if not entries:
            empty = QListWidgetItem(self.tr("No tags are defined yet."), self)
            empty.setFlags(Qt.ItemFlag.NoItemFlags)

    def _tag_items(self) -> list[QListWidgetItem]:
        items = (self.item(i) for i in range(self.count()))
        return [i for i in items if i is not None and i.data(ID_ROLE) is not None]

    def checked_ids(self) -> list[int]:
        return [int(i.data(ID_ROLE)) for i in self._tag_items() if i.checkState() == Qt.CheckState.Checked]

    def set_checked(self, ids: Iterable[int]) -> None:
        wanted = {int(i) for i in ids}
        self.blockSignals(True)
        for item in self._tag_items():
            state = Qt.CheckState.Checked if int(item.data(ID_ROLE)) in wanted else Qt.CheckState.Unchecked
            item.setCheckState(state)
        self.blockSignals(False)

    def names(self) -> list[str]:
        """The tag names in the order shown."""
        return [i.text() for i in self._tag_items()]
