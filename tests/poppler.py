"""Running poppler's tools (pdftotext, pdfinfo, pdffonts, pdftoppm) from the tests.

A PC without poppler-utils (a fresh Windows desk running the test command) skips
the test that needs one, with the reason, instead of failing it; the output is
always decoded as UTF-8, whatever the console's code page (cp936 on a Chinese
Windows), since every call that prints text asks for UTF-8.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def tool(name: str) -> str:
    """The path of poppler's ``name``; the test is skipped when it is not installed."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return found


def run(name: str, *args: str | Path, data: bytes | None = None, timeout: float = 120) -> str:
    """``name args...`` (PDF bytes on stdin when ``data`` is given); its output as text."""
    result = subprocess.run([tool(name), *map(str, args)], input=data, capture_output=True,
                            check=True, timeout=timeout)
    return result.stdout.decode("utf-8", errors="replace")


def text_of(pdf: bytes | Path, *options: str) -> str:
    """What pdftotext reads from a PDF (bytes or a file), in UTF-8."""
    if isinstance(pdf, Path):
        return run("pdftotext", *options, "-enc", "UTF-8", pdf, "-")
    return run("pdftotext", *options, "-enc", "UTF-8", "-", "-", data=pdf)
