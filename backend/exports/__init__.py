"""Evidence exports (issue 7 §1): footage of cameras over a range packed as MP4 files with a manifest in a ZIP.

Modules: ``settings`` (ExportSettings), ``errors`` (bilingual errors), ``store`` (the ``exports`` table),
``plan`` (which footage comes from where), ``mp4`` (stream copy with an exact frame range), ``sources`` (local
segments and XProtect's ImageServer), ``mask`` (faces blurred), ``manifest`` (manifest, ZIP, verification),
``job`` (one export), ``service`` (jobs, progress events, cancellation, clean-up), ``component``.
"""
