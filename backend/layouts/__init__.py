"""Named wall layouts: saved, shared and changed through ``/api/v1/layouts`` (issue 8 §3)."""
