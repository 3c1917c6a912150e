"""Search latency over many incidents and annotations (issue 7 performance; ``backend.metadata.search``).

``search_p99_ms(n_items=100_000)`` fills a scratch SQLite database (migrated to head, so the FTS5 index and
its triggers are the production ones) with ``n_items`` rows - half incidents, half annotations - of
control-room text in English and Arabic (some with harakat), on 12 cameras of 4 agencies, through the models'
bulk insert; then times SEARCHES varied searches through the service's search functions on the read-only
engine (one and two words, prefixes, Arabic with and without diacritics, filters by camera, agency, severity,
user and time, incident lists by text and by filters) and returns the 99th percentile in ms.

Run: ``PYTHONPATH=. .venv/bin/python bench/metadata_search.py [N]`` -> last line
``metadata_search p99_ms=S items=N``.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.db.engine import Database
from backend.db.migrate import upgrade_to_head
from backend.db.models import Camera
from backend.db.models_metadata import Annotation, Incident
from backend.db.reads import ReadDatabase
from backend.metadata.search import SearchFilter, incident_page, search
from backend.metadata.settings import MetadataSettings
from backend.metadata.text import fold, search_words

SEARCHES = 400
BATCH = 5000
AGENCIES = ("DUBAI_POLICE", "METRO", "BUS", "OTHER")
USERS = ("olga", "sam", "ada", "omar", "fatima", "token:ops")
EN_TEXT = (
    "vehicle collision lane blocked northbound southbound pedestrian crossing red light fire smoke "
    "alarm suspicious package unattended bag platform station gate crowd congestion bus stop metro "
    "train delay fight assault theft pickpocket wallet phone stolen motorbike truck taxi ambulance "
    "police patrol injury medical emergency evacuation escalator elevator broken camera offline "
    "vandalism graffiti parking violation speeding wrong way driver helmet cyclist child lost found "
    "missing person intersection roundabout tunnel bridge highway exit junction barrier closed "
    "reopened cleared"
)
EN = EN_TEXT.split()
AR_TEXT = (
    "حادث سيارة تصادم مسار مغلق مشاة عبور إشارة حمراء حريق دخان إنذار طرد مشبوه حقيبة منصة محطة "
    "بوابة ازدحام حافلة مترو قطار تأخير شجار اعتداء سرقة محفظة هاتف مسروق دراجة شاحنة سيارة أجرة "
    "إسعاف شرطة دورية إصابة طوارئ إخلاء سلم كهربائي مصعد معطل كاميرا تخريب مخالفة سرعة سائق طفل "
    "مفقود تقاطع دوار نفق جسر طريق سريع مخرج حاجز"
)
AR = AR_TEXT.split()
HARAKAT = ("حَرِيق", "سَيَّارَة", "حَادِث", "مُشْتَبَه", "إِسْعَاف", "شُرْطَة")
START_US = 1_760_000_000_000_000
SPAN_US = 90 * 86_400 * 1_000_000


def _text(rng: random.Random, words: int) -> str:
    vocab = EN if rng.random() < 0.5 else AR
    out = [rng.choice(vocab) for _ in range(words)]
    if vocab is AR and rng.random() < 0.3:
        out[rng.randrange(len(out))] = rng.choice(HARAKAT)
    return " ".join(out)


def fill(db: Database, n_items: int, seed: int = 7) -> list[str]:
    """``n_items`` rows (half incidents, half annotations) on 12 cameras; returns the camera ids."""
    rng = random.Random(seed)
    cameras = [f"cam-{i:02d}" for i in range(12)]
    with db.session() as s:
        s.execute(
            insert(Camera),
            [
                {
                    "id": c,
                    "name": c,
                    "agency": AGENCIES[i % 4],
                    "rtsp_url": f"rtsp://127.0.0.1/{c}",
                    "enabled": True,
                    "created_us": 0,
                    "updated_us": 0,
                }
                for i, c in enumerate(cameras)
            ],
        )
    half = n_items // 2
    for first in range(0, half, BATCH):
        incidents, annotations = [], []
        for _ in range(min(BATCH, half - first)):
            start = START_US + rng.randrange(SPAN_US)
            title, description = _text(rng, 5), _text(rng, 30)
            incidents.append(
                {
                    "title": title,
                    "description": description,
                    "search_text": fold(f"{title}\n{description}"),
                    "severity": rng.choice(("low", "medium", "high", "critical")),
                    "status": rng.choice(("open", "investigating", "resolved", "closed")),
                    "start_us": start,
                    "end_us": start + rng.randrange(60, 7200) * 1_000_000,
                    "assignee": rng.choice((None, "olga", "sam")),
                    "created_by": rng.choice(USERS),
                    "created_us": start,
                    "updated_us": start,
                }
            )
            text = _text(rng, 12)
            annotations.append(
                {
                    "camera_id": rng.choice(cameras),
                    "time_us": start,
                    "text": text,
                    "search_text": fold(text),
                    "created_by": rng.choice(USERS),
                    "created_us": start,
                    "updated_us": start,
                }
            )
        with db.session() as s:
            ids = list(s.scalars(insert(Incident).returning(Incident.id), incidents))
            s.execute(
                Incident.metadata.tables["incident_cameras"].insert(),
                [{"incident_id": i, "camera_id": c} for i in ids for c in rng.sample(cameras, rng.randint(1, 3))],
            )
            s.execute(insert(Annotation), annotations)
    return cameras


def _queries(rng: random.Random, cameras: list[str]) -> list[tuple[str, SearchFilter]]:
    out: list[tuple[str, SearchFilter]] = []
    for _ in range(SEARCHES):
        pick = rng.random()
        if pick < 0.25:
            q = rng.choice(EN)
        elif pick < 0.45:
            q = rng.choice(AR) if rng.random() < 0.6 else rng.choice(HARAKAT)
        elif pick < 0.6:
            q = rng.choice(EN)[:3]  # a prefix being typed
        elif pick < 0.8:
            q = f"{rng.choice(EN)} {rng.choice(EN)}"
        else:
            q = f"{rng.choice(AR)} {rng.choice(AR)}"
        start = START_US + rng.randrange(SPAN_US)
        extra = rng.choice(
            (
                {},
                {"camera_id": rng.choice(cameras)},
                {"agency": rng.choice(AGENCIES)},
                {"severity": rng.choice(("high", "critical"))},
                {"user": rng.choice(USERS)},
                {"start_us": start, "end_us": start + 7 * 86_400_000_000},
                {"kind": "incident"},
            )
        )
        mode = "incidents" if rng.random() < 0.25 else "search"
        if mode == "incidents" and rng.random() < 0.3:
            out.append(
                (mode, SearchFilter(words=None, **{k: v for k, v in extra.items() if k not in ("user", "kind")}))
            )
        else:
            out.append((mode, SearchFilter(words=search_words(q, 200), **extra)))
    return out


def search_p99_ms(n_items: int = 100_000) -> float:
    """Fill a scratch database with ``n_items`` incidents + annotations, time SEARCHES searches; p99 in ms."""
    settings = MetadataSettings()
    with tempfile.TemporaryDirectory(prefix="metadata-bench-") as tmp:
        db = Database.from_url(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        upgrade_to_head(db.engine)
        cameras = fill(db, n_items)
        with db.engine.connect() as conn:  # what a long-running backend's SQLite has: fresh statistics
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("INSERT INTO incidents_fts(incidents_fts) VALUES ('optimize')")
            conn.exec_driver_sql("INSERT INTO annotations_fts(annotations_fts) VALUES ('optimize')")
            conn.commit()
        reads = ReadDatabase.of(db)
        rng = random.Random(11)
        times: list[float] = []
        found = 0
        for mode, flt in _queries(rng, cameras):
            began = time.perf_counter()
            if mode == "search":
                found += reads.read(search, flt, settings.snippet_words).total
            else:
                found += reads.read(incident_page, flt, settings.total_cap, settings.snippet_words).total
            times.append((time.perf_counter() - began) * 1000)
        reads.dispose()
        db.dispose()
    assert found > 0, "the searches found nothing: the bench data or the index is wrong"
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"searches={len(times)} median_ms={statistics.median(times):.2f} max_ms={times[-1]:.2f}", file=sys.stderr)
    return p99


if __name__ == "__main__":
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"metadata_search p99_ms={search_p99_ms(items):.1f} items={items}")
