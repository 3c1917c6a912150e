"""The ``[metadata]`` settings section (``backend.settings.BackendSettings.metadata``), env ``METADATA_*``.

Kept apart from ``backend.settings`` so that module stays small; it imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MetadataSettings(BaseModel):
    """Tags, annotations, incidents and their full-text search (``backend.metadata``).

    ``total_cap``: a search's or a filtered incident list's ``total`` is counted exactly up to this many
    matches and reported as this number above it (counting a huge match set costs more than the page itself).
    ``snippet_words``: words of context in a search hit's snippet (around the matches).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    total_cap: int = Field(default=1000, ge=10, le=1_000_000)
    snippet_words: int = Field(default=16, ge=4, le=64)
