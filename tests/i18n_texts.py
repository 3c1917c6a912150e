"""Test helpers for the language tests: every text a window shows, and catalogues built at test time."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QWidget,
)

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = sorted(str(p.relative_to(REPO)) for d in ("app", "widgets") for p in (REPO / d).rglob("*.py"))
_TAGS = re.compile(r"<[^>]+>|&[a-z]+;")
_WORD = re.compile(r"[A-Za-z]{2,}")


def lrelease(ts: Path, qm: Path) -> Path:
    """Compile ``ts`` to ``qm`` with pyside6-lrelease; returns ``qm``."""
    subprocess.run([str(BIN / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    return qm


def pseudo_catalogue(directory: Path) -> Path:
    """``directory/control_room_ar.qm``: every source string of app/ and widgets/ "translated" as ‹source›
    (extracted afresh with pyside6-lupdate, so strings newer than the committed .ts are included)."""
    fresh = directory / "fresh.ts"
    cmd = [str(BIN / "pyside6-lupdate"), *SOURCES, "-locations", "none", "-target-language", "ar", "-ts", str(fresh)]
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    tree = ET.parse(fresh)
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        assert translation is not None
        if message.get("numerus") == "yes":
            for form in translation.iter("numerusform"):
                form.text = f"‹{message.findtext('source')}›"
        else:
            translation.text = f"‹{message.findtext('source')}›"
        translation.attrib.pop("type", None)
    pseudo = directory / "control_room_ar.ts"
    tree.write(pseudo, encoding="utf-8", xml_declaration=True)
    return lrelease(pseudo, directory / "control_room_ar.qm")


def visible_texts(root: QWidget, *, visible_only: bool = True) -> list[tuple[str, str]]:
    """(where, text) of every text ``root`` shows: window and dock titles, labels, buttons, actions, menus,
    tooltips, placeholders, combo box items, tab texts, item view headers. ``visible_only``: only widgets
    shown on screen now (and the menus of the menu bar, which the operator can open)."""
    out: list[tuple[str, str]] = [("window title", root.windowTitle())]

    def shown(widget: QWidget) -> bool:
        return not visible_only or widget.isVisible()

    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QMenu):
            continue  # below, with their actions
        if not shown(widget):
            continue
        name = type(widget).__name__
        if widget.toolTip():
            out.append((f"{name} tooltip", widget.toolTip()))
        if isinstance(widget, QDockWidget):
            out.append((f"{name} title", widget.windowTitle()))
        if isinstance(widget, QLabel):
            out.append((name, widget.text()))
        if isinstance(widget, QAbstractButton):
            out.append((name, widget.text()))
        if isinstance(widget, QLineEdit):
            out.append((f"{name} placeholder", widget.placeholderText()))
        if isinstance(widget, QComboBox):
            out += [(name, widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QTabBar):
            out += [(name, widget.tabText(i)) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            header = getattr(widget, "header", None) or getattr(widget, "horizontalHeader", None)
            if header is not None and header().isVisible():
                columns = model.columnCount(QModelIndex())
                horizontal = Qt.Orientation.Horizontal
                out += [(f"{name} header", str(model.headerData(i, horizontal) or "")) for i in range(columns)]
        for action in widget.actions():
            if action.isVisible() and not action.isSeparator():
                out.append(("action", action.text()))
                if action.toolTip() != action.text().replace("&", ""):
                    out.append(("action tooltip", action.toolTip()))
    menus = [m for m in root.findChildren(QMenu) if m.menuAction().isVisible()]
    for menu in menus:
        out.append(("menu", menu.title()))
        for action in menu.actions():
            if action.isVisible() and not action.isSeparator() and action.menu() is None:
                out.append(("menu action", action.text()))
    return [(where, text) for where, text in out if text and text.strip()]


def untranslated(texts: list[tuple[str, str]], allowed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """Texts with English words that are neither pseudo-translated (‹…›) nor Arabic, less ``allowed`` ones."""
    bad = []
    for where, text in texts:
        plain = _TAGS.sub(" ", text).replace("&", "")
        if plain.strip() in allowed or "‹" in plain or any("\u0600" <= ch <= "\u06ff" for ch in plain):
            continue
        if _WORD.search(plain):
            bad.append((where, text))
    return bad
