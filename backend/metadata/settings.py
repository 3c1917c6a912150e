"""The ``[metadata]`` settings section (``backend.settings.BackendSettings.metadata``), env ``METADATA_*``.

Kept apart from ``backend.settings`` so that module stays small; it imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MetadataSettings(BaseModel):
    """Tags, annotations, incidents and their full-text search (``backend.metadata``).

    ``total_cap``: the ``total`` of an incident list filtered without words is counted exactly up to this
    many incidents and reported as this number above it (a text search's total is always exact: it comes
    with the ranking).
    ``snippet_words``: words of context in a search hit's snippet (around the matches).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    total_cap: int = Field(default=1000, ge=10, le=1_000_000)
    snippet_words: int = Field(default=16, ge=4, le=64)
