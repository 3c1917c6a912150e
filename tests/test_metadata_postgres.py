"""The metadata search on PostgreSQL: the SQL the search builds for the postgresql dialect (always checked),
and on a throw-away PostgreSQL server (as tests/test_backend_core_postgres.py; skipped without the binaries):
migration 0008's tsvector column and GIN index, English and Arabic words found, SQL/FTS syntax searched as
plain words."""

from __future__ import annotations

from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql

from backend.api.schemas_metadata import AnnotationCreate, IncidentCreate
from backend.db.engine import Database
from backend.db.migrate import upgrade_to_head
from backend.db.models import Camera
from backend.db.models_metadata import Incident, postgres_fts_ddl
from backend.metadata import annotations as marks
from backend.metadata import incidents
from backend.metadata.search import SearchFilter, _incident_filters, _Match, incident_page, search
from backend.metadata.text import search_words
from tests.test_backend_core_postgres import _fresh_database, postgres_url  # noqa: F401  (fixture)


def test_postgres_sql_is_a_bound_simple_tsquery_over_the_gin_indexed_vector() -> None:
    words = search_words("حَرِيق' OR 1=1; --", 200)
    match = _Match("postgresql", Incident, words)
    filters = _incident_filters(SearchFilter(words=words, severity="high", camera_id="cam-1"), match.key)
    compiled = match.scored(Incident, filters).compile(dialect=postgresql.dialect())
    sql = str(compiled)
    assert "\nFROM incidents \nWHERE" in sql and "JOIN" not in sql, "the table is the match source: no self-join"
    assert "incidents.severity = %(severity_1)s::VARCHAR" in sql
    assert "incident_cameras.incident_id = incidents.id" in sql
    assert "incidents.search_vector @@ to_tsquery('simple'::regconfig, %(query)s::VARCHAR)" in sql
    assert "ts_rank(incidents.search_vector, to_tsquery('simple'::regconfig, %(query)s::VARCHAR)) AS score" in sql
    assert compiled.params["query"] == "'حريق':* & 'or':* & '1':*"  # folded words, quoted, prefix, ANDed
    assert "1=1" not in sql and "--" not in sql and not match.best_first
    ddl = postgres_fts_ddl("incidents")
    assert "to_tsvector('simple', search_text)) STORED" in ddl[0] and "USING gin (search_vector)" in ddl[1]


def test_search_on_postgres(postgres_url) -> None:  # noqa: F811
    db = Database.from_url(_fresh_database(postgres_url, "metadata"))
    upgrade_to_head(db.engine)
    with db.engine.connect() as conn:
        index = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_incidents_search_vector'"))
        assert "USING gin (search_vector)" in index.scalar_one()
    with db.session() as s:
        s.execute(insert(Camera), [{"id": "cam-1", "name": "c", "agency": "METRO", "rtsp_url": "rtsp://h/1",
                                    "created_us": 0, "updated_us": 0}])  # fmt: skip
    body = {"start": "2025-10-27T10:00:00Z", "end": "2025-10-27T11:00:00Z", "cameraIds": ["cam-1"]}
    with db.session() as s:
        en = incidents.create(
            s, IncidentCreate(title="Alarm", description="Smoke near the escalator", **body), "sam", 1
        )
        ar = incidents.create(s, IncidentCreate(title="حريق", description="دُخَانٌ كَثِيفٌ", **body), "sam", 2)
        note = marks.create(s, AnnotationCreate(cameraId="cam-1", time=body["start"], text="smoke again"), "olga", 3)

    def found(q: str, **extra: object) -> list[tuple[str, int]]:
        with db.session() as s:
            page = search(s, SearchFilter(words=search_words(q, 200), **extra), 1000)  # type: ignore[arg-type]
            return [(h.kind, h.id) for h in page.hits]

    assert found("escalat") == [("incident", en.id)]
    assert set(found("smoke")) == {("incident", en.id), ("annotation", note.id)}
    assert found("smoke", agency="METRO", kind="annotation") == [("annotation", note.id)]
    for q in ("دخان", "دُخَان", "كثي", "حريق"):
        assert found(q) == [("incident", ar.id)], q
    for q in ("'; DROP TABLE incidents; --", "smoke & !x", "smoke:* <-> (", "title:smoke", '"smoke"'):
        found(q)  # no error: the words are bound lexemes
    assert found('"smoke"') and found("title:smoke") == []
    with db.session() as s:
        page = incident_page(s, SearchFilter(words=search_words("دخان", 200)), 1000)
        assert [i.id for i in page.incidents] == [ar.id] and page.total == 1
    db.dispose()
