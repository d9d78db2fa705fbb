"""Opening an exported workbook the way a centre's PC would: LibreOffice, headless."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import poppler


def require_soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install "
                    "libreoffice-calc-nogui")
    return soffice


def workbook_as_pdf_text(soffice: str, workbook: Path, work: Path) -> str:
    """Convert ``workbook`` to PDF with LibreOffice (it must not fail) and return the PDF's text."""
    profile = work / "lo-profile"
    env = dict(os.environ, HOME=str(work))
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(work), str(workbook)],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = work / f"{workbook.stem}.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000, proc.stdout + proc.stderr
    return poppler.text_of(pdf)
