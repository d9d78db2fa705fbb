"""The Windows version resource (VERSIONINFO) of the program's executables.

desktop.spec writes it as PyInstaller's version file (``EXE(version=...)``) from
``desktop.__version__``, so the file properties of zongzhi-desk.exe show the product,
its version and publisher; antivirus suites and SmartScreen look for them.
"""

from __future__ import annotations

import re

# Simplified Chinese (0x0804), Unicode (1200): the language of the strings below.
LANGUAGE, CODEPAGE = 0x0804, 1200


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` (or ``1.2.3rc1``) as the four numbers a version resource holds."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:4]]
    if not numbers:
        raise ValueError(f"no version number in {version!r}")
    return (*numbers, 0, 0, 0)[:4]  # type: ignore[return-value]


def version_file_text(*, version: str, name: str, title: str, publisher: str,
                      exe: str) -> str:
    """The text PyInstaller's ``load_version_info_from_text_file`` reads."""
    numbers = numeric_version(version)
    strings = {
        "CompanyName": publisher,
        "FileDescription": title,
        "FileVersion": version,
        "InternalName": name,
        "LegalCopyright": f"© {publisher}",
        "OriginalFilename": exe,
        "ProductName": title,
        "ProductVersion": version,
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# Made by installer/versioninfo.py from desktop.__version__; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('{LANGUAGE:04x}{CODEPAGE:04x}', [
          {table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [{LANGUAGE}, {CODEPAGE}])])
  ]
)
"""
