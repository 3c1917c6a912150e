"""Every user-visible string goes through Qt's translation functions, and the .ts source is up to date.

A pseudo-translation (each source text wrapped in ‹…›) is built at test time with pyside6-lupdate/lrelease and
installed as the Arabic catalogue; every text the main window and the login dialog show must then come out
wrapped, and the layout must flip to right-to-left.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import keyring.backends.null
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QLabel, QLineEdit, QToolButton

from app.credentials import CredentialStore
from app.i18n import install_translators
from app.settings import Settings
from app.viewmodels import MainViewModel, state_text
from media.stream_stats import StreamState
from widgets.shell import create_main_window

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SOURCES = sorted(str(p.relative_to(REPO)) for d in ("app", "widgets") for p in (REPO / d).rglob("*.py"))


def _messages(ts: Path) -> set[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    return {(c.findtext("name"), m.findtext("source")) for c in root.iter("context") for m in c.iter("message")}


@pytest.fixture(scope="module")
def pseudo_catalogue(tmp_path_factory) -> tuple[Path, Path]:
    """(directory holding control_room_ar.qm with the pseudo-translation, the freshly extracted .ts)."""
    out = tmp_path_factory.mktemp("i18n")
    ts = out / "fresh.ts"
    cmd = [str(BIN / "pyside6-lupdate"), *SOURCES, "-locations", "none", "-target-language", "ar", "-ts", str(ts)]
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    tree = ET.parse(ts)
    for message in tree.getroot().iter("message"):
        translation = message.find("translation")
        translation.text = f"‹{message.findtext('source')}›"
        translation.attrib.pop("type", None)
    pseudo = out / "control_room_ar.ts"
    tree.write(pseudo, encoding="utf-8", xml_declaration=True)
    qm = out / "control_room_ar.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), str(pseudo), "-qm", str(qm)], check=True, capture_output=True)
    return out, ts


def test_committed_ts_source_lists_every_translatable_string(pseudo_catalogue):
    _, fresh = pseudo_catalogue
    committed = _messages(REPO / "translations" / "control_room_ar.ts")
    missing = _messages(fresh) - committed
    assert not missing, f"run pyside6-lupdate (see app/i18n.py): {sorted(missing)[:5]}"
    assert len(committed) > 40


def test_every_visible_string_is_translated_and_arabic_flips_the_layout(qapp, qtbot, pseudo_catalogue):
    directory, _ = pseudo_catalogue
    translators = install_translators(qapp, "ar", directory)
    try:
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
        vm = MainViewModel(Settings(None, environ={}), CredentialStore(keyring.backends.null.Keyring()), None)
        window = create_main_window(qapp, vm)
        qtbot.addWidget(window)
        dialog = window.show_login()
        texts: list[str] = [window.windowTitle(), dialog.windowTitle()]
        for root in (window, dialog):
            for widget in root.findChildren(QLabel):
                texts.append(widget.text())
            for widget in root.findChildren(QAbstractButton):
                if isinstance(widget, QToolButton) and widget.defaultAction() in window.layout_actions.values():
                    continue  # layout names ("2×2", "1+5") are the same in every language
                if isinstance(widget, QCheckBox) or widget.text():
                    texts.append(widget.text())
            for widget in root.findChildren(QLineEdit):
                if widget.placeholderText():
                    texts.append(widget.placeholderText())
        texts += [state_text(s) for s in StreamState]
        texts = [t.replace("&", "") for t in texts if t.strip()]
        # Ours come out wrapped in ‹…›; Qt's own buttons (Cancel) come from the installed qtbase_ar catalogue.
        untranslated = [t for t in texts if "‹" not in t and not any("\u0600" <= ch <= "\u06ff" for ch in t)]
        assert not untranslated, f"strings shown without translation: {untranslated}"
        assert len(texts) > 15
        window.close()
    finally:
        for translator in translators:
            QApplication.removeTranslator(translator)
        qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
