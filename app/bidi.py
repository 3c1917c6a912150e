"""Bidirectional-text helpers: keep numbers, times and camera names whole inside right-to-left text.

The Unicode bidi algorithm (UAX #9) reorders neutral characters (spaces, "-", ":", "/") by their neighbours;
a camera name like "Gate 3 - North" or a time "14:05:09" dropped into an Arabic sentence would come out
with its parts turned round. Isolating the inserted value (FSI U+2068 … PDI U+2069: "first strong isolate",
the value takes the direction of its own first strong letter) keeps it whole and keeps it from disturbing the
sentence around it. Dates and times use LRI (U+2066) and left-to-right marks so that Arabic-Indic digits keep
ISO order (``left_to_right``).

Qt-free on purpose: view-models, widgets and tests all use it.
"""

from __future__ import annotations

import re

FSI = "\u2068"  # FIRST STRONG ISOLATE
LRI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
RLI = "\u2067"  # RIGHT-TO-LEFT ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE
LRM = "\u200e"  # LEFT-TO-RIGHT MARK
_SEPARATOR = re.compile(r"([-:./ ])")


def isolate(text: object) -> str:
    """``text`` (a camera name, a number, anything inserted into a translated sentence) as FSI … PDI.

    Idempotent: an already isolated text is returned unchanged, so helpers may isolate what they insert
    without knowing whether the caller did.
    """
    value = str(text)
    if value.startswith((FSI, LRI, RLI)) and value.endswith(PDI):
        return value
    return f"{FSI}{value}{PDI}"


def left_to_right(text: str) -> str:
    """``text`` (a date or time) isolated left to right (LRI … PDI), with a left-to-right mark on both sides of
    every separator: Arabic-Indic digits are "Arabic numbers" to the bidi algorithm, and a "-" or a space between
    two of them would otherwise still turn the parts round."""
    return LRI + _SEPARATOR.sub(f"{LRM}\\1{LRM}", text) + PDI


def strip_controls(text: str) -> str:
    """``text`` without the isolates and marks above (for comparisons, file names and logs)."""
    return text.translate({ord(c): None for c in (FSI, LRI, RLI, PDI, LRM)})
