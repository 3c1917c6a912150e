"""Translations: the application's ``.qm`` catalogue and Qt's own ``qtbase_<lang>`` (DESIGN.md §7).

Catalogues are named ``translations/control_room_<lang>.qm`` (built from the ``.ts`` sources with
``pyside6-lrelease``). A missing catalogue is not an error: the source strings (English) are shown, with a
log line. Right-to-left languages flip the application's layout direction.

Switching at run time (``LanguageSwitcher.switch``) replaces the installed translators; Qt then sends
``QEvent.LanguageChange`` to the application object and to every window, and each persistent widget sets its
texts again in its ``retranslate()`` (called from ``__init__`` and ``changeEvent``). View-models are not
widgets: those whose properties produce translated text use ``LanguageChangeWatcher`` (the switcher's
``sigLanguageChanged``) and re-emit their change signals.

After changing user-visible strings, regenerate the source catalogue (tests/test_gui_i18n.py checks it)::

    .venv/bin/pyside6-lupdate $(find app widgets -name '*.py' | sort) -locations none -no-obsolete \
        -target-language ar -ts translations/control_room_ar.ts
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtWidgets import QApplication

from .calendars import CalendarSystem, set_calendar

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
CATALOGUE_PREFIX = "control_room_"
SWITCHER_NAME = "languageSwitcher"
LANGUAGES = ("en", "ar")  # offered in the View ▸ Language menu and the settings dialog


def _direction(locale: QLocale) -> Qt.LayoutDirection:
    if locale.textDirection() == Qt.LayoutDirection.RightToLeft:
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def _load(app: QApplication, locale: QLocale, directory: Path) -> tuple[list[QTranslator], bool]:
    """(translators loaded for ``locale``: qtbase then ours, whether our catalogue was found)."""
    loaded: list[QTranslator] = []
    qtbase = QTranslator(app)
    if qtbase.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        loaded.append(qtbase)
    ours = QTranslator(app)
    found = ours.load(locale, CATALOGUE_PREFIX.rstrip("_"), "_", str(directory))
    if found:
        loaded.append(ours)
    elif locale.language() not in (QLocale.Language.English, QLocale.Language.C):
        log.info("no translation catalogue for %s in %s; showing English", locale.name(), directory)
    return loaded, found


def install_translators(app: QApplication, language: str = "", directory: Path = TRANSLATIONS_DIR) -> list[QTranslator]:
    """Install the app and qtbase translators for ``language`` (a BCP 47 name like ``ar``; "" = system locale).

    Returns the installed translators (the caller keeps them alive for the application's lifetime). Sets
    ``QLocale.setDefault`` and the layout direction (right-to-left for Arabic, Hebrew, ...). For switching
    later, use ``LanguageSwitcher`` (it removes the previous translators first).
    """
    locale = QLocale(language) if language else QLocale.system()
    QLocale.setDefault(locale)
    installed, _found = _load(app, locale, directory)
    for translator in installed:
        app.installTranslator(translator)
    app.setLayoutDirection(_direction(locale))
    return installed


class LanguageSwitcher(QObject):
    """Owns the application's translators and switches language at run time, without a restart.

    ``switch(language)`` ("en", "ar", a BCP 47 name; "" = the system locale) sets ``QLocale.setDefault``,
    replaces the installed translators (ours and qtbase), sets the layout direction (right-to-left for
    Arabic) and returns whether our catalogue for the language was found (English needs none: True). A
    missing catalogue shows English (log line) but still applies the locale and direction of the language,
    so numbers and dates follow it. ``sigLanguageChanged(str)`` is emitted after every switch with the
    language; ``set_calendar`` chooses Gregorian or Hijri (Umm al-Qura) dates (``app.calendars``).

    Keep one per application (parented to it; ``for_app`` finds or makes it). Widgets retranslate on
    ``QEvent.LanguageChange``, which Qt posts to every window when a translator is installed or removed:
    run the event loop (or ``QCoreApplication.sendPostedEvents()``) before reading the new texts.
    """

    sigLanguageChanged = Signal(str)

    def __init__(self, app: QApplication, directory: Path = TRANSLATIONS_DIR) -> None:
        super().__init__(app)
        self.setObjectName(SWITCHER_NAME)
        self._app = app
        self._directory = directory
        self._installed: list[QTranslator] = []
        self._language = "en"

    @classmethod
    def for_app(cls, app: QApplication) -> LanguageSwitcher:
        """The application's switcher (a child of ``app``), created on first use."""
        found = app.findChild(LanguageSwitcher, SWITCHER_NAME)
        return found if isinstance(found, LanguageSwitcher) else cls(app)

    @property
    def language(self) -> str:
        """The current language ("en", "ar", …) as last passed to ``switch`` (before: "en")."""
        return self._language

    def adopt(self, translators: list[QTranslator], language: str) -> None:
        """Take over translators installed earlier with ``install_translators`` (removed at the next switch)."""
        self._installed = list(translators)
        self._language = language or QLocale.system().name().split("_")[0]

    def switch(self, language: str) -> bool:
        """Show the application in ``language``; see the class docstring. Returns whether the catalogue was
        found (always True for English)."""
        locale = QLocale(language) if language else QLocale.system()
        QLocale.setDefault(locale)  # first: view-models re-format numbers and dates on LanguageChange
        english = locale.language() in (QLocale.Language.English, QLocale.Language.C)
        loaded, found = ([], True) if english else _load(self._app, locale, self._directory)
        for translator in self._installed:
            QCoreApplication.removeTranslator(translator)
            translator.deleteLater()
        self._installed = []
        for translator in loaded:
            self._app.installTranslator(translator)
            self._installed.append(translator)
        if not self._installed:
            # Removing the last translator already sent LanguageChange, unless nothing was installed before:
            # send one anyway so that a switch always retranslates (e.g. the first switch to English).
            QCoreApplication.sendEvent(self._app, QEvent(QEvent.Type.LanguageChange))
        self._app.setLayoutDirection(_direction(locale))
        self._language = language or locale.name().split("_")[0]
        log.info("language switched to %s (%s)", locale.name(), "catalogue" if found else "no catalogue: English")
        self.sigLanguageChanged.emit(self._language)
        return found

    def set_calendar(self, system: CalendarSystem | str) -> None:
        """Show dates in ``system`` ("gregorian" / "hijri") from now on, and have every text set again."""
        set_calendar(system if isinstance(system, CalendarSystem) else CalendarSystem.parse(system))
        QCoreApplication.sendEvent(self._app, QEvent(QEvent.Type.LanguageChange))
        self.sigLanguageChanged.emit(self._language)


class LanguageChangeWatcher(QObject):
    """Calls ``callback()`` after every ``LanguageSwitcher.switch`` / ``set_calendar`` of the application.

    For view-models, which are not widgets and so get no ``changeEvent``: they re-emit the change signals of
    their translated properties from the callback. Parent it to the view-model; it stops with it. (It listens
    to the switcher's signal rather than filtering the application's events: an event filter on the
    application object would run Python code for every event of every object.)
    """

    def __init__(self, parent: QObject, callback: Callable[[], None]) -> None:
        super().__init__(parent)
        self._callback = callback
        app = QCoreApplication.instance()
        if isinstance(app, QApplication):
            LanguageSwitcher.for_app(app).sigLanguageChanged.connect(self._changed)

    def _changed(self, _language: str) -> None:
        self._callback()
