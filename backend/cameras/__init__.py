"""Cameras: import from XProtect, re-sync (renamed, moved, disabled, removed), administration."""
