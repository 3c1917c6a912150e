"""Which screen a saved wall goes to: screens by identity, and the reflow when a wall's screen is missing.

A wall layout remembers its screen as Qt names it: ``{"name", "model", "manufacturer", "serial"}`` (QScreen
name(), model(), manufacturer(), serialNumber(); any may be "": X11 and the offscreen platform give only the
name). A saved identity finds its screen by serial number first, then by model and manufacturer, then by name
(connector names such as ``HDMI-2`` move when cables do; serial numbers do not). A wall whose screen is not
connected is reflowed onto the remaining screens, primary first, then the screen with the fewest reflowed walls
(so several orphaned walls spread out instead of piling up).

Pure data and functions; ``screens_of(QGuiApplication)`` reads the live screens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle in logical pixels of the virtual desktop."""

    x: int
    y: int
    width: int
    height: int

    def as_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}

    @classmethod
    def from_dict(cls, value: dict[str, Any] | None) -> Rect | None:
        if not value:
            return None
        return cls(int(value["x"]), int(value["y"]), int(value["width"]), int(value["height"]))


@dataclass(frozen=True, slots=True)
class ScreenIdentity:
    """How Qt names a screen; "" where the platform does not say."""

    name: str = ""
    model: str = ""
    manufacturer: str = ""
    serial: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "model": self.model, "manufacturer": self.manufacturer, "serial": self.serial}

    @classmethod
    def from_dict(cls, value: dict[str, Any] | None) -> ScreenIdentity:
        value = value or {}
        return cls(*(str(value.get(key) or "") for key in ("name", "model", "manufacturer", "serial")))

    @property
    def label(self) -> str:
        """A human name: "<name> (<manufacturer> <model>)" or the parts there are."""
        product = " ".join(p for p in (self.manufacturer, self.model) if p)
        if self.name and product:
            return f"{self.name} ({product})"
        return self.name or product or self.serial

    @property
    def empty(self) -> bool:
        return not (self.name or self.model or self.manufacturer or self.serial)


@dataclass(frozen=True, slots=True)
class ScreenInfo:
    """A connected screen: its identity, its available geometry (without task bars) and whether it is primary."""

    identity: ScreenIdentity
    available: Rect
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a wall opens: ``screen``; ``geometry`` (None: the screen's available area); ``reflowed`` True when
    the saved screen was missing (the operator is warned)."""

    screen: ScreenInfo
    geometry: Rect | None
    full_screen: bool
    reflowed: bool = False


def match_screen(wanted: ScreenIdentity, screens: Sequence[ScreenInfo]) -> ScreenInfo | None:
    """The connected screen ``wanted`` names: same serial, else same model and manufacturer (both known), else
    same name. None when no screen matches (or ``wanted`` is empty)."""
    if wanted.serial:
        for screen in screens:
            if screen.identity.serial == wanted.serial:
                return screen
    if wanted.model and wanted.manufacturer:
        for screen in screens:
            ident = screen.identity
            if (ident.model, ident.manufacturer) == (wanted.model, wanted.manufacturer):
                return screen
    if wanted.name:
        for screen in screens:
            if screen.identity.name == wanted.name:
                return screen
    return None


def fit(geometry: Rect | None, old: Rect | None, screen: Rect) -> Rect | None:
    """``geometry`` moved from screen area ``old`` (None: unknown) onto ``screen``: same offset from the screen's
    corner, shrunk and clamped to lie inside it. None stays None (the whole screen)."""
    if geometry is None:
        return None
    dx = geometry.x - old.x if old is not None else 0
    dy = geometry.y - old.y if old is not None else 0
    width, height = min(geometry.width, screen.width), min(geometry.height, screen.height)
    x = screen.x + max(0, min(dx, screen.width - width))
    y = screen.y + max(0, min(dy, screen.height - height))
    return Rect(x, y, width, height)


@dataclass
class Reflow:
    """Places walls one after another (``place``), spreading reflowed walls over the screens, primary first."""

    screens: Sequence[ScreenInfo]
    _reflowed: dict[int, int] = field(default_factory=dict)

    def place(self, wanted: ScreenIdentity, geometry: Rect | None, full_screen: bool) -> Placement | None:
        """Where a wall saved for ``wanted`` at ``geometry`` opens; None when there is no screen at all."""
        if not self.screens:
            return None
        found = match_screen(wanted, self.screens)
        if found is not None:
            return Placement(found, fit(geometry, found.available, found.available), full_screen)
        order = sorted(range(len(self.screens)), key=lambda i: (self._reflowed.get(i, 0), not self.screens[i].primary))
        index = order[0]
        self._reflowed[index] = self._reflowed.get(index, 0) + 1
        target = self.screens[index]
        # The old screen's area is unknown: keep the wall's size, put it at the new screen's corner.
        return Placement(target, fit(geometry, geometry, target.available), full_screen, reflowed=not wanted.empty)


def screens_of(app: Any) -> list[ScreenInfo]:
    """The connected screens of a QGuiApplication, primary first then in Qt's order."""
    primary = app.primaryScreen()
    out = [screen_info(screen, screen is primary) for screen in app.screens()]
    return sorted(out, key=lambda s: not s.primary)


def screen_info(screen: Any, primary: bool = False) -> ScreenInfo:
    """A QScreen as ScreenInfo."""
    g = screen.availableGeometry()
    ident = ScreenIdentity(screen.name(), screen.model(), screen.manufacturer(), screen.serialNumber())
    return ScreenInfo(ident, Rect(g.x(), g.y(), g.width(), g.height()), primary)


def labels(screens: Iterable[ScreenInfo]) -> list[str]:
    """Menu labels of ``screens`` (identity label, "primary" not included: the caller adds it translated)."""
    return [s.identity.label or f"#{i + 1}" for i, s in enumerate(screens)]
