"""Stream quotas: how many live views and recordings each agency may hold at once.

``base`` defines the store interface (``QuotaStore``), the records and the error; ``sql_store`` keeps the
reservations in the backend's database (the embedded default), ``redis_store`` in Valkey/Redis (shared by
several backends).
"""
