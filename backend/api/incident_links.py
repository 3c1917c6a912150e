"""The incident a clip or an export is made for must exist (``incidentId`` in ClipCreate / ExportCreate).

Clips and exports keep ``incident_id`` as a plain integer (their tables do not depend on the metadata tables);
the routes check it here, through the metadata service, before anything is stored or queued.
"""

from __future__ import annotations

from fastapi import Request


async def require_incident(request: Request, incident_id: int | None) -> None:
    """Nothing when ``incident_id`` is None or names an incident. Raises IncidentNotFoundError (404
    ``incident_not_found``, bilingual). Without the metadata component (a backend built without it) there is
    nothing to check against and the id is kept as given."""
    if incident_id is None:
        return
    metadata = getattr(request.app.state, "metadata", None)
    if metadata is not None:
        await metadata.incident(incident_id)
