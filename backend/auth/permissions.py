"""Roles and what each may do (DESIGN.md §6 "Auth"; issue 5 §4).

Three roles, each including the one before: an **operator** views cameras and recordings, records, and
annotates and tags footage; a **supervisor** also exports evidence and manages incidents; an **admin** also
imports cameras, changes stream quotas, manages users and reads the audit log. Routes ask
for a permission, never for a role, so that what a role may do is decided here alone. API tokens (the token
file) act for a service or an administrator and hold every permission.
"""

from __future__ import annotations

from collections.abc import Mapping

ROLES: tuple[str, ...] = ("operator", "supervisor", "admin")

VIEW = "view"  # cameras, recordings query, timeline, playback, live stream reservations, events
RECORD = "record"  # start, stop and extend manual recordings
EXPORT = "export"  # evidence exports and clips
ANNOTATE = "annotate"  # annotations (timeline markers) and tags on footage
INCIDENTS = "incidents"  # incidents, tag definitions, anyone's annotations
CAMERAS_MANAGE = "cameras.manage"  # import, synchronise and configure cameras
QUOTAS_MANAGE = "quotas.manage"  # change agencies' stream limits
USERS_MANAGE = "users.manage"  # create, change and disable users
AUDIT_READ = "audit.read"  # search the audit log

PERMISSIONS: tuple[str, ...] = (
    VIEW,
    RECORD,
    ANNOTATE,
    EXPORT,
    INCIDENTS,
    CAMERAS_MANAGE,
    QUOTAS_MANAGE,
    USERS_MANAGE,
    AUDIT_READ,
)

_OPERATOR = frozenset({VIEW, RECORD, ANNOTATE})
_SUPERVISOR = _OPERATOR | {EXPORT, INCIDENTS}
ROLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
    "operator": _OPERATOR,
    "supervisor": _SUPERVISOR,
    "admin": frozenset(PERMISSIONS),
}


def permissions_for(role: str) -> frozenset[str]:
    """The permissions of ``role``. Raises KeyError for an unknown role."""
    return ROLE_PERMISSIONS[role]
