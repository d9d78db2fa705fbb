"""Where the app keeps its data and finds its bundled resources.

The data folder comes from platformdirs (``%LOCALAPPDATA%`` on Windows,
``~/.local/share`` on Linux) and can be moved with ``DESKTOP_DATA_DIR``, which
the tests use to keep every run in a temporary folder. A desk PC that several
Windows accounts sign in to shares one folder under ProgramData when the
installer says so (:func:`machine_data_dir`).

What the program writes there (the database, drafts, logs, backups) and the
exports it writes anywhere are readable by the user alone: on Linux and macOS
folders are 0700 and files 0600, set at creation (:func:`restrict_new_files`
for the whole process, :func:`private_dir` and :func:`make_private` for each
path) and corrected at start (:func:`secure_data_folder`). On Windows the data
folder is in the user's own profile (``%LOCALAPPDATA%``), which only that user
and the administrators can open; permission bits mean nothing there, so these
functions leave Windows alone.
"""

from __future__ import annotations

import configparser
import logging
import os
import stat
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import platformdirs

from desktop import APP_NAME

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
# Bits that let anyone but the owner in.
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def posix_permissions() -> bool:
    """Whether permission bits protect files here (not on Windows, see the module doc)."""
    return os.name == "posix"


def restrict_new_files() -> int | None:
    """From now on this process creates files 0600 and folders 0700; the previous umask."""
    return os.umask(0o077) if posix_permissions() else None


def make_private(path: Path) -> Path:
    """Make an existing file (0600) or folder (0700) of this user readable by them alone."""
    if not posix_permissions():
        return path
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
            return path  # not ours to change
        wanted = PRIVATE_DIR_MODE if stat.S_ISDIR(info.st_mode) else PRIVATE_FILE_MODE
        if stat.S_IMODE(info.st_mode) & _OTHERS:
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~_OTHERS | (wanted & 0o700))
    except OSError as exc:
        log.warning("could not make %s private (errno %s)", path, exc.errno)
    return path


def private_dir(path: Path) -> Path:
    """``path`` as a folder readable by this user alone, created when missing."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return make_private(path)


def secure_data_folder() -> list[Path]:
    """At start: make the data folder and all in it private again; the paths corrected.

    An older version (or a copy by hand) left them 0755/0644, readable by every
    local user. Symbolic links are not followed.
    """
    if not posix_permissions():
        return []
    corrected: list[Path] = []
    root = data_dir()
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            corrected += _corrected(Path(folder) / name)
    return _corrected(root) + corrected


def _corrected(path: Path) -> list[Path]:
    try:
        before = path.lstat().st_mode
    except OSError:
        return []
    make_private(path)
    try:
        return [path] if path.lstat().st_mode != before else []
    except OSError:
        return []


# Written by the installer beside the program when the PC's Windows accounts share
# one data folder (a desk PC several people sign in to): ``[data] folder=...``.
DATA_LOCATION_FILE = "data-location.ini"


def program_dir() -> Path | None:
    """The folder of the installed (frozen) program; None when run from the source."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def machine_data_dir(program: Path | None = None) -> Path | None:
    """The data folder every Windows account of this PC shares, when the installer set one.

    The installer asks (for an installation for every user of the PC) whether the
    accounts share one data folder under ProgramData, and writes its choice to
    :data:`DATA_LOCATION_FILE` beside the program. Without that file each Windows
    account keeps its own data folder.
    """
    program = program_dir() if program is None else program
    if program is None:
        return None
    location = program / DATA_LOCATION_FILE
    if not location.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(location, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        log.warning("%s cannot be read (%s): each account keeps its own data folder",
                    location, type(exc).__name__)
        return None
    folder = parser.get("data", "folder", fallback="").strip()
    return Path(folder) if folder else None


def data_dir() -> Path:
    """The data folder; created on first use.

    ``DESKTOP_DATA_DIR`` first, then the PC's shared folder if the installer set one
    (:func:`machine_data_dir`), else the Windows account's own (``%LOCALAPPDATA%``).
    """
    override = os.environ.get("DESKTOP_DATA_DIR")
    if override:
        path = Path(override)
    else:
        path = machine_data_dir() or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if not path.is_dir():
        private_dir(path)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    if not path.is_dir():
        private_dir(path)
    return path


def default_backup_dir() -> Path:
    """Where backups go unless the admin chose a folder (better on another disk)."""
    return data_dir() / "backups"


def default_database_path() -> Path:
    return data_dir() / "desk.sqlite3"


def resource_dir() -> Path:
    """The bundled ``resources`` folder, for source, installed and frozen runs alike."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "desktop" / "resources"
    try:
        path = Path(str(resources.files("desktop.resources")))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


# -- network shares ------------------------------------------------------------------------------

# File systems that reach another machine: SQLite's locks (and WAL's shared memory)
# do not hold across them, so two desks on one file there corrupt it.
NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs",
    "fuse.gvfsd-fuse", "fuse.rclone", "davfs", "glusterfs", "ceph", "fuse.ceph",
})
DRIVE_REMOTE = 4  # GetDriveTypeW: a mapped network drive


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def _mount_type(path: str, mounts: str) -> str | None:
    """The file system type of the longest mount point holding ``path`` (/proc/mounts)."""
    best, kind = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def on_network_share(path: Path | str, *, windows: bool | None = None,
                     drive_type: Callable[[str], int] | None = None,
                     mounts: str | None = None) -> bool:
    """Whether ``path`` lies on another machine: a UNC path or mapped drive on Windows,
    an NFS/SMB/... mount elsewhere. (The keyword arguments let tests play each system.)
    """
    text = str(path)
    windows = os.name == "nt" if windows is None else windows
    if windows:
        if text.startswith(("\\\\", "//")):
            return True
        if len(text) >= 2 and text[1] == ":":
            return (drive_type or _windows_drive_type)(text[:2].upper() + "\\") == DRIVE_REMOTE
        return False
    if text.startswith("//"):  # smb://-style paths some file managers hand over
        return True
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    absolute = os.path.abspath(text)
    return _mount_type(absolute, mounts) in NETWORK_FILE_SYSTEMS
