"""The "Tags…" dialog: the tag definitions (colour, name, category) listed by category, and, for a user with
permission ``incidents``, their creation, renaming, recolouring (QColorDialog), recategorising and deletion
(confirmed first; tagged ranges and incidents lose the tag too).

Bound to a ``TagsViewModel``; non-modal. Selecting a tag fills the editor below the list; "Save" sends what
changed, "New tag" empties the editor to define one ("Create"). A refusal (a name already taken, no
permission) shows the backend's bilingual message in ``error_label``. ``task``: the last command's task; the
colour dialog is ``colour_dialog`` and the delete confirmation ``confirm`` (tests drive them).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.viewmodels.playback_time import format_instant, to_us
from app.viewmodels.recording_state import isolate
from app.viewmodels.tag_admin import DEFAULT_COLOUR, TagsViewModel, category_text, group_by_category

from .tag_picker import colour_swatch

ID_ROLE = Qt.ItemDataRole.UserRole


class TagsDialog(QDialog):
    """See the module docstring."""

    def __init__(self, vm: TagsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.task: Any = None
        self.colour_dialog: QColorDialog | None = None
        self.confirm: QMessageBox | None = None
        self.editing: int | None = None  # the tag in the editor; None: a new one
        self.colour = DEFAULT_COLOUR
        self.setWindowTitle(self.tr("Tags"))
        self.resize(560, 520)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("tagsTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Tag"), self.tr("Colour"), self.tr("Created by")])
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_current)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("muted")
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("Name, e.g. “Vehicle”"))
        self.category_combo = QComboBox(self)
        self.category_combo.setEditable(True)
        self.category_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        editor = self.category_combo.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("Category (optional), e.g. “Traffic”"))
        self.colour_button = QPushButton(self)
        self.colour_button.setAutoDefault(False)
        self.colour_button.clicked.connect(self.choose_colour)
        self.editor_title = QLabel(self)
        self.editor_title.setStyleSheet("font-weight: 600;")
        form = QFormLayout()
        form.addRow(self.editor_title)
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Category"), self.category_combo)
        form.addRow(self.tr("Colour"), self.colour_button)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #ff7b72;")
        self.error_label.setWordWrap(True)
        self.new_button = self._button(self.tr("New tag"), self.new_tag)
        self.delete_button = self._button(self.tr("Delete…"), self.delete_selected)
        self.save_button = self._button(self.tr("Save"), self.save)
        self.close_button = self._button(self.tr("Close"), self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.name_edit.textChanged.connect(self._sync_buttons)
        vm.sigChanged.connect(self._sync)
        self.new_tag()
        self._sync()
        vm.refresh()

    def _button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- view-model -> widgets --------------------------------------------------------------------------
    def _sync(self) -> None:
        vm = self._vm
        keep = self.editing
        self.tree.blockSignals(True)
        self.tree.clear()
        for category, tags in group_by_category(vm.tags):
            group = QTreeWidgetItem(self.tree, [category_text(category)])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for tag in tags:
                created = format_instant(to_us(tag.created_at), with_date=True)
                item = QTreeWidgetItem(group, [tag.name, tag.color.lower(), isolate(tag.created_by)])
                item.setIcon(0, colour_swatch(tag.color))
                item.setData(0, ID_ROLE, tag.id)
                item.setToolTip(0, self.tr("Created {0}").format(created))
                if tag.id == keep:
                    self.tree.setCurrentItem(item)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        if keep is not None and vm.tag(keep) is None:
            self.new_tag()  # it was deleted
        current = self.category_combo.currentText()
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItems(vm.categories())
        self.category_combo.setEditText(current)
        self.category_combo.blockSignals(False)
        if vm.busy and not vm.loaded:
            self.summary_label.setText(self.tr("Loading…"))
        elif not vm.tags:
            self.summary_label.setText(self.tr("No tags are defined yet."))
        else:
            self.summary_label.setText(self.tr("{0} tags.").format(len(vm.tags)))
        if not vm.can_edit:
            self.summary_label.setText(
                self.summary_label.text() + " " + self.tr("Changing tags needs the “incidents” permission.")
            )
        self.error_label.setText(vm.error)
        self.error_label.setVisible(bool(vm.error))
        self._sync_buttons()

    def _sync_buttons(self, *_args) -> None:
        editable = self._vm.can_edit
        for widget in (self.name_edit, self.category_combo, self.colour_button, self.new_button):
            widget.setEnabled(editable)
        self.delete_button.setEnabled(editable and self.editing is not None)
        self.save_button.setEnabled(editable and bool(self.name_edit.text().strip()))
        self.save_button.setText(self.tr("Create") if self.editing is None else self.tr("Save"))
        self.editor_title.setText(self.tr("New tag") if self.editing is None else self.tr("Edit tag"))
        self.colour_button.setIcon(colour_swatch(self.colour))
        self.colour_button.setText(self.colour.lower())

    def _on_current(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        tag_id = item.data(0, ID_ROLE) if item is not None else None
        if tag_id is None:
            return
        self.select_tag(int(tag_id))

    # --- commands ---------------------------------------------------------------------------------------
    def select_tag(self, tag_id: int) -> bool:
        """Put ``tag_id`` in the editor (and select its row)."""
        tag = self._vm.tag(tag_id)
        if tag is None:
            return False
        self.editing, self.colour = tag.id, tag.color
        self.name_edit.setText(tag.name)
        self.category_combo.setEditText(tag.category)
        item = self.item_of(tag_id)
        if item is not None and self.tree.currentItem() is not item:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)
        self._sync_buttons()
        return True

    def item_of(self, tag_id: int) -> QTreeWidgetItem | None:
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            for i in range(group.childCount() if group is not None else 0):
                item = group.child(i) if group is not None else None
                if item is not None and item.data(0, ID_ROLE) == tag_id:
                    return item
        return None

    def new_tag(self) -> None:
        """Empty the editor to define a new tag."""
        self.editing, self.colour = None, DEFAULT_COLOUR
        self.tree.blockSignals(True)
        self.tree.setCurrentIndex(QModelIndex())
        self.tree.clearSelection()
        self.tree.blockSignals(False)
        self.name_edit.clear()
        self.category_combo.setEditText("")
        self._sync_buttons()
        self.name_edit.setFocus()

    def choose_colour(self) -> QColorDialog:
        """A non-modal colour dialog; the chosen colour goes to ``set_colour``."""
        if self.colour_dialog is None:
            self.colour_dialog = QColorDialog(self)
            self.colour_dialog.setWindowTitle(self.tr("Tag colour"))
            self.colour_dialog.colorSelected.connect(self.set_colour)
        self.colour_dialog.setCurrentColor(QColor(self.colour))
        self.colour_dialog.open()
        return self.colour_dialog

    def set_colour(self, colour: QColor | str) -> None:
        value = QColor(colour)
        if value.isValid():
            self.colour = value.name()  # #rrggbb
            self._sync_buttons()

    def save(self) -> Any:
        """Create the new tag, or send what changed of the one in the editor."""
        name, category = self.name_edit.text(), self.category_combo.currentText()
        if self.editing is None:
            self.task = self._vm.runner.spawn(self._create(name, category), name="tag-create")
        else:
            coro = self._vm.update(self.editing, name=name, colour=self.colour, category=category)
            self.task = self._vm.runner.spawn(coro, name="tag-update")
        return self.task

    async def _create(self, name: str, category: str) -> bool:
        made = await self._vm.create(name, self.colour, category)
        if made is not None:
            self.select_tag(made.id)
        return made is not None

    def delete_selected(self) -> QMessageBox | None:
        """Ask (non-modal) whether to delete the tag in the editor; "Yes" deletes it (``confirm.task``)."""
        tag = self._vm.tag(self.editing) if self.editing is not None else None
        if tag is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete tag"),
            self.tr("Delete the tag “{0}”? It is also removed from every tagged range and incident.").format(tag.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.task = None  # type: ignore[attr-defined]

        def answered(button) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                box.task = self._vm.runner.spawn(self._vm.delete(tag.id), name="tag-delete")  # type: ignore[attr-defined]
                self.task = box.task  # type: ignore[attr-defined]

        box.buttonClicked.connect(answered)
        self.confirm = box
        box.open()
        return box
