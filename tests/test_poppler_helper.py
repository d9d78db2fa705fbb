"""The poppler helper: a missing tool skips the test; output is UTF-8 whatever the locale."""

from __future__ import annotations

import pytest

from tests import poppler


def test_a_missing_tool_skips_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poppler.shutil, "which", lambda _name: None)
    with pytest.raises(pytest.skip.Exception) as skipped:
        poppler.text_of(b"%PDF-1.4")
    assert "pdftotext (poppler-utils) is not installed" in str(skipped.value)


def test_output_is_decoded_as_utf8_under_a_chinese_code_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cp936 locale (Chinese Windows) must not garble pdftotext's UTF-8."""
    monkeypatch.setenv("PYTHONIOENCODING", "cp936")
    monkeypatch.setattr("locale.getpreferredencoding", lambda *_a: "cp936")
    pdf = _chinese_pdf()
    assert "综治中心受理回执" in poppler.text_of(pdf).replace("\n", "")


def _chinese_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    from desktop.printing import fonts

    font = fonts.sans()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(font, 14)
    page.drawString(72, 720, "综治中心受理回执")
    page.save()
    return buffer.getvalue()
