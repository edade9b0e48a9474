"""The databases' own backup tools: SQLite's online backup API, pg_dump and pg_restore.

Each engine snapshots a live database into a payload file (and reads the
schema revision from that same snapshot), checks a payload, tells whether a
target is empty, and restores a payload into an empty target — writing the
outbox hold before any notification row can be seen there.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump/pg_restore are the database's own tools)
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from core.db import normalise_url

# Called on the restored database once its tables exist and before its rows are visible.
Hold = Callable[[str], None]


class EngineRefused(Exception):
    """The database tool refused; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Snapshot:
    """What a dump recorded: the schema revisions and the tool and server versions."""

    revisions: list[str]
    tool: str
    server: str


def backend_of(url: str) -> str:
    """Return 'sqlite' or 'postgresql' for a database URL."""
    return make_url(normalise_url(url)).get_backend_name()


# ---------------------------------------------------------------- SQLite


def sqlite_path(url: str) -> Path:
    """Return the file of a SQLite URL (an in-memory database cannot be backed up)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise EngineRefused("内存数据库不能备份或恢复，请用数据库文件。")
    return Path(database)


def _read_only(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _revisions(conn: sqlite3.Connection) -> list[str]:
    try:
        return sorted(row[0] for row in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.DatabaseError:
        return []


def sqlite_dump(url: str, payload: Path) -> Snapshot:
    """Copy the live file with the online backup API, in one step (one consistent read)."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise EngineRefused(f"找不到数据库文件 {source_path}。")
    source = sqlite3.connect(_read_only(source_path), uri=True, timeout=15)
    target = sqlite3.connect(payload)
    try:
        source.backup(target)  # pages=-1: the whole file under one read transaction
        target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        return Snapshot(revisions=_revisions(target), tool=f"sqlite {sqlite3.sqlite_version}",
                        server=f"sqlite {sqlite3.sqlite_version}")
    finally:
        target.close()
        source.close()


def sqlite_check(payload: Path) -> None:
    """Refuse a payload that is not a sound SQLite database."""
    try:
        conn = sqlite3.connect(_read_only(payload), uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        result = None
    if not result or result[0] != "ok":
        raise EngineRefused("备份里的数据库已损坏。")


def sqlite_table_count(url: str) -> int:
    """Count the tables of a SQLite target (a missing or empty file has none)."""
    path = sqlite_path(url)
    if not path.exists() or path.stat().st_size == 0:
        return 0
    conn = sqlite3.connect(_read_only(path), uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    finally:
        conn.close()


def sqlite_restore(payload: Path, into_url: str, hold: Hold, upgrade: Callable[[str], None]) -> None:
    """Hold the copy's outbox, then write it into the target with the backup API."""
    work_url = f"sqlite:///{payload}"
    upgrade(work_url)
    hold(work_url)
    target_path = sqlite_path(into_url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(payload), sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        target.close()
        source.close()


# ---------------------------------------------------------------- PostgreSQL


def _pg_url(url: str) -> URL:
    return make_url(normalise_url(url))


def _pg_env(url: str) -> dict[str, str]:
    """libpq settings for the tools, so no password ever shows in a process list."""
    parsed = _pg_url(url)
    env = dict(os.environ)
    for name, value in (("PGHOST", parsed.host), ("PGPORT", parsed.port),
                        ("PGUSER", parsed.username), ("PGPASSWORD", parsed.password),
                        ("PGDATABASE", parsed.database)):
        if value:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise EngineRefused(f"找不到 {name}，请安装 PostgreSQL 客户端（与服务器同版本或更新）。")
    return found


def _run(args: list[str], url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=_pg_env(url), capture_output=True, text=True, check=False)  # noqa: S603


def _complaint(tool: str, stderr: str) -> str:
    """Turn a tool's error into one line for the operator, naming version trouble plainly."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = lines[-1] if lines else "没有更多信息"
    if "version mismatch" in stderr or "unsupported version" in stderr:
        return f"{tool} 的版本与数据库或备份不配套，请用同版本或更新的 PostgreSQL 客户端：{detail}"
    return f"{tool} 失败：{detail}"


def tool_major(version_text: str) -> int:
    """Read the major version from 'pg_dump (PostgreSQL) 15.20 (...)'."""
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    return int(match.group(1)) if match else 0


def pg_dump(url: str, payload: Path) -> Snapshot:
    """Dump with pg_dump -Fc from an exported snapshot, reading the revision in that snapshot."""
    import psycopg

    dump = _tool("pg_dump")
    version = subprocess.run([dump, "--version"], capture_output=True, text=True,  # noqa: S603
                             check=False).stdout.strip()
    libpq = _pg_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        server = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        try:
            revisions = sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        except psycopg.Error:
            raise EngineRefused("这个数据库还没有建表（没有执行 migrate），没有可备份的内容。") from None
        done = _run([dump, "-Fc", f"--snapshot={snapshot}", "-f", str(payload)], url)
        conn.rollback()
    if done.returncode != 0:
        raise EngineRefused(_complaint("pg_dump", done.stderr))
    return Snapshot(revisions=revisions, tool=version, server=f"PostgreSQL {server}")


def pg_check(payload: Path, *, made_by: str) -> None:
    """Refuse an archive this machine's pg_restore cannot read (corrupt or from a newer pg_dump)."""
    restore = _tool("pg_restore")
    local = subprocess.run([restore, "--version"], capture_output=True, text=True,  # noqa: S603
                           check=False).stdout
    if tool_major(local) < tool_major(made_by):
        raise EngineRefused(f"备份由更新的 {made_by.strip()} 生成，本机是 {local.strip()}，"
                            "请先安装同版本或更新的 PostgreSQL 客户端。")
    listed = subprocess.run([restore, "--list", str(payload)], capture_output=True,  # noqa: S603
                            text=True, check=False)
    if listed.returncode != 0:
        raise EngineRefused(_complaint("pg_restore", listed.stderr))


def pg_table_count(url: str) -> int:
    """Count the tables, views and sequences a PostgreSQL target already has."""
    import psycopg

    libpq = _pg_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(libpq, connect_timeout=10) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%'").fetchone()
    except psycopg.OperationalError:
        raise EngineRefused("连不上目标数据库，请先建好一个空数据库（createdb）再恢复。") from None
    return int(row[0]) if row else 0


def pg_restore(payload: Path, into_url: str, hold: Hold, upgrade: Callable[[str], None],
               *, at_head: bool) -> None:
    """Restore the tables, hold the outbox, then load the rows and indexes (each one transaction).

    A backup of an older schema is restored whole, migrated, then held.
    """
    restore = _tool("pg_restore")
    base = [restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            "-d", str(_pg_url(into_url).database)]
    steps = ([["--section=pre-data"], ["--section=data", "--section=post-data"]] if at_head
             else [[]])
    for index, sections in enumerate(steps):
        done = _run([*base, *sections, str(payload)], into_url)
        if done.returncode != 0:
            raise EngineRefused(_complaint("pg_restore", done.stderr))
        if at_head and index == 0:
            hold(into_url)
    if not at_head:
        upgrade(into_url)
        hold(into_url)
