"""Guess a camera's agency (quota group, DESIGN.md §6) from its XProtect name; the administrator can override.

Sites name cameras after their owner (the simulator: ``DUBAI_POLICE - Sheikh Zayed Rd Interchange 1``), so the
first agency word found in the name wins: "police" -> DUBAI_POLICE, "metro" or "tram" -> METRO, "bus" -> BUS,
else OTHER.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[A-Z0-9]+")
_KEYWORDS = (
    ("DUBAI_POLICE", ("POLICE",)),
    ("METRO", ("METRO", "TRAM")),
    ("BUS", ("BUS", "BUSES")),
)


def guess_agency(name: str) -> str:
    """The agency suggested by ``name``: DUBAI_POLICE, METRO, BUS or OTHER (case and separators ignored).

    The earliest keyword in the name decides, so ``METRO - Bus Interchange`` is METRO.
    """
    words = _WORDS.findall(name.upper().replace("_", " "))
    for word in words:
        for agency, keys in _KEYWORDS:
            if word in keys:
                return agency
    return "OTHER"
