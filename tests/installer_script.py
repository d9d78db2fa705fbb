"""Reading installer/zongzhi-desk.iss the way Inno Setup would, for the tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISS = ROOT / "installer" / "zongzhi-desk.iss"


def iss_text() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def defines(text: str) -> dict[str, str]:
    """The script's ``#define NAME "value"`` lines (the first of each name)."""
    found: dict[str, str] = {}
    for name, value in re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, re.MULTILINE):
        found.setdefault(name, value)
    return found


def expand(value: str, names: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: names[m.group(1)], value)


def app_files(text: str) -> set[str]:
    """Every path under ``{app}`` that the shortcuts, the post-install run, the uninstall
    entry and the upgrade's clean-up name, relative to the installation folder."""
    names = defines(text)
    # The [INI] section names files the setup writes itself (data-location.ini).
    if "[INI]" in text:
        start = text.index("[INI]")
        end = text.index("\n[", start + 1)
        text = text[:start] + text[end:]
    found = set()
    for value in re.findall(r'(?:Filename|Name):\s*"\{app\}\\([^"]+)"', text):
        found.add(expand(value, names))
    for value in re.findall(r"^UninstallDisplayIcon=\{app\}\\(.+)$", text, re.MULTILINE):
        found.add(expand(value.strip(), names))
    return found


def setting(text: str, key: str) -> str | None:
    match = re.search(rf"^{key}=(.*)$", text, re.MULTILINE)
    return match.group(1).strip() if match else None
