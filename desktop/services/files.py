"""Files the user names: checked before they are read, replaced whole when written.

An output is written to a temporary file beside the target and renamed over it
only when complete, and only onto a regular file (or a new name): a folder, a
device such as ``/dev/full`` or a pipe is refused, never replaced. An input
must be a regular file of a sane size, so a folder, ``/dev/zero`` or a pipe is
refused before anything reads from it. Problems are :class:`ValidationError`
with a Chinese message; :func:`os_error_message` words the operating system's
own errors.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from pathlib import Path

from desktop.services.errors import ValidationError

XLSX_SIGNATURE = b"PK\x03\x04"


def temp_path(target: Path) -> Path:
    """A hidden name beside ``target`` for writing it before it is renamed into place."""
    return target.with_name(f".~{target.stem}.{uuid.uuid4().hex[:8]}.part")


def check_output_path(path: str | os.PathLike[str], *, field: str = "out") -> Path:
    """``path`` as a place to write a new file; ``ValidationError`` when it cannot be one."""
    target = Path(path)
    if not str(path).strip() or target.name in ("", ".", ".."):
        raise ValidationError({field: "请指定要保存的文件名"})
    parent = target.parent
    if not parent.exists():
        raise ValidationError({field: f"文件夹不存在：{parent}"})
    if not parent.is_dir():
        raise ValidationError({field: f"{parent} 不是文件夹"})
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise ValidationError({field: os_error_message(exc, target)}) from exc
    if stat.S_ISDIR(mode):
        raise ValidationError({field: f"{target} 是一个文件夹，请指定要保存的文件名"})
    if not stat.S_ISREG(mode):
        raise ValidationError({field: f"{target} 不是普通文件（可能是设备或管道），不能覆盖"})
    return target


class FileInUseError(ValidationError):
    """``target`` is open in another program, which on Windows forbids replacing it.

    Excel, WPS and PDF readers hold the file they show (WinError 5 or 32). The
    message says so in Chinese; ``suggested`` is a free name beside it to save under.
    """

    def __init__(self, target: Path, field: str = "out") -> None:
        self.target = target
        self.suggested = free_name(target)
        super().__init__({field: (
            f"文件正被其他程序打开（如 Excel、WPS 或 PDF 阅读器），无法覆盖：{target}。"
            f"请关闭该文件后重试，或另存为“{self.suggested.name}”")})


def free_name(target: Path) -> Path:
    """``name (2).xlsx``, ``name (3).xlsx``, ...: the first that does not exist yet."""
    number = 2
    while True:
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        if not candidate.exists():
            return candidate
        number += 1


def replace_into(tmp: Path, target: Path) -> None:
    """Rename the finished temporary file over ``target`` (checked again just before)."""
    check_output_path(target)
    try:
        os.replace(tmp, target)
    except PermissionError as exc:
        # The folder takes new files (the temporary one is in it) but this one is held.
        if target.exists() and os.access(target.parent, os.W_OK):
            raise FileInUseError(target) from exc
        raise


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    target = check_output_path(path)
    tmp = temp_path(target)
    try:
        tmp.write_bytes(data)
        replace_into(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


def check_input_file(path: str | os.PathLike[str], *, max_bytes: int, field: str = "file",
                     signature: bytes | None = None, kind: str = "文件") -> Path:
    """``path`` as a regular file of at most ``max_bytes`` that starts with ``signature``."""
    source = Path(path)
    try:
        info = source.stat()
    except FileNotFoundError:
        raise ValidationError({field: f"找不到文件：{source}"}) from None
    except OSError as exc:
        raise ValidationError({field: os_error_message(exc, source)}) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ValidationError({field: f"{source} 是一个文件夹，请选择 {kind}"})
    if not stat.S_ISREG(info.st_mode):
        raise ValidationError({field: f"{source} 不是普通文件（可能是设备或管道），不能读取"})
    if info.st_size == 0:
        raise ValidationError({field: "文件是空的"})
    if info.st_size > max_bytes:
        raise ValidationError({field: f"文件过大（超过 {max_bytes // (1024 * 1024)} MB）"})
    if signature is not None:
        try:
            with source.open("rb") as handle:
                start = handle.read(len(signature))
        except OSError as exc:
            raise ValidationError({field: os_error_message(exc, source)}) from exc
        if start != signature:
            raise ValidationError({field: f"无法读取：不是有效的 {kind}"})
    return source


_ERRNO_MESSAGES = {
    errno.ENOENT: "找不到文件或文件夹",
    errno.EACCES: "没有权限读写",
    errno.EPERM: "没有权限读写",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已满",
    errno.EROFS: "磁盘是只读的",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "文件已存在",
    errno.EBUSY: "文件正被其他程序使用",
}


def os_error_message(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """The operating system's complaint about a file, in Chinese."""
    what = _ERRNO_MESSAGES.get(exc.errno or 0)
    where = path if path is not None else (exc.filename or "")
    if what is None:
        what = f"无法读写文件（{exc.strerror or type(exc).__name__}）"
    return f"{what}：{where}" if where else what
