"""`python -m desktop print receipt VISIT_NO --out F.pdf --paper a5|80mm`, read back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from desktop.cli import main
from desktop.db import Database
from tests import poppler
from tests.factories import id_number
from tests.reception_helpers import register


def _pdf_text(path: Path) -> str:
    return poppler.text_of(path)


@pytest.mark.parametrize(("paper", "width_mm"), [("a5", 148), ("80mm", 80)])
def test_print_receipt_command(
    sqlite_database: Database, sqlite_db_url: str, tmp_path: Path, paper: str, width_mm: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reg = register(sqlite_database, 9, name="陈美玲", room="关爱工作室", category="困难帮扶",
                   id_number=id_number(9))
    out = tmp_path / f"receipt-{paper}.pdf"
    code = main(["--db", sqlite_db_url, "print", "receipt", reg.visit_no, "--out", str(out),
                 "--paper", paper])
    assert code == 0
    assert str(out) in capsys.readouterr().out
    text = _pdf_text(out)
    for expected in (reg.visit_no, reg.ticket_no, "关爱工作室", "陈美玲", "后续办理",
                     "中心电话", id_number(9)[:6] + "********" + id_number(9)[-4:]):
        assert expected in text, expected
    assert id_number(9) not in text
    info = poppler.run("pdfinfo", out)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    assert abs(float(size.group(1)) / 72 * 25.4 - width_mm) < 1
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    fonts = poppler.run("pdffonts", out)
    assert "Helvetica" not in fonts
    assert all(" yes yes " in line for line in fonts.splitlines()[2:])
    # Rendered with pdftoppm: a real page with the QR code's dark modules on it.
    poppler.run("pdftoppm", "-png", "-r", "70", out, tmp_path / "page")
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    with Image.open(pages[0]) as image:
        grey = image.convert("L")
        assert grey.width == pytest.approx(width_mm / 25.4 * 70, abs=2)
        dark = sum(grey.histogram()[:100])
        assert dark > 500


def test_print_receipt_of_unknown_visit_says_so(
    sqlite_database: Database, sqlite_db_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["--db", sqlite_db_url, "print", "receipt", "J209901010001", "--out",
                 str(tmp_path / "x.pdf"), "--paper", "a5"])
    assert code == 2
    assert "没有受理编号为 J209901010001" in capsys.readouterr().err
