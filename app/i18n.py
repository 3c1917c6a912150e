"""Translations: the application's ``.qm`` catalogue and Qt's own ``qtbase_<lang>`` (DESIGN.md §7).

Catalogues are named ``translations/control_room_<lang>.qm`` (built from the ``.ts`` sources with
``pyside6-lrelease``). A missing catalogue is not an error: the source strings (English) are shown.
Right-to-left languages flip the application's layout direction.

After changing user-visible strings, regenerate the source catalogue (tests/test_gui_i18n.py checks it)::

    .venv/bin/pyside6-lupdate $(find app widgets -name '*.py' | sort) -locations none -no-obsolete \
        -target-language ar -ts translations/control_room_ar.ts
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
CATALOGUE_PREFIX = "control_room_"


def install_translators(app: QApplication, language: str = "", directory: Path = TRANSLATIONS_DIR) -> list[QTranslator]:
    """Install the app and qtbase translators for ``language`` (a BCP 47 name like ``ar``; "" = system locale).

    Returns the installed translators (the caller keeps them alive for the application's lifetime). Sets
    ``QLocale.setDefault`` and the layout direction (right-to-left for Arabic, Hebrew, ...).
    """
    locale = QLocale(language) if language else QLocale.system()
    QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    qtbase = QTranslator(app)
    if qtbase.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    ours = QTranslator(app)
    if ours.load(locale, CATALOGUE_PREFIX.rstrip("_"), "_", str(directory)):
        app.installTranslator(ours)
        installed.append(ours)
    elif locale.language() not in (QLocale.Language.English, QLocale.Language.C):
        log.info("no translation catalogue for %s in %s; showing English", locale.name(), directory)
    direction = locale.textDirection()
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft
        if direction == Qt.LayoutDirection.RightToLeft
        else Qt.LayoutDirection.LeftToRight
    )
    return installed
