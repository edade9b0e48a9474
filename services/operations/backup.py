"""Backups that restore: create, verify and restore one file, with the database's own tools.

The file is an uncompressed POSIX tar (readable with `tar`) of two members,
in this order:

- `manifest.json`: format and version, backend, the schema revision(s), when
  it was taken, a fingerprint of the deployment's DATA_ENCRYPTION_KEY (not
  the key), the payload's name, size and SHA-256, and the tool and server
  versions;
- the payload: `database.sqlite3` (SQLite's online backup API) or
  `database.pgdump` (`pg_dump -Fc`). Encrypted columns are copied as stored,
  so they stay sealed.

A restore checks everything it can before writing: the manifest, the key
fingerprint, the revision (a newer one is refused), the payload's size and
hash and the tool's own reading of it, and that the target is empty. The
restored database starts with its outbox held (services.messaging.outbox_hold).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from core.crypto import key_fingerprint
from core.db import create_db_engine
from core.migrate import alembic_config, upgrade_to_head
from services.messaging.outbox_hold import hold_dispatch
from services.operations import backup_engines as engines

logger = logging.getLogger(__name__)

FORMAT = "linli-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupRefused(Exception):
    """A backup or restore that cannot go ahead; the message tells the operator why, in Chinese."""


@dataclass(frozen=True)
class Manifest:
    """What a backup file says about itself."""

    format: str
    version: int
    backend: str
    schema_revisions: list[str]
    taken_at: str
    key_fingerprint: str
    payload: str
    payload_bytes: int
    payload_sha256: str
    tool: str
    server: str

    @property
    def taken_at_time(self) -> datetime:
        return datetime.fromisoformat(self.taken_at)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _known_revisions() -> tuple[set[str], set[str]]:
    script = ScriptDirectory.from_config(alembic_config(""))
    return {s.revision for s in script.walk_revisions()}, set(script.get_heads())


def create_backup(*, database_url: str, path: Path, now: datetime) -> Manifest:
    """Write a consistent backup of the live database to `path` while it keeps serving."""
    backend = engines.backend_of(database_url)
    if backend not in PAYLOADS:
        raise BackupRefused(f"不支持备份 {backend} 数据库。")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".linli-backup-") as work:
        payload = Path(work) / PAYLOADS[backend]
        try:
            snap = (engines.sqlite_dump(database_url, payload) if backend == "sqlite"
                    else engines.pg_dump(database_url, payload))
        except engines.EngineRefused as exc:
            raise BackupRefused(str(exc)) from None
        manifest = Manifest(
            format=FORMAT, version=FORMAT_VERSION, backend=backend, schema_revisions=snap.revisions,
            taken_at=now.isoformat(), key_fingerprint=key_fingerprint(), payload=payload.name,
            payload_bytes=payload.stat().st_size, payload_sha256=_sha256(payload),
            tool=snap.tool, server=snap.server)
        partial = Path(work) / "backup.tar"
        _write_container(partial, manifest, payload)
        os.replace(partial, path)
    logger.info("backup written: %s bytes, revision %s", manifest.payload_bytes,
                ",".join(manifest.schema_revisions))
    return manifest


def _write_container(target: Path, manifest: Manifest, payload: Path) -> None:
    body = json.dumps(asdict(manifest), ensure_ascii=False, indent=2).encode("utf-8")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data inside
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(body), 0o600, int(manifest.taken_at_time.timestamp())
        tar.addfile(info, io.BytesIO(body))
        tar.add(payload, arcname=manifest.payload, recursive=False, filter=_private)
        raw.flush()
        os.fsync(raw.fileno())


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


def read_manifest(path: Path) -> Manifest:
    """Read a backup's manifest; refuse a file that is not a whole Linli backup."""
    broken = BackupRefused("备份文件不完整或已损坏（可能没有复制完），不能使用。")
    if not path.is_file():
        raise BackupRefused(f"找不到备份文件 {path}。")
    try:
        with tarfile.open(path, mode="r:") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST:
                raise broken
            handle = tar.extractfile(member)
            data: dict[str, Any] = json.loads(handle.read() if handle else b"")
    except (tarfile.TarError, EOFError, OSError, ValueError):
        raise broken from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupRefused("这个文件不是邻里帮的备份。")
    if not isinstance(data.get("version"), int) or data["version"] > FORMAT_VERSION:
        raise BackupRefused("这个备份的格式比本程序新，请先升级程序。")
    try:
        return Manifest(**data)
    except TypeError:
        raise broken from None


