"""Users, roles, log-in sessions and the audit log of the backend (DESIGN.md §6 "Auth")."""
