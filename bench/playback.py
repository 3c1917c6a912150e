"""Playback benchmark: timeline queries over one million segments, seek latency and reverse play rate.

    python bench/playback.py [--segments 1000000] [--cameras 50] [--queries 3000] [--seeks 100]

Runs the two measurements one after the other (never at the same time, so neither steals the other's CPU):

1. ``bench/playback_timeline.py``: a SQLite database with ``--segments`` index rows over ``--cameras``
   cameras, the real backend started on it, ``--queries`` timeline requests through the HTTP API with the
   cache out of the way; p99 of request-to-last-byte.
2. ``bench/playback_media.py``: random paused seeks (request to the frame with the expected stamp shown) on
   local MPEG-TS segments and on the simulator's ImageServer, and -1x reverse play at 640x360.

Prints as its last line::

    playback segments=1000000 timeline_p99_ms=T seek_local_p95_ms=A seek_milestone_p95_ms=B reverse_fps=R

Goals (issue "Timeline and VCR player"): T < 20, A < 300, B < 500, R = the source frame rate (15 fps).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=1_000_000)
    parser.add_argument("--cameras", type=int, default=50)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seeks", type=int, default=100)
    parser.add_argument("--reverse-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)

    from playback_media import measure_media
    from playback_timeline import measure_timeline

    timeline = measure_timeline(segments=args.segments, cameras=args.cameras, queries=args.queries)
    for resolution, figures in timeline["by_resolution"].items():
        print(
            f"  timeline {resolution:6s} buckets={figures['buckets']:5d} p50={figures['p50_ms']:.2f} ms "
            f"p99={figures['p99_ms']:.2f} ms",
            file=sys.stderr,
        )
    media = measure_media(seeks=args.seeks, reverse_seconds=args.reverse_seconds)
    for key, value in media.items():
        print(f"  {key}={value}", file=sys.stderr)
    print(
        f"playback segments={timeline['segments']} timeline_p99_ms={timeline['timeline_p99_ms']:.1f} "
        f"seek_local_p95_ms={media['seek_local_p95_ms']} seek_milestone_p95_ms={media['seek_milestone_p95_ms']} "
        f"reverse_fps={media['reverse_fps']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
