"""Backups of the database: taken, checked, listed, pruned and given back.

SQLite (one PC): a backup is a copy made through SQLite's online backup API
while the program keeps working (in WAL mode the copy is one read transaction
and writers are not held up), written under a temporary name, checked with
``PRAGMA integrity_check`` and only then renamed to
``desk-YYYYMMDD-HHMMSS.sqlite3`` in the backup folder. After each new backup
those older than the days kept are deleted, except the newest. A restore
checks the file first (a database of this program, at a migration revision
this version knows, that passes the integrity check), keeps a copy of the
current database (``before-restore-...``) and then copies the backup back
through the same API, so other connections see the restored data at once.

PostgreSQL (several desks): the server is backed up on the server, by a
``pg_dump`` schedule; ``create_backup`` runs ``pg_dump`` (custom format) when
this PC has it, else says how.

Every problem the user can fix is a :class:`ValidationError` (or a
:class:`FeatureUnavailableError`) with a Chinese message.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from desktop import paths
from desktop.config import BackupSettings, backup_settings, sqlite_url
from desktop.db import make_engine, script_revisions, upgrade_if_needed
from desktop.services.errors import FeatureUnavailableError, ValidationError
from desktop.services.files import check_input_file, os_error_message
from desktop.services.validation import whole_number_in

log = logging.getLogger(__name__)

BACKUP = "desk"
BEFORE_RESTORE = "before-restore"
SQLITE_SUFFIX = ".sqlite3"
DUMP_SUFFIX = ".dump"
STAMP = "%Y%m%d-%H%M%S"
MAX_DAYS = 3650
SQLITE_SIGNATURE = b"SQLite format 3\x00"
MAX_BACKUP_BYTES = 1 << 42  # far beyond any centre's database: only a sanity bound
PG_DUMP_TIMEOUT_S = 3600
_NAME = re.compile(
    rf"^({BACKUP}|{BEFORE_RESTORE})-(\d{{8}}-\d{{6}})(?:-(\d+))?(\.sqlite3|\.dump)$")
_PART = re.compile(rf"^\.~({BACKUP}|{BEFORE_RESTORE})-.*\.part$")

KINDS = {BACKUP: "备份", BEFORE_RESTORE: "恢复前的数据库"}

PG_HOWTO = (
    "PostgreSQL 数据库在服务器上备份：请在数据库服务器上用 pg_dump 定时备份，例如每天凌晨 2 点"
    "（Linux 的 crontab）：0 2 * * * pg_dump --format=custom "
    "--file=/备份目录/zongzhi-$(date +\\%F).dump zongzhi ；Windows 服务器用“任务计划程序”"
    "运行 pg_dump。恢复用 pg_restore --clean --dbname=zongzhi 备份文件。"
    "本机装有 pg_dump（PostgreSQL 客户端）时，“立即备份”和 backup create 也会调用它。"
)


@dataclass(frozen=True)
class Backup:
    """One backup file in the backup folder."""

    path: Path
    taken: datetime
    kind: str  # BACKUP or BEFORE_RESTORE
    size: int

    @property
    def kind_text(self) -> str:
        return KINDS[self.kind]

    @property
    def taken_text(self) -> str:
        return self.taken.strftime("%Y-%m-%d %H:%M:%S")

    @property
    def size_text(self) -> str:
        if self.size >= 1 << 20:
            return f"{self.size / (1 << 20):.1f} MB"
        return f"{max(self.size, 1) / 1024:.0f} KB"


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup given back, and where the replaced database is kept."""

    source: Path
    kept: Path | None
    revision: str


Progress = Callable[[int, int], None]


# -- where ------------------------------------------------------------------------------------


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite address (``None`` for PostgreSQL, memory, or an
    address that is no address: opening it says what is wrong)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or parsed.query.get("uri"):
        return None
    return Path(name)


def check_days(days: object) -> int:
    if not whole_number_in(days, 1, MAX_DAYS):
        raise ValidationError({"backup_days": f"保留天数应在 1 到 {MAX_DAYS} 之间"})
    return days


