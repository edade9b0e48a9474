"""Free text a person types is sealed at rest: a phone in a meal note, and the migration that seals old rows."""

from __future__ import annotations

import importlib.util
import json
import uuid
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import models
from core import clock
from core.config import ROOT
from core.db import configure_database, dispose_database, get_engine, session_scope
from core.migrate import alembic_config, upgrade_to_head
from models.activities import Activity
from models.auth import IdempotencyRecord
from models.help_requests import HelpRequest, HelpRequestEvent
from models.volunteers import ServiceRecord, VolunteerProfile
from services.meals import book_meal
from tests import services
from tests.factories import make_proxy
from tests.help_factories import make_world, submit
from tests.meals_factories import make_canteen, make_elder
from tests.volunteer_factories import give_points, make_activity, make_charity_admin, make_volunteer

pytestmark = pytest.mark.integration

PHONE = "13912345678"
NOTE = f"不吃辣，少盐；女儿电话{PHONE}"
TOMORROW = date(2026, 11, 30)


def _book_lunch_with_a_note(app: Any, token_for: Any) -> None:
    """A brand-new elder books tomorrow's lunch over the API, typing a phone into the note."""
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s, name="钱桂兰")
        elder.community_id = canteen.community_id
        canteen_id, elder_id = canteen.id, elder.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token_for(elder_id)}"}
    booked = client.post("/api/v1/meal-bookings", headers={**headers, "Idempotency-Key": "note-0001"},
                         json={"canteen_id": canteen_id, "date": TOMORROW.isoformat(), "meal": "lunch",
                               "note": NOTE})
    assert booked.status_code == 201, booked.get_json()
    again = client.post("/api/v1/meal-bookings", headers={**headers, "Idempotency-Key": "note-0001"},
                        json={"canteen_id": canteen_id, "date": TOMORROW.isoformat(), "meal": "lunch",
                              "note": NOTE})
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json()["note"] == NOTE
    mine = client.get("/api/v1/meal-bookings", headers=headers).get_json()["items"]
    assert [b["note"] for b in mine] == [NOTE]  # the elder still reads it back in full


def test_a_phone_typed_into_a_meal_note_is_not_in_the_sqlite_file(sqlite_db, memory_kv, make_app, token_for):
    _book_lunch_with_a_note(make_app(sqlite_db, memory_kv), token_for)
    path = Path(sqlite_db.url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))  # the file and its WAL
    assert len(stored) > 10_000
    for secret in (PHONE, "女儿电话", "不吃辣"):
        assert secret.encode("utf-8") not in stored, secret


def test_a_phone_typed_into_a_meal_note_is_not_readable_by_sql_on_postgresql(pg_db, memory_kv, make_app,
                                                                              token_for):
    _book_lunch_with_a_note(make_app(pg_db, memory_kv), token_for)
    with get_engine().connect() as conn:
        note = conn.execute(text("SELECT note FROM meal_bookings")).scalar_one()
        assert note.startswith("v1:") and PHONE not in note
        # Every row of every table, as PostgreSQL prints it (what a pg_dump would hold).
        for table in models.Base.metadata.sorted_tables:
            rows = conn.execute(text(f'SELECT CAST(t AS text) FROM "{table.name}" t')).scalars().all()
            assert not [row for row in rows if PHONE in row or "女儿电话" in row], table.name


# ------------------------------------------------------------------ the migration


