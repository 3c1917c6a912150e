"""Stream quotas: how many live views and recordings each agency may hold at once.

``base`` defines the store interface (``QuotaStore``), the records and the error; ``sql_store`` keeps the
reservations in the backend's database (the embedded default), ``redis_store`` in Valkey/Redis (shared by
several backends). ``settings`` is the ``[quotas]`` settings section, ``service`` the async ``QuotaService``
the API uses (503 when the store is down, ``quota_changed`` events), ``component`` the lifespan component that
builds them (``app.state.quotas``) and sweeps expired reservations; the routes are ``backend.api.quotas``.
"""
