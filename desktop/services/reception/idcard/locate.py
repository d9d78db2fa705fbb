"""Finding the reader of this PC: which vendor DLL is installed, and how to run it.

The folders searched, in order: the one named in the settings, the program's own
folder, and Windows' system folders (where the vendors' installers put their
DLLs). A DLL is recognised by its exports, not its name: 华视 and 神思 both ship
``termb.dll``. A DLL whose bitness differs from this Python's (a vendor's 32-bit
DLL beside the 64-bit program) is run in the helper process
(:mod:`desktop.services.reception.idcard.helper`) under the 32-bit Python the settings name.
"""

from __future__ import annotations

import logging
import os
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.services.reception.idcard.drivers import LABELS, identify, load_library, make_reader
from desktop.services.reception.idcard.helper import HelperReader, helper_environment
from desktop.services.reception.idcard.pe import NotADll, read_dll
from desktop.services.reception.idcard.reader import CardReader, UnavailableReader
from desktop.services.reception.idcard.simulated import SimulatedReader

log = logging.getLogger(__name__)

AUTO, DEMO, OFF = "auto", "demo", "off"
MODES = (AUTO, DEMO, OFF)
DLL_NAMES = ("termb.dll", "sdtapi.dll")  # termb first: it also needs sdtapi.dll beside it
PHOTO_DLL = "WltRS.dll"
PYTHON_BITS = struct.calcsize("P") * 8


@dataclass(frozen=True)
class FoundDriver:
    kind: str  # drivers.HUASHI, SHENSI or SDTAPI
    path: Path
    bits: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def search_folders(configured: Path | None = None) -> list[Path]:
    folders: list[Path] = []
    if configured is not None:
        folders.append(configured if configured.is_dir() else configured.parent)
    folders.append(Path(sys.executable).resolve().parent)
    system_root = os.environ.get("SYSTEMROOT")
    if system_root:
        folders += [Path(system_root) / "System32", Path(system_root) / "SysWOW64"]
    return folders


def _candidates(folders: Iterable[Path], configured: Path | None) -> Iterable[Path]:
    if configured is not None and configured.is_file():
        yield configured
    for folder in folders:
        if not folder.is_dir():
            continue
        by_name = {p.name.lower(): p for p in folder.iterdir() if p.suffix.lower() == ".dll"}
        for name in DLL_NAMES:
            if name in by_name:
                yield by_name[name]


def find_driver(folders: Sequence[Path], *, configured: Path | None = None
                ) -> FoundDriver | None:
    """The first reader DLL found, told by its exports; ``None`` when there is none."""
    for path in _candidates(folders, configured):
        try:
            info = read_dll(path)
        except NotADll as exc:
            log.info("not a reader DLL: %s (%s)", path, exc)
            continue
        kind = identify(info.exports)
        if kind is not None:
            return FoundDriver(kind, path, info.bits)
        log.info("%s exports none of the readers' interfaces", path)
    return None


def photo_library(dll: Path) -> Any | None:
    """WltRS.dll beside sdtapi.dll decodes the photo; without it the card reads without one."""
    path = dll.parent / PHOTO_DLL
    if not path.exists():
        return None
    try:
        return load_library(path)
    except Exception:  # the text still reads without the photo
        log.warning("%s could not be loaded; cards are read without the photo", path)
        return None


def helper_command(found: FoundDriver, python: Path) -> list[str]:
    return [str(python), "-m", "desktop.services.reception.idcard.helper", "--driver", found.kind,
            "--dll", str(found.path)]


def open_driver(found: FoundDriver, *, helper_python: Path | None) -> CardReader:
    """The reader for a found DLL: loaded here, or in the helper when its bitness differs."""
    if found.bits == PYTHON_BITS:
        lib = load_library(found.path)
        return make_reader(found.kind, lib, photo_lib=photo_library(found.path))
    if helper_python is None or not helper_python.exists():
        return UnavailableReader(
            f"{found.label} 为 {found.bits} 位驱动，需要 {found.bits} 位 Python 运行读卡助手；"
            "请在 config.json 中用 id_reader_python 指定其 python.exe")
    return HelperReader(helper_command(found, helper_python), label=found.label,
                        env=helper_environment())


def open_reader(mode: str, *, dll: Path | None = None, helper_python: Path | None = None,
                folders: Sequence[Path] | None = None) -> CardReader | None:
    """The reader this PC uses, or ``None`` for none (the form then shows no reader).

    ``demo``: the simulated reader. ``off``: none. ``auto``: the installed vendor DLL
    on Windows; none elsewhere, or when no DLL is found (a PC without a reader).
    A DLL named in the settings that is not a reader's is reported, not ignored.
    """
    if mode == DEMO:
        return SimulatedReader()
    if mode == OFF or (sys.platform != "win32" and dll is None):
        return None
    found = find_driver(folders if folders is not None else search_folders(dll),
                        configured=dll)
    if found is None:
        if dll is not None:
            return UnavailableReader(
                f"在 {dll} 未找到可用的身份证阅读器驱动（termb.dll 或 sdtapi.dll）")
        return None
    log.info("ID card reader: %s at %s (%d-bit)", found.label, found.path, found.bits)
    try:
        return open_driver(found, helper_python=helper_python)
    except Exception as exc:  # a reader that cannot be set up must not stop the desk
        message = str(exc) or type(exc).__name__
        return UnavailableReader(f"{found.label} 无法使用：{message}")
