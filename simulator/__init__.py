"""XProtect-compatible simulator (DESIGN.md §2; MILESTONE_PROTOCOL.md "What the simulator must reproduce").

Run it with ``python main.py simulator`` (``simulator.cli``); start it from tests with
``simulator.launcher.SimulatorProcess``. Module map:

- wiring: ``cli`` (options, ready line, signals), ``server`` (sockets, uvicorn + recording servers in one
  loop), ``context`` (settings and shared services)
- management server: ``management`` (Starlette app), ``idp`` (token endpoint, well-known URIs),
  ``soap_login`` (ServerCommandService Login), ``rest`` + ``rest_json`` (Config API), ``faults`` (test-only
  fault injection)
- recording servers: ``recorder_server`` (protocol sniffing, h11 HTTP), ``imageserver`` (ImageServer TCP
  sessions), ``recorder_soap`` (RecorderCommandService), ``soap_xml`` (SOAP helpers)
- video: ``live`` (one encoder per camera, broadcast), ``playback`` (goto/next/previous, GOPs on demand),
  ``scene`` + ``backgrounds`` + ``glyphs`` (frame renderer), ``media.encoder`` (H.264 / JPEG)
- site and time: ``inventory`` (ids, names, layout), ``users`` (admin/operator permissions), ``tokens``
  (access tokens and vms_tokens), ``history`` (pure recorded history), ``manual`` (manual recordings),
  ``timeline`` (frame grid, recorded sequences up to now)
- ``probe``: raw protocol probes for tests and benchmarks
"""
