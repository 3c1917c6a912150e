"""Manual recording sessions: the operator's chosen duration, enforced by the backend (DESIGN.md §4, §6)."""
