"""A party-name error goes once the name is filled in (issue 9)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.db import Database
from desktop.services import mediation
from desktop.services.errors import ValidationError
from desktop.views.mediation.party_dialog import PartyDialog
from tests.qt_helpers import type_text


def test_the_name_error_goes_when_the_name_is_typed(
    qtbot: QtBot, sqlite_database: Database
) -> None:
    def save(data: mediation.PartyInput, _version: int) -> mediation.PartyResult:
        raise ValidationError(mediation.validate_party(data))

    dialog = PartyDialog(database=sqlite_database, side="申请人", case_id=None, save=save)
    qtbot.addWidget(dialog)
    dialog.on_save()
    assert dialog.errors["name"].text()
    type_text(qtbot, dialog.name, "王秀英")
    assert not dialog.errors["name"].text()