def prepare_folder(folder: Path | str) -> Path:
    """The backup folder, created (0700) when missing; a Chinese error when it cannot be.

    A folder that exists keeps its permissions (it may be a share the admin set up);
    the backups in it are 0600 all the same.
    """
    text = str(folder).strip()
    if not text:
        raise ValidationError({"backup_folder": "请选择备份文件夹"})
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise ValidationError({"backup_folder": f"{path} 不是文件夹"})
    try:
        if not path.is_dir():
            paths.private_dir(path)
    except OSError as exc:
        raise ValidationError({"backup_folder": "无法使用备份文件夹："
                               + os_error_message(exc, path)}) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValidationError({"backup_folder": f"备份文件夹不能写入：{path}"})
    return path


def _settings(folder: Path | None, days: int | None) -> BackupSettings:
    current = backup_settings()
    return BackupSettings(folder or current.folder, days or current.days, folder is not None)


def _stamp(when: datetime) -> str:
    return when.strftime(STAMP)


def _new_name(folder: Path, kind: str, when: datetime, suffix: str) -> Path:
    """A name not yet taken (two backups in one second get ``-2``, ``-3``...)."""
    base = f"{kind}-{_stamp(when)}"
    target = folder / f"{base}{suffix}"
    number = 2
    while target.exists():
        target = folder / f"{base}-{number}{suffix}"
        number += 1
    return target


# -- listing and pruning ----------------------------------------------------------------------


def list_backups(folder: Path | None = None) -> list[Backup]:
    """The backups in ``folder`` (default: this PC's backup folder), newest first.

    Only files named by this program count; anything else in the folder is left alone.
    """
    folder = folder or backup_settings().folder
    found: list[tuple[float, int, Backup]] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ValidationError({"backup_folder": "无法读取备份文件夹："
                               + os_error_message(exc, folder)}) from exc
    for entry in entries:
        match = _NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            taken = datetime.strptime(match.group(2), STAMP)
        except ValueError:
            continue
        info = entry.stat()
        found.append((info.st_mtime, int(match.group(3) or 1),
                      Backup(Path(entry.path), taken, match.group(1), info.st_size)))
    # Two in one second (a backup, then the copy a restore keeps): the later written first;
    # written in the same instant (a disk that keeps file times to 2 s): -2 after the first.
    found.sort(key=lambda item: (item[2].taken, item[0], item[1], item[2].path.name),
               reverse=True)
    return [backup for _written, _number, backup in found]


