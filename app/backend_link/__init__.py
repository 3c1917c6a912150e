"""The GUI's link to the backend (DESIGN.md §2, §6): the bundled backend as a child process
(``process.BundledBackend``), the REST client (``client.BackendClient``, ``client.BackendError``), the events
WebSocket client (``events.EventsClient``), how to reach the backend (``options``) and the connection that
ties them together for the view-models (``connection.BackendConnection``, a QObject).

The app layer imports nothing from ``backend`` except the wire contract ``backend.api.schemas*``.
"""
