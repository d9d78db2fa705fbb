"""Names with characters the document fonts cannot draw are refused (issue 9)."""

from __future__ import annotations

import pytest

from desktop.db import Database
from desktop.services.errors import ValidationError
from desktop.services.validation import unprintable_error
from tests import mediation_helpers as h
from tests.reception_helpers import register


@pytest.mark.parametrize("name", ["王秀英😀", "𠮷野", "李\U0001f468\u200d\U0001f469"])
def test_undrawable_names_are_refused_with_the_character(name: str) -> None:
    message = unprintable_error(name)
    assert message is not None and "无法" in message


@pytest.mark.parametrize("name", ["王秀英", "欧阳 娜娜", "阿依古丽·买买提", "张三（代）"])
def test_ordinary_names_pass(name: str) -> None:
    assert unprintable_error(name) is None


def test_registration_refuses_an_emoji_name(database: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        register(database, 1, name="王秀英😀")
    assert "😀" in caught.value.errors["name"]


def test_a_party_name_with_an_emoji_is_refused(database: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        h.make_case(database, parties=[h.person(1, name="当事人🙂"), h.person(2, "被申请人")])
    assert "🙂" in caught.value.errors["name"]
