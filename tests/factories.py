"""Invented people for tests: plausible names and valid-checksum 身份证号."""

from __future__ import annotations

from datetime import date

from desktop.services.validation import make_id_number


def id_number(n: int = 1, birth: date = date(1985, 3, 14), region: str = "110105") -> str:
    return make_id_number(region, birth, n)
