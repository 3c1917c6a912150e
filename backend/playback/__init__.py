"""Recordings query, timeline, snapshots and playback sources over XProtect and the backend's own segments.

Layout: ``ranges`` (times and ranges of requests), ``merge`` (pure interval rules), ``local_index`` (SQL over
segments and sessions), ``milestone_source`` (XProtect sequences and snapshots), ``outages`` (the gap reasons'
log), ``cache`` (TTL cache), ``query`` (query and timeline), ``snapshot``/``media``/``sources``/``access``
(reading recordings), ``component`` (the lifespan component). Wire contract: ``backend.api.schemas_playback``.
"""
