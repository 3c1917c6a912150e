"""Qt-free video engine (DESIGN.md §5).

Live path: ``media.engine.MediaEngine`` (I/O thread + decode pool) -> ``open_live`` -> ``media.live_stream.LiveStream``
handles; ``media.frames.DecodedFrame`` (BGRA numpy frames), ``media.stream_stats`` (StreamState, StreamStats),
``media.geometry.fit_size``, ``media.tokens.TokenSource``. ``media.stamp`` is the frame stamp shared with the
simulator. Nothing here imports Qt.
"""