@contextmanager
def _unpacked(path: Path, manifest: Manifest, into: Path) -> Iterator[Path]:
    """Extract the payload beside `into`, refusing a short or altered one; delete it afterwards."""
    broken = BackupRefused("备份文件不完整或已损坏（大小或校验和不符），不能使用。")
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=into, prefix=".linli-restore-") as work:
        payload = Path(work) / manifest.payload
        try:
            with tarfile.open(path, mode="r:") as tar:
                member = tar.getmember(manifest.payload)
                source = tar.extractfile(member)
                if source is None:
                    raise broken
                with payload.open("wb") as out:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        out.write(block)
        except (tarfile.TarError, EOFError, OSError, KeyError):
            raise broken from None
        if payload.stat().st_size != manifest.payload_bytes or _sha256(payload) != manifest.payload_sha256:
            raise broken
        try:
            if manifest.backend == "sqlite":
                engines.sqlite_check(payload)
            else:
                engines.pg_check(payload, made_by=manifest.tool)
        except engines.EngineRefused as exc:
            raise BackupRefused(str(exc)) from None
        yield payload


def _check_deployment(manifest: Manifest) -> bool:
    """Refuse another deployment's backup or a newer schema; return True when at head."""
    if manifest.key_fingerprint != key_fingerprint():
        raise BackupRefused("这个备份来自另一套部署（数据加密密钥不同），不能恢复到这里。"
                            "请用本部署的 DATA_ENCRYPTION_KEY，或找到本部署的备份。")
    known, heads = _known_revisions()
    unknown = [r for r in manifest.schema_revisions if r not in known]
    if unknown or not manifest.schema_revisions:
        raise BackupRefused(f"备份的数据库版本（{', '.join(manifest.schema_revisions) or '无'}）"
                            "比本程序新或不认识，请先升级程序再恢复。")
    return set(manifest.schema_revisions) == heads


def verify_backup(*, path: Path, scratch: Path | None = None) -> Manifest:
    """Check a backup end to end without restoring it; return its manifest."""
    manifest = read_manifest(path)
    _check_deployment(manifest)
    with _unpacked(path, manifest, scratch or Path(tempfile.gettempdir())):
        pass
    return manifest


def _target_tables(backend: str, url: str) -> int:
    try:
        return (engines.sqlite_table_count(url) if backend == "sqlite"
                else engines.pg_table_count(url))
    except engines.EngineRefused as exc:
        raise BackupRefused(str(exc)) from None


def restore_backup(*, path: Path, into_url: str, now: datetime, scratch: Path | None = None) -> Manifest:
    """Restore a backup into an empty database, its outbox held until an operator releases it.

    The payload is unpacked into `scratch` (default: beside a SQLite target, so the
    copy stays on its disk; the system's temporary directory for PostgreSQL).
    """
    manifest = read_manifest(path)
    at_head = _check_deployment(manifest)
    try:
        backend = engines.backend_of(into_url)
    except ArgumentError:
        raise BackupRefused("目标数据库地址看不懂，例如 postgresql://用户@主机:5432/库名 "
                            "或 sqlite:////路径/linli.db。") from None
    if backend != manifest.backend:
        raise BackupRefused(f"这是 {BACKENDS.get(manifest.backend, manifest.backend)} 的备份，"
                            f"只能恢复到 {BACKENDS.get(manifest.backend, manifest.backend)} 数据库。")
    tables = _target_tables(backend, into_url)
    if tables:
        raise BackupRefused(f"目标数据库不是空的（已有 {tables} 张表），没有写入任何内容。"
                            "恢复只能写入新建的空数据库。")
    if scratch is None:
        scratch = (engines.sqlite_path(into_url).parent if backend == "sqlite"
                   else Path(tempfile.gettempdir()))
    with _unpacked(path, manifest, scratch) as payload:
        if _target_tables(backend, into_url):  # someone wrote there while we checked
            raise BackupRefused("目标数据库在检查期间被写入了，没有恢复。")

        def hold(url: str) -> None:
            _hold_outbox(url, taken_at=manifest.taken_at_time, now=now)

        try:
            if backend == "sqlite":
                engines.sqlite_restore(payload, into_url, hold, _upgrade_if_older(at_head))
            else:
                engines.pg_restore(payload, into_url, hold, upgrade_to_head, at_head=at_head)
        except engines.EngineRefused as exc:
            raise BackupRefused(str(exc)) from None
    logger.info("backup restored (revision %s); outbox held", ",".join(manifest.schema_revisions))
    return manifest


def _upgrade_if_older(at_head: bool) -> Callable[[str], None]:
    return (lambda _url: None) if at_head else upgrade_to_head


def _hold_outbox(url: str, *, taken_at: datetime, now: datetime) -> None:
    engine = create_db_engine(url)
    try:
        with Session(bind=engine) as session:
            hold_dispatch(session, backup_taken_at=taken_at, now=now)
            session.commit()
    finally:
        engine.dispose()