def prune(folder: Path, days: int, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups older than ``days``; never the newest backup. The paths deleted."""
    now = now or datetime.now()
    cutoff = now - timedelta(days=days)
    backups = list_backups(folder)
    newest = next((b for b in backups if b.kind == BACKUP), None)
    deleted: list[Path] = []
    for backup in backups:
        if backup.taken < cutoff and backup is not newest:
            try:
                backup.path.unlink()
            except OSError as exc:
                log.warning("could not delete an old backup (errno %s)", exc.errno)
                continue
            deleted.append(backup.path)
    # Temporary files of backups that were cut short (a crash, a full disk).
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if _PART.match(entry.name) and entry.is_file(follow_symlinks=False) and \
                    datetime.fromtimestamp(entry.stat().st_mtime) < now - timedelta(days=1):
                Path(entry.path).unlink(missing_ok=True)
    if deleted:
        log.info("deleted %d backups older than %d days", len(deleted), days)
    return deleted


def backup_due(folder: Path | None = None, *, today: date | None = None) -> bool:
    """No backup taken today yet (the automatic daily backup is due)."""
    today = today or date.today()
    try:
        backups = list_backups(folder)
    except ValidationError:
        return True
    return not any(b.kind == BACKUP and b.taken.date() == today for b in backups)


def changed_since_last_backup(url: str, folder: Path | None = None) -> bool:
    """Whether the SQLite file was written after the newest backup (the exit backup)."""
    source = sqlite_file(url)
    if source is None:
        return False
    try:
        backups = [b for b in list_backups(folder) if b.kind == BACKUP]
    except ValidationError:
        return True
    if not backups:
        return True
    written = 0.0
    for path in (source, _sidecar(source, "-wal")):
        with contextlib.suppress(OSError):
            written = max(written, path.stat().st_mtime)
    try:
        return written > backups[0].path.stat().st_mtime
    except OSError:
        return True


def _sidecar(database: Path, suffix: str) -> Path:
    return database.with_name(database.name + suffix)


# -- checking ---------------------------------------------------------------------------------


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)


@contextlib.contextmanager
def _connection(connect: Callable[[], sqlite3.Connection]) -> Iterator[sqlite3.Connection]:
    conn = connect()
    try:
        yield conn
    finally:
        conn.close()


def check_backup_file(path: Path | str, *, field: str = "file") -> str:
    """Check that ``path`` is a sound backup of this program's database; its revision.

    Refused (``ValidationError``): not a file, not SQLite, damaged (the integrity
    check fails or SQLite cannot read it), not this program's database, or made by
    a newer version whose migrations this one does not know.
    """
    source = check_input_file(path, max_bytes=MAX_BACKUP_BYTES, field=field,
                              signature=SQLITE_SIGNATURE, kind="SQLite 数据库备份文件（.sqlite3）")
    try:
        with _connection(lambda: _connect_read_only(source)) as conn:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            if result != ["ok"]:
                log.info("backup failed its integrity check: %d problems", len(result))
                raise ValidationError({field: f"备份文件已损坏（完整性检查未通过）：{source}"})
            has_version = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall() \
                if has_version else []
    except sqlite3.DatabaseError as exc:
        log.info("backup could not be read: %s", getattr(exc, "sqlite_errorname", ""))
        raise ValidationError({field: f"备份文件已损坏，无法读取：{source}"}) from exc
    if len(rows) != 1:
        raise ValidationError({field: f"不是本程序的数据库备份：{source}"})
    revision = str(rows[0][0])
    known, _parents = script_revisions()
    if revision not in known:
        raise ValidationError({field: f"该备份由更新版本的程序创建（数据库版本 {revision}），"
                                      "请先升级本程序再恢复"})
    return revision


@contextlib.contextmanager
def _interrupted_when(conn: sqlite3.Connection,
                      cancelled: Callable[[], bool] | None) -> Iterator[None]:
    """Interrupt what ``conn`` runs once ``cancelled()`` says so (asked every 10 ms).

    The integrity check is one long statement: SQLite's progress handler is not called
    inside it, but ``interrupt()`` from another thread stops it.
    """
    if cancelled is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.01):
            if cancelled():
                conn.interrupt()
                return

    watcher = threading.Thread(target=watch, name="quick-check-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def quick_check(url: str, cancelled: Callable[[], bool] | None = None, *,
                busy_timeout: float = 30) -> str | None:
    """At start: what is wrong with the SQLite file (``PRAGMA quick_check``), or ``None``.

    PostgreSQL checks its own pages; a SQLite file not yet created is fine. The check
    reads the whole file; ``cancelled`` (asked now and then) stops it, with ``None``. A
    file another desk keeps locked past ``busy_timeout`` seconds is in use, not damaged.
    """
    path = sqlite_file(url)
    if path is None or not path.exists():
        return None
    try:
        with _connection(lambda: sqlite3.connect(str(path), timeout=busy_timeout,
                                                 check_same_thread=False)) as conn, \
                _interrupted_when(conn, cancelled):
            result = [row[0] for row in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as exc:
        if cancelled is not None and cancelled():
            return None  # interrupted: nothing is claimed
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN")):
            return None  # in use or unreachable: the start reports that as it always did
        return "数据库文件已损坏，无法读取"
    if result == ["ok"] or (cancelled is not None and cancelled()):
        return None  # sound, or stopped: nothing is claimed
    log.info("quick_check found %d problems", len(result))
    return "数据库文件已损坏（完整性检查未通过）"


def last_good_backup(folder: Path | None = None) -> Backup | None:
    """The newest backup that passes its check (older ones are tried when it does not)."""
    try:
        backups = list_backups(folder)
    except ValidationError:
        return None
    for backup in (b for b in backups if b.kind == BACKUP and b.path.suffix == SQLITE_SUFFIX):
        try:
            check_backup_file(backup.path)
        except ValidationError:
            continue
        return backup
    return None


def damaged_message(problem: str, backup: Backup | None, *, button: bool = True) -> str:
    """What the user reads when the database is damaged: the last good backup and the way back."""
    return f"{problem.rstrip('。')}。{restore_hint(backup, button=button)}"


def restore_hint(backup: Backup | None, *, button: bool = True) -> str:
    """The way back from ``backup`` (the last good one), or what to do without one."""
    if backup is None:
        return "备份文件夹中没有可用的备份。请不要继续使用该数据库，联系管理员用其他备份恢复。"
    way = "点击“恢复”，或" if button else ""
    return (f"最近一次完好的备份是 {backup.taken_text} 的 {backup.path.name}。"
            f"{way}在命令行运行：python -m desktop backup restore \"{backup.path}\" "
            "（也可在“系统设置 → 备份”中选择该备份后点击“恢复…”）。"
            "恢复前会把当前数据库另存一份；备份之后录入的内容需要重新录入。")


# -- creating ---------------------------------------------------------------------------------


def create_backup(url: str, *, folder: Path | None = None, days: int | None = None,
                  now: datetime | None = None, progress: Progress | None = None) -> Backup:
    """Back the database up now: a checked copy in the backup folder; old ones pruned.

    The days kept are checked first: a refusal leaves no backup behind.
    """
    settings = _settings(folder, days)
    keep_days = check_days(settings.days)
    target_folder = prepare_folder(settings.folder)
    now = now or datetime.now()
    if sqlite_file(url) is None:
        backup = _pg_dump(url, target_folder, now)
    else:
        backup = _sqlite_backup(url, target_folder, now, BACKUP, progress)
    prune(target_folder, keep_days, now=now)
    return backup


def _sqlite_backup(url: str, folder: Path, now: datetime, kind: str,
                   progress: Progress | None = None) -> Backup:
    source = sqlite_file(url)
    assert source is not None
    if not source.is_file():
        raise ValidationError({"database": f"数据库文件不存在：{source}"})
    target = _new_name(folder, kind, now, SQLITE_SUFFIX)
    tmp = folder / f".~{target.stem}.part"
    try:
        try:
            _copy_database(source, tmp, progress)
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                raise
            # The copy itself ran into a damaged page.
            raise ValidationError({"file": "数据库文件已损坏，无法读取"}) from exc
        check_backup_file(tmp)
        os.replace(tmp, target)
    except ValidationError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError({"database": "数据库本身已损坏，备份未保存。"
                               + "；".join(exc.errors.values())}) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    paths.make_private(target)
    log.info("backup written: %s", target.name)
    return Backup(target, now.replace(microsecond=0), kind, target.stat().st_size)


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file (not one that is busy, locked or out of reach)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc)


def _copy_database(source: Path, target: Path, progress: Progress | None = None) -> None:
    """Copy the database ``source`` to the new file ``target`` through the backup API."""
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE_MODE)
    os.close(fd)

    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    with _connection(lambda: sqlite3.connect(str(source), timeout=30)) as src, \
            _connection(lambda: sqlite3.connect(str(target))) as dst:
        src.backup(dst, progress=report)
        # One self-contained file: no -wal beside it when it is opened later.
        dst.execute("PRAGMA journal_mode=DELETE")


# -- PostgreSQL -------------------------------------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq address of ``url`` without its password, and the environment that logs in."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    query = dict(parsed.query)
    passfile = query.pop("passfile", None)
    if isinstance(passfile, str):
        env["PGPASSFILE"] = passfile
    bare = parsed._replace(password=None).set(drivername="postgresql", query=query)
    return bare.render_as_string(hide_password=False), env


def _pg_dump(url: str, folder: Path, now: datetime) -> Backup:
    program = shutil.which("pg_dump")
    if program is None:
        raise FeatureUnavailableError(PG_HOWTO)
    target = _new_name(folder, BACKUP, now, DUMP_SUFFIX)
    tmp = folder / f".~{target.stem}.part"
    address, env = _libpq(url)
    command = [program, "--format=custom", "--no-password", f"--file={tmp}",
               f"--dbname={address}"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True,
                                timeout=PG_DUMP_TIMEOUT_S, check=False)
        if result.returncode != 0:
            raise ValidationError({"database": "pg_dump 备份失败：" + _last_line(result.stderr)})
        _check_dump(tmp)
        os.replace(tmp, target)
    except subprocess.TimeoutExpired as exc:
        raise ValidationError({"database": "pg_dump 备份超时（超过 1 小时）"}) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    paths.make_private(target)
    log.info("pg_dump written: %s", target.name)
    return Backup(target, now.replace(microsecond=0), BACKUP, target.stat().st_size)


def _check_dump(path: Path) -> None:
    """A dump pg_restore can read (its table of contents), when pg_restore is here."""
    program = shutil.which("pg_restore")
    if program is None:
        return
    result = subprocess.run([program, "--list", str(path)], capture_output=True, text=True,
                            timeout=PG_DUMP_TIMEOUT_S, check=False)
    if result.returncode != 0:
        raise ValidationError({"database": "pg_dump 生成的备份无法读取："
                               + _last_line(result.stderr)})


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "未知原因"


# -- restoring --------------------------------------------------------------------------------


def restore_backup(url: str, backup: Path | str, *, folder: Path | None = None,
                   now: datetime | None = None) -> Restored:
    """Give back the data of ``backup``; the current database is kept beside the backups.

    Works on a live database (other connections see the restored data) and on a
    damaged one (whose file is then replaced whole). A backup from an older
    version is brought up to the current migrations afterwards.
    """
    target = sqlite_file(url)
    if target is None:
        raise FeatureUnavailableError(
            "PostgreSQL 数据库请在服务器上用 pg_restore 恢复，例如："
            "pg_restore --clean --if-exists --dbname=zongzhi 备份文件.dump")
    source = Path(backup)
    revision = check_backup_file(source)
    now = now or datetime.now()
    kept = _keep_current(target, prepare_folder(_settings(folder, None).folder), now) \
        if target.exists() else None
    if target.exists() and quick_check(url) is None:
        try:
            _restore_into(source, target)
        except sqlite3.DatabaseError as exc:
            log.warning("restore into the live file failed (%s): replacing it",
                        getattr(exc, "sqlite_errorname", ""))
            _replace_file(source, target)
    else:
        paths.private_dir(target.parent)
        _replace_file(source, target)
    engine = make_engine(url)
    try:
        upgrade_if_needed(engine)
    finally:
        engine.dispose()
    paths.make_private(target)
    log.info("restored %s (revision %s)", source.name, revision)
    return Restored(source, kept, revision)


def _keep_current(target: Path, folder: Path, now: datetime) -> Path:
    """A copy of the database about to be replaced: through the backup API, or byte for byte
    when it is too damaged for that."""
    try:
        return _sqlite_backup(sqlite_url(target), folder, now, BEFORE_RESTORE).path
    except (ValidationError, sqlite3.DatabaseError):
        kept = _new_name(folder, BEFORE_RESTORE, now, SQLITE_SUFFIX)
        shutil.copyfile(target, kept)
        wal = _sidecar(target, "-wal")
        if wal.exists():
            shutil.copyfile(wal, _sidecar(kept, "-wal"))
        paths.make_private(kept)
        return kept


def _restore_into(source: Path, target: Path) -> None:
    with _connection(lambda: _connect_read_only(source)) as src, \
            _connection(lambda: sqlite3.connect(str(target), timeout=30)) as dst:
        src.backup(dst)
        problems = [row[0] for row in dst.execute("PRAGMA quick_check(5)")]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError("restored database fails its check")


def _replace_file(source: Path, target: Path) -> None:
    """Replace the database file whole (when it is too damaged to be written into)."""
    tmp = target.with_name(f".~{target.name}.restore.part")
    try:
        _copy_database(source, tmp)
        for suffix in ("-wal", "-shm"):
            _sidecar(target, suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
    except OSError as exc:
        raise ValidationError({"database": "无法替换数据库文件（可能有其他程序窗口正在使用，"
                               "请先关闭所有窗口）：" + os_error_message(exc, target)}) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
