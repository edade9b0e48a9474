"""What `backup restore` refuses, before writing anything, and what the file holds."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from core import clock
from core.config import use_settings
from core.db import configure_database, dispose_database, session_scope
from core.migrate import alembic_config, upgrade_to_head
from models.person import Person
from services.operations import backup
from services.operations.backup_engines import pg_table_count, sqlite_table_count
from tests import services as test_services
from tests.factories import make_person

HEAD = ScriptDirectory.from_config(alembic_config("")).get_current_head()

pytestmark = pytest.mark.integration


@pytest.fixture
def target(db, tmp_path) -> Iterator[str]:
    """A new empty database of the same kind as `db`."""
    if db.backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'target' / 'linli.db'}"
        yield url
        dispose_database(url)
        return
    name = f"linli_target_{test_services.RUN_ID}_{uuid.uuid4().hex[:6]}"
    url = test_services.create_pg_database(name)
    yield url
    dispose_database(url)
    test_services.drop_pg_database(name)


@pytest.fixture
def saved(db, tmp_path) -> Path:
    """A backup of a database holding one resident with a phone number."""
    with session_scope() as s:
        make_person(s, name="赵桂兰", phone="13812345678")
    path = tmp_path / "linli.backup"
    backup.create_backup(database_url=db.url, path=path, now=clock.now())
    return path


def _tables(url: str) -> int:
    return sqlite_table_count(url) if url.startswith("sqlite") else pg_table_count(url)


def _refused(path: Path, url: str, tmp_path: Path) -> str:
    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore_backup(path=path, into_url=url, now=clock.now(), scratch=tmp_path)
    assert _tables(url) == 0, "nothing may be written before a refusal"
    return str(refused.value)


def _rewrite_manifest(path: Path, out: Path, **changes: object) -> None:
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(out, "w") as tar:
        for member, data in members:
            if member.name == backup.MANIFEST:
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def test_the_file_names_its_revision_time_and_key_and_keeps_fields_sealed(db, saved):
    manifest = backup.read_manifest(saved)
    assert manifest.schema_revisions == [HEAD]
    assert manifest.taken_at_time == clock.now()
    assert manifest.backend == db.backend and len(manifest.key_fingerprint) == 32
    with tarfile.open(saved) as tar:
        assert [m.name for m in tar.getmembers()] == [backup.MANIFEST, manifest.payload]
        raw = tar.extractfile(manifest.payload).read()  # type: ignore[union-attr]
    if db.backend == "postgresql":  # the custom format compresses: read it back as SQL
        raw = subprocess.run(["pg_restore", "--data-only", "-f", "-"], input=raw,
                             capture_output=True, check=True).stdout
        assert b"COPY public.persons" in raw
    assert "赵桂兰".encode() not in raw and b"13812345678" not in raw
    assert backup.verify_backup(path=saved).payload_sha256 == manifest.payload_sha256


def test_a_non_empty_database_is_refused(db, saved, target, tmp_path):
    upgrade_to_head(target)
    before = _tables(target)
    with pytest.raises(backup.BackupRefused, match="目标数据库不是空的"):
        backup.restore_backup(path=saved, into_url=target, now=clock.now(), scratch=tmp_path)
    assert _tables(target) == before
    engine = configure_database(target)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM persons")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM outbox_holds")).scalar() == 0


def test_a_newer_schema_is_refused(db, saved, target, tmp_path):
    newer = tmp_path / "newer.backup"
    _rewrite_manifest(saved, newer, schema_revisions=["0099_from_the_future"])
    assert "比本程序新" in _refused(newer, target, tmp_path)


def test_a_truncated_file_is_refused(db, saved, target, tmp_path):
    data = saved.read_bytes()
    for cut in (300, len(data) // 2, len(data) - 12000):  # manifest, middle, end of the data
        short = tmp_path / f"short-{cut}.backup"
        short.write_bytes(data[:cut])
        assert "不完整或已损坏" in _refused(short, target, tmp_path)


def test_a_changed_byte_is_refused(db, saved, target, tmp_path):
    data = bytearray(saved.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered = tmp_path / "altered.backup"
    altered.write_bytes(bytes(data))
    assert "不完整或已损坏" in _refused(altered, target, tmp_path)


def test_a_backup_from_another_deployment_is_refused(db, saved, target, tmp_path, test_settings):
    use_settings(test_settings.with_(data_encryption_key="another-deployment-key"))
    try:
        assert "另一套部署" in _refused(saved, target, tmp_path)
        with pytest.raises(backup.BackupRefused, match="另一套部署"):
            backup.verify_backup(path=saved)
    finally:
        use_settings(test_settings)


def test_a_backup_is_restored_only_into_its_own_kind_of_database(db, saved, tmp_path):
    other = ("sqlite:///" + str(tmp_path / "x.db") if db.backend == "postgresql"
             else "postgresql://postgres@127.0.0.1:5432/nowhere")
    with pytest.raises(backup.BackupRefused, match="只能恢复到"):
        backup.restore_backup(path=saved, into_url=other, now=clock.now(), scratch=tmp_path)


def test_restored_people_read_back_under_the_same_key(db, saved, target, tmp_path):
    backup.restore_backup(path=saved, into_url=target, now=clock.now(), scratch=tmp_path)
    configure_database(target)
    with session_scope(readonly=True) as s:
        person = s.scalars(select(Person)).one()
        assert (person.name, person.phone) == ("赵桂兰", "13812345678")


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_a_dump_from_a_newer_pg_dump_is_refused_with_the_versions(db, saved, target, tmp_path):
    newer = tmp_path / "newer-tool.backup"
    _rewrite_manifest(saved, newer, tool="pg_dump (PostgreSQL) 99.1")
    message = _refused(newer, target, tmp_path)
    assert "pg_dump (PostgreSQL) 99.1" in message and "PostgreSQL 客户端" in message


def test_a_file_that_is_not_a_backup_is_refused(db, target, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("这不是备份")
    assert "不完整或已损坏" in _refused(notes, target, tmp_path)
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        body = json.dumps({"format": "something-else"}).encode()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    assert "不是邻里帮的备份" in _refused(foreign, target, tmp_path)


def test_a_target_address_that_makes_no_sense_is_refused(db, saved, make_app, memory_kv):
    cli = make_app(db, memory_kv).test_cli_runner()
    result = cli.invoke(args=["backup", "restore", str(saved), "--into", "就是那个库"])
    assert result.exit_code != 0 and "目标数据库地址看不懂" in result.output


def test_a_backup_of_an_older_schema_is_restored_migrated_and_held(db, target, tmp_path):
    from alembic import command

    from core.migrate import alembic_config
    from services.messaging.outbox_hold import get_outbox_hold

    old = f"sqlite:///{tmp_path / 'old.db'}"
    if db.backend == "postgresql":
        old = test_services.create_pg_database(f"linli_old_{test_services.RUN_ID}_{uuid.uuid4().hex[:6]}")
    try:
        command.upgrade(alembic_config(old), "0010_help_place")
        path = tmp_path / "old.backup"
        assert backup.create_backup(database_url=old, path=path,
                                    now=clock.now()).schema_revisions == ["0010_help_place"]
        backup.restore_backup(path=path, into_url=target, now=clock.now(), scratch=tmp_path)
    finally:
        dispose_database(old)
        if db.backend == "postgresql":
            test_services.drop_pg_database(make_url(old).database)
    configure_database(target)
    with session_scope(readonly=True) as s:
        assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert get_outbox_hold(s) is not None
