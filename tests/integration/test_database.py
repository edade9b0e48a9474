"""The data layer on SQLite and PostgreSQL: pragmas, migrations, encryption at rest."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import models
from core import crypto
from core.db import get_engine, session_scope
from core.errors import DecryptionError
from models.audit import AuditEntry
from models.person import Person
from services.access.audit import record_access
from tests.factories import make_person

pytestmark = pytest.mark.integration


def test_models_and_migrations_agree(db):
    with get_engine().connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, models.Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(sqlite_db):
    with get_engine().connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_session_scope_commits_and_rolls_back(db):
    with session_scope() as s:
        make_person(s, name="提交的人")
    with pytest.raises(RuntimeError):
        with session_scope() as s:
            make_person(s, name="回滚的人")
            raise RuntimeError("boom")
    with session_scope(readonly=True) as s:
        names = [p.name for p in s.query(Person).all()]
    assert names == ["提交的人"]


def test_sensitive_fields_are_not_stored_in_plaintext(db):
    with session_scope() as s:
        person = make_person(s, name="王秀英", phone="13812345678")
        person.set_id_number("110101194203081234")
        person.address = "阳光社区3号楼"
        person_id = person.id
    with get_engine().connect() as conn:
        row = conn.execute(
            text("SELECT name, phone, id_number, address FROM persons WHERE id = :id"), {"id": person_id}
        ).one()
    raw = " ".join(str(v) for v in row)
    for secret in ("王秀英", "13812345678", "110101194203081234", "阳光社区"):
        assert secret not in raw
    with session_scope(readonly=True) as s:
        person = s.get(Person, person_id)
        assert person.phone == "13812345678" and person.masked_phone == "138****5678"


def test_decrypting_with_a_wrong_key_fails_loudly(db):
    with session_scope() as s:
        person_id = make_person(s, phone="13812345678").id
    with get_engine().connect() as conn:
        sealed = conn.execute(text("SELECT phone FROM persons WHERE id = :id"), {"id": person_id}).scalar()
    with pytest.raises(DecryptionError):
        crypto.decrypt(sealed, secret="not-the-key")


def test_phone_lookup_through_blind_index(db):
    from services.people.persons import find_person_by_phone

    with session_scope() as s:
        person_id = make_person(s, phone="13812345678").id
    with session_scope(readonly=True) as s:
        found = find_person_by_phone(s, phone="138-1234-5678")
        assert found is not None and found.id == person_id
        assert find_person_by_phone(s, phone="13900000000") is None


def test_audit_log_refuses_update_and_delete(db):
    with session_scope() as s:
        staff = make_person(s, roles=("staff",))
        entry_id = record_access(s, actor_id=staff.id, action="read", subject_type="person",
                                 subject_id=staff.id, fields=["phone"]).id
    for statement in ("UPDATE audit_log SET action = 'x' WHERE id = :id",
                      "DELETE FROM audit_log WHERE id = :id"):
        with pytest.raises(DBAPIError):
            with session_scope() as s:
                s.execute(text(statement), {"id": entry_id})
    with session_scope(readonly=True) as s:
        assert s.get(AuditEntry, entry_id).action == "read"


def test_outbox_text_and_alert_summaries_are_sealed_at_rest(db):
    from services.messaging.alerts import raise_alert
    from services.messaging.notifications import enqueue_notification

    with session_scope() as s:
        person = make_person(s)
        enqueue_notification(s, person_id=person.id, template="t", dedupe_key="k",
                             text="王秀英 明天午餐送到阳光社区3号楼")
        raise_alert(s, kind="concern", level="high", dedupe_key="a",
                    summary="志愿者反映：王秀英最近咳血")
    with get_engine().connect() as conn:
        raw = " ".join(
            str(v) for v in (
                conn.execute(text("SELECT text FROM notifications")).scalar(),
                conn.execute(text("SELECT summary FROM risk_alerts")).scalar(),
            )
        )
    assert "王秀英" not in raw and "咳血" not in raw and "阳光社区" not in raw
    with session_scope(readonly=True) as s:
        from models.messaging import Notification
        from models.monitoring import RiskAlert

        assert s.scalars(select(Notification.text)).one().startswith("王秀英")
        assert s.scalars(select(RiskAlert)).one().summary.endswith("咳血")


def _drop_server_side() -> None:
    """Terminate every server connection to the test database (a restart, as the pool sees it)."""
    import psycopg

    url = get_engine().url
    admin_url = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = %s AND pid <> pg_backend_pid()", [url.database])


def test_an_idle_pooled_connection_the_server_dropped_is_replaced_unseen(pg_db, monkeypatch):
    import core.db

    with session_scope() as s:
        s.scalar(text("SELECT 1"))
    _drop_server_side()
    monkeypatch.setattr(core.db, "PING_AFTER_IDLE", 0.0)  # it has now been idle long enough
    with session_scope() as s:
        assert s.scalar(text("SELECT 1")) == 1
    get_engine().dispose()  # the other pooled connections are dead too


def test_a_busy_connection_the_server_dropped_costs_one_503_then_the_pool_reconnects(
        pg_db, make_app, memory_kv):
    client = make_app(pg_db, memory_kv).test_client()
    stranger = {"Authorization": "Bearer not-a-token"}
    assert client.get("/api/v1/me", headers=stranger).status_code == 401  # the pool is warm
    _drop_server_side()
    lost = client.get("/api/v1/me", headers=stranger)
    assert lost.status_code == 503
    assert lost.get_json()["code"] == "SERVICE_UNAVAILABLE" and lost.get_json()["request_id"]
    assert client.get("/api/v1/me", headers=stranger).status_code == 401
    get_engine().dispose()