def _migration() -> ModuleType:
    [path] = (ROOT / "models" / "migrations" / "versions").glob("*_crypttext.py")
    spec = importlib.util.spec_from_file_location("migration_crypttext", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill_every_sealed_column() -> None:
    """Write a value into each column the migration seals, the way the services do."""
    now = clock.now()
    with session_scope() as s:
        canteen = make_canteen(s)
        elder = make_elder(s)
        book_meal(s, actor=elder, person_id=elder.id, canteen_id=canteen.id, day=TOMORROW, meal="lunch",
                  count=1, delivery=False, note=NOTE)
        volunteer = make_volunteer(s)
        profile = s.scalars(select(VolunteerProfile).where(VolunteerProfile.person_id == volunteer.id)).one()
        profile.availability, profile.reject_reason = "周末上午", "证件照片看不清"
        s.add(ServiceRecord(volunteer_id=volunteer.id, beneficiary_id=elder.id, source="check_in",
                            status="rejected", service_day=clock.today(), minutes=60,
                            description="陪王奶奶去医院复查血压", check_in_location="30.27450,120.15560",
                            disputed_reason="那天没人来过", reject_reason="老人说没有这回事"))
        give_points(s, volunteer=volunteer, points=10)
        world = make_world(s)
        help_request = submit(s, world.resident)
        help_request.rejection_reason, help_request.feedback_comment = "不在服务范围", "小张很耐心，谢谢"
        s.add(HelpRequestEvent(request_id=help_request.id, at=now, kind="status", note="电话13800138001联系了家属"))
        make_proxy(s, principal=elder, agent=world.neighbour)
        admin, org = make_charity_admin(s, community=world.here)
        make_activity(s, organisation=org, admin=admin).cancel_reason = "组织者生病住院"
        s.add(IdempotencyRecord(person_id=elder.id, key="k-1", request_hash="h", status_code=201,
                                response={"note": NOTE}, created_at=now))


def _read(columns: list[Any], *, raw: bool) -> dict[str, list[Any]]:
    """Each column's values ordered by id: decrypted through the models, or as the database holds them."""
    out = {}
    with get_engine().connect() as conn:
        for col in columns:
            key = f"{col.table}.{col.column}"
            if raw:
                stmt = text(f"SELECT {col.column} FROM {col.table} WHERE {col.column} IS NOT NULL ORDER BY id")
                out[key] = conn.execute(stmt).scalars().all()
            else:
                table = models.Base.metadata.tables[col.table]
                out[key] = conn.execute(select(table.c[col.column]).where(table.c[col.column].is_not(None))
                                        .order_by(table.c.id)).scalars().all()
    return out


def _plain(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value.startswith("{") else value


def _migrated_database(backend: str, tmp_path: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrate.db'}", None
    if not services.pg_available():
        if services.required():
            pytest.fail("PostgreSQL is required but not reachable")
        pytest.skip("PostgreSQL not reachable")
    name = f"linli_crypt_{uuid.uuid4().hex[:8]}"
    return services.create_pg_database(name), name


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_seals_plain_rows_and_downgrade_opens_them(backend, tmp_path, frozen_clock):
    migration = _migration()
    url, pg_name = _migrated_database(backend, tmp_path)
    try:
        upgrade_to_head(url)
        configure_database(url)
        _fill_every_sealed_column()
        columns = list(migration.COLUMNS)
        typed = _read(columns, raw=False)
        assert all(typed.values()), [k for k, v in typed.items() if not v]  # every column has data
        dispose_database(url)

        cfg = alembic_config(url)
        before = ScriptDirectory.from_config(cfg).get_revision(migration.revision).down_revision
        command.downgrade(cfg, before)
        configure_database(url)
        plain = _read(columns, raw=True)
        assert {k: [_plain(v) for v in vs] for k, vs in plain.items()} == typed
        dispose_database(url)

        upgrade_to_head(url)
        configure_database(url)
        sealed = _read(columns, raw=True)
        assert all(str(v).startswith("v1:") for vs in sealed.values() for v in vs), sealed
        assert _read(columns, raw=False) == typed
        with get_engine().connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, models.Base.metadata) == []
        for statement in ("UPDATE points_postings SET kind = kind", "UPDATE help_request_events SET kind = kind"):
            with pytest.raises(DBAPIError), session_scope() as s:
                s.execute(text(statement))
        with session_scope(readonly=True) as s:  # the services read the sealed rows as before
            assert s.scalars(select(HelpRequest.feedback_comment)).one() == "小张很耐心，谢谢"
            assert s.scalars(select(Activity.cancel_reason)).one() == "组织者生病住院"
    finally:
        dispose_database(url)
        if pg_name:
            services.drop_pg_database(pg_name)
