"""A protected PDF among a case's attachments: opened when only its owner is locked out
(as court and bank PDFs are), a notice in its place when it cannot be opened; never a
卷宗 that fails to print."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import DependencyError

from desktop.printing import casefile
from desktop.services.mediation.forms import AttachmentData


def _pdf(*, user_password: str, algorithm: str = "AES-256") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=user_password, owner_password="法院", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ITEM = AttachmentData(id=7, kind="证据材料", title="判决书", filename="判决书.pdf",
                      mime="application/pdf", size=0, added_at=datetime(2026, 12, 2, 10, 30))


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "RC4-128"])
def test_a_pdf_locked_for_its_owner_only_is_printed_as_it_is(algorithm: str) -> None:
    content = _pdf(user_password="", algorithm=algorithm)
    assert casefile.attachment_pdf(ITEM, content) == content
    assert len(casefile._pdf_pages(content)) == 2


def test_a_pdf_that_needs_a_password_prints_a_notice_in_its_place() -> None:
    printed = casefile.attachment_pdf(ITEM, _pdf(user_password="123456"))
    assert "该 PDF 文件无法读取，请查看原件。" in _text(printed).replace("\n", "")
    assert "证据材料：判决书" in _text(printed)


def test_without_the_cipher_library_a_notice_not_a_failed_print(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_cipher(self: PdfReader, password: str) -> None:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", no_cipher)
    printed = casefile.attachment_pdf(ITEM, _pdf(user_password=""))
    assert "该 PDF 文件无法读取，请查看原件。" in _text(printed).replace("\n", "")
