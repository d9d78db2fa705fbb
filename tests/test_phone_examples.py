"""The phone examples the desk shows are numbers it accepts (issue 9)."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services.validation import phone_error
from desktop.views.reception.registration import RegistrationPage

EXAMPLE = re.compile(r"[0-9][0-9-]{6,}[0-9]")


def test_the_examples_in_the_error_and_the_placeholder_are_accepted(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    page = RegistrationPage(database=sqlite_database)
    qtbot.addWidget(page)
    message = phone_error("abc") or ""
    examples = EXAMPLE.findall(message) + EXAMPLE.findall(page.phone.placeholderText())
    assert len(examples) >= 3, (message, page.phone.placeholderText())
    assert {number: phone_error(number) for number in examples} == dict.fromkeys(examples)
