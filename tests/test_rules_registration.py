"""Every refusal rule of registration and of the number checks, each proven by a test.

A rule refused inside the transaction (a room switched off, a grid of another
community, someone else's earlier visit) must leave the database exactly as it
was: no person, visit, ticket or event, and no number counter moved.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.db import Database
from desktop.models import Person, Room
from desktop.services import validation
from desktop.services.admin import dictionaries
from desktop.services.errors import ValidationError
from desktop.services.reception.registration import RegistrationInput, validate
from tests.factories import id_number
from tests.reception_helpers import category_ids, register, room_ids
from tests.rules_helpers import PUBLISHED_ID, lock_waiters, snapshot

T0 = datetime(2026, 11, 26, 9, 0)
LANDLINE_HINT = "电话号码格式不正确（手机11位，座机如 010-62345678）"


def _input(**changes: object) -> RegistrationInput:
    values: dict[str, object] = dict(
        name="张三", id_number=PUBLISHED_ID, phone="13800138000", summary="楼上装修噪音扰民",
        room_id=1, category_id=1,
    )
    values.update(changes)
    return RegistrationInput(**values)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# 身份证号, phone numbers, 统一社会信用代码


def test_a_published_id_number_is_valid_and_a_lowercase_x_is_upper_cased() -> None:
    assert validation.id_number_error(PUBLISHED_ID) is None
    assert validation.id_number_error(PUBLISHED_ID.lower()) is None
    assert validation.normalize_id_number(" 110105 19491231 002x ") == PUBLISHED_ID


def test_a_lowercase_x_registers_the_same_person(database: Database) -> None:
    register(database, 1, id_number=PUBLISHED_ID.lower(), now=T0)
    register(database, 2, name="测试1号", id_number=PUBLISHED_ID, now=T0)
    with database.read() as session:
        assert list(session.scalars(select(Person.id_number))) == [PUBLISHED_ID]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "请填写身份证号，或选择“无证件”并说明原因"),
        ("1101051949123100", "身份证号应为18位，当前为16位"),
        ("11010519491231002Y", "身份证号前17位应为数字，最后一位为数字或X"),
        ("1101051949123100X2", "身份证号前17位应为数字，最后一位为数字或X"),
        ("110105194913310028", "身份证号中的出生日期不正确"),  # month 13
        ("110105194912310021", "身份证号校验位不正确，请核对"),
        ("990105194912310026", "身份证号前两位（省级行政区划代码）不正确"),
    ],
)
def test_bad_id_numbers_are_refused_with_their_reason(number: str, message: str) -> None:
    if number[:2] == "99":  # make the check digit right, so only the province is wrong
        number = validation.make_id_number("990105", date(1949, 12, 31), 2)
    assert validation.id_number_error(number) == message


def test_a_birth_date_in_the_future_is_refused_today_is_not() -> None:
    today = date.today()
    assert validation.id_number_error(validation.make_id_number("110105", today, 1)) is None
    tomorrow = validation.make_id_number("110105", today + timedelta(days=1), 1)
    assert validation.id_number_error(tomorrow) == "身份证号中的出生日期晚于今天"


def test_birth_years_before_1880_are_refused() -> None:
    assert validation.id_number_error(
        validation.make_id_number("110105", date(1880, 1, 1), 1)) is None
    old = validation.make_id_number("110105", date(1879, 12, 31), 1)
    assert validation.id_number_error(old) == "身份证号中的出生日期不正确"


@pytest.mark.parametrize(
    "number", ["13800138000", "+86 138 0013 8000", "19912345678", "010-62345678",
               "（010）62345678", "0755-8888888", "62345678", "010-62345678-123", "2345678"],
)
def test_good_phone_numbers(number: str) -> None:
    assert validation.phone_error(number) is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "请填写联系电话"),
        ("   ", "请填写联系电话"),
        ("12345678901", "手机号码不正确，请核对"),
        ("1380013800", "手机号码应为11位"),
        ("138001380001", "手机号码应为11位"),
        ("8888", LANDLINE_HINT),
        ("010-1234567a", LANDLINE_HINT),
        ("0234567", LANDLINE_HINT),
        ("1234567", "手机号码应为11位"),
    ],
)
def test_bad_phone_numbers(number: str, message: str) -> None:
    assert validation.phone_error(number) == message


def test_phone_numbers_are_normalised() -> None:
    assert validation.normalize_phone(" (010) 6234－5678 ") == "0106234-5678"
    assert validation.normalize_phone("010—62345678") == "010-62345678"
    assert validation.normalize_phone("（010）62345678") == "01062345678"


def test_masks_hide_the_middle_of_phone_and_id_numbers() -> None:
    assert validation.mask_phone("13800138000") == "138****8000"
    assert validation.mask_phone("010-62345678") == "010****5678"
    assert validation.mask_phone("62345678") == "****5678"
    assert validation.mask_phone("12345") == "*2345"
    assert validation.mask_phone("1234") == "1234"
    assert validation.mask_phone(None) == validation.mask_phone("") == ""
    assert validation.mask_id_number(PUBLISHED_ID) == "110105********002X"
    assert validation.mask_id_number("H12345678") == "H1*******"
    assert validation.mask_id_number("H123456789") == "H1********"
    assert validation.mask_id_number("H1234567890") == "H12345*7890"
    assert validation.mask_id_number(None) == validation.mask_id_number("") == ""
    assert validation.mask_id_number("A") == "A"  # nothing to hide, no star added


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110108551385082", "统一社会信用代码应为18位，当前为17位"),
        ("91110108551385082A", "统一社会信用代码校验位不正确"),
        ("9111010855138508IQ", "统一社会信用代码格式不正确"),
    ],
)
def test_bad_credit_codes(code: str, message: str) -> None:
    assert validation.credit_code_error(code) == message


def test_a_good_credit_code_in_lower_case_with_spaces() -> None:
    assert validation.credit_code_error(" 91110108551385082q ") is None


def test_made_up_id_numbers_carry_region_birth_and_sequence() -> None:
    number = validation.make_id_number("110105", date(1949, 12, 31), 1002)
    assert number == PUBLISHED_ID


# ---------------------------------------------------------------------------
# The form's rules (checked before anything is read or written)


def test_a_complete_form_has_no_errors() -> None:
    assert validate(_input()) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "请填写姓名"),
        ({"name": "名" * 65}, "name", "姓名过长"),
        ({"id_type": "军官证"}, "id_type", "证件类型不正确"),
        ({"id_number": "123"}, "id_number", "18位"),
        ({"id_type": "无证件", "id_number": ""}, "no_id_reason", "说明原因"),
        ({"id_type": "护照", "id_number": " "}, "id_number", "请填写证件号码"),
        ({"id_type": "护照", "id_number": "E" * 33}, "id_number", "证件号码过长"),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"anonymous": True, "phone": "8888"}, "phone", "电话号码格式不正确"),
        ({"gender": "未知"}, "gender", "性别只能是男或女"),
        ({"summary": "\n"}, "summary", "请填写来访事项摘要"),
        ({"summary": "事" * 2001}, "summary", "不超过2000字"),
        ({"room_id": None}, "room", "请选择分流去向"),
        ({"source": "电报"}, "source", "来源不正确"),
        ({"visit_type": "团体"}, "visit_type", "来访类型不正确"),
        ({"visit_type": "集体", "headcount": 1, "representative_name": "李四"},
         "headcount", "至少为2人"),
        ({"headcount": 0}, "headcount", "人数至少为1"),
        ({"headcount": 10000}, "headcount", "人数不正确"),
        ({"visit_type": "集体", "headcount": 5}, "representative_name", "代表人姓名"),
        ({"visit_type": "集体", "headcount": 5, "representative_name": "李" * 65},
         "representative_name", "代表人姓名过长"),
        ({"visit_type": "集体", "headcount": 5, "representative_name": "李四",
          "representative_phone": "8888"}, "representative_phone", "代表人电话号码格式"),
        ({"address": "路" * 201}, "address", "不超过200字"),
        ({"category_id": None}, "category", "请选择事项类别"),
        ({"risk_level": "绿"}, "risk_level", "红、橙、黄"),
    ],
)
def test_each_form_rule_names_its_field(changes: dict[str, object], field: str,
                                        message: str) -> None:
    errors = validate(_input(**changes))
    assert list(errors) == [field]
    assert message in errors[field]


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "名" * 64},
        {"anonymous": True, "name": "", "id_number": "", "phone": ""},
        {"id_type": "无证件", "id_number": "", "no_id_reason": "未带"},
        {"id_type": "护照", "id_number": "E" * 32},
        {"gender": "女"},
        {"gender": ""},
        {"summary": "事" * 2000},
        {"headcount": 9999},
        {"visit_type": "集体", "headcount": 2, "representative_name": "李" * 64},
        {"visit_type": "集体", "headcount": 2, "representative_name": "李四",
         "representative_phone": "13700001111"},
        {"address": "路" * 200},
        {"source": "12345热线", "risk_level": "红"},
    ],
)
def test_values_at_the_limits_are_accepted(changes: dict[str, object]) -> None:
    assert validate(_input(**changes)) == {}


# ---------------------------------------------------------------------------
# Rules checked inside the transaction: refused, and nothing is left behind


def _deactivate(database: Database, room: str) -> int:
    room_id = room_ids(database)[room]
    with database.write() as session:
        row = session.get(Room, room_id)
        assert row is not None
        row.active = False
    return room_id


def _grid(database: Database, community: str, grid: str) -> tuple[int, int]:
    with database.write() as session:
        community_id = dictionaries.save_community(session, None, community)
        return community_id, dictionaries.save_grid(session, None, community_id, grid)


def test_a_grid_of_another_community_is_refused(database: Database) -> None:
    east, east_grid = _grid(database, "东花市社区", "第一网格")
    west, _ = _grid(database, "西花市社区", "第二网格")
    register(database, 1, now=T0)
    before = snapshot(database)
    for community in (west, None):
        with pytest.raises(ValidationError) as caught:
            register(database, 2, now=T0, community_id=community, grid_id=east_grid)
        assert caught.value.errors == {"grid": "所选网格不属于所选社区"}
        assert snapshot(database) == before
    with pytest.raises(ValidationError):
        register(database, 2, now=T0, community_id=east, grid_id=east_grid + 1000)
    assert snapshot(database) == before
    register(database, 2, now=T0, community_id=east, grid_id=east_grid)


def test_a_switched_off_room_or_unknown_category_is_refused(database: Database) -> None:
    register(database, 1, now=T0)
    switched_off = _deactivate(database, "心理咨询室")
    before = snapshot(database)
    with pytest.raises(ValidationError) as caught:
        register(database, 2, now=T0, room_id=switched_off)
    assert caught.value.errors == {"room": "所选去向不存在或已停用"}
    with pytest.raises(ValidationError) as caught:
        register(database, 2, now=T0, room_id=999_999)
    assert caught.value.errors == {"room": "所选去向不存在或已停用"}
    with pytest.raises(ValidationError) as caught:
        register(database, 2, now=T0, category_id=999_999)
    assert caught.value.errors == {"category": "所选事项类别不存在"}
    assert snapshot(database) == before


def test_someone_elses_earlier_visit_leaves_no_person_behind(database: Database) -> None:
    """The refusal comes after the new person was flushed: it must be rolled back too."""
    other = register(database, 1, now=T0)
    before = snapshot(database)
    with pytest.raises(ValidationError) as caught:
        register(database, 2, now=T0 + timedelta(hours=1), repeat_of_visit_id=other.visit_id)
    assert caught.value.errors == {"repeat_of": "所选的既往来访不属于该来访人"}
    with pytest.raises(ValidationError):
        register(database, 2, now=T0, repeat_of_visit_id=other.visit_id + 1000)
    assert snapshot(database) == before
    with database.read() as session:
        assert session.scalar(select(Person.id_number).where(
            Person.id_number == id_number(2))) is None


def test_a_refusal_does_not_change_a_known_person(database: Database) -> None:
    """A known person whose registration is refused keeps the phone and name they had."""
    first = register(database, 1, now=T0)
    other = register(database, 2, now=T0)
    with pytest.raises(ValidationError):
        register(database, 1, now=T0, name="改名", phone="13911112222",
                 repeat_of_visit_id=other.visit_id)
    with database.read() as session:
        person = session.scalar(select(Person).where(Person.id_number == id_number(1)))
        assert person is not None and (person.name, person.phone) == ("测试1号", "13900000001")
    assert first.person_name == "测试1号"


def test_a_chosen_person_with_another_id_number_is_not_merged(database: Database) -> None:
    known = register(database, 1, now=T0)
    with database.read() as session:
        known_id = session.scalar(select(Person.id).where(Person.id_number == id_number(1)))
    register(database, 2, now=T0, person_id=known_id, name="测试2号")
    with database.read() as session:
        people = {p.id_number: p.name for p in session.scalars(select(Person))}
    assert people == {id_number(1): "测试1号", id_number(2): "测试2号"}
    assert known.person_name == "测试1号"


def test_a_chosen_person_without_id_number_gets_the_one_typed(database: Database) -> None:
    register(database, 1, now=T0, id_type="无证件", id_number="", no_id_reason="未带证件")
    with database.read() as session:
        known_id = session.scalar(select(Person.id))
    again = register(database, 1, now=T0, person_id=known_id, gender="男",
                     address="建设路1号")
    with database.read() as session:
        people = list(session.scalars(select(Person)))
    assert len(people) == 1
    person = people[0]
    assert (person.id, person.id_number, person.id_type, person.no_id_reason) == (
        known_id, id_number(1), "居民身份证", None)
    assert (person.gender, person.address) == ("男", "建设路1号")
    assert again.person_name == "测试1号"


def test_a_chosen_person_keeps_details_the_desk_left_empty(database: Database) -> None:
    register(database, 1, now=T0, gender="女", address="建设路1号")
    with database.read() as session:
        known_id = session.scalar(select(Person.id))
    register(database, 1, now=T0, person_id=known_id, phone=" 13911112222 ", address=" ")
    with database.read() as session:
        person = session.get(Person, known_id)
        assert person is not None
        assert (person.name, person.phone, person.gender, person.address, person.id_number) == (
            "测试1号", "13911112222", "女", "建设路1号", id_number(1))


def test_an_anonymous_visitor_is_registered_as_anonymous(database: Database) -> None:
    reg = register(database, 1, now=T0, name=" ", anonymous=True, id_number="", phone="")
    assert reg.person_name == "匿名"


def test_registration_writes_what_was_typed(database: Database) -> None:
    """Every field reaches the visit, trimmed, and the collective fields only for 集体访."""
    from desktop.models import Visit

    community, grid = _grid(database, "东花市社区", "第一网格")
    reg = register(
        database, 1, now=T0, summary=" 物业费争议 ", request=" 希望减免 ", source="网格员上报",
        risk_level="橙", community_id=community, grid_id=grid, headcount=7,
        representative_name="李四", representative_phone="13700001111",
    )
    with database.read() as session:
        visit = session.get(Visit, reg.visit_id)
        assert visit is not None
        assert (visit.summary, visit.request, visit.source, visit.risk_level) == (
            "物业费争议", "希望减免", "网格员上报", "橙")
        assert (visit.community_id, visit.grid_id, visit.visited_at) == (community, grid, T0)
        assert (visit.headcount, visit.representative_name, visit.representative_phone) == (
            1, None, None)
        assert (visit.visit_type, visit.is_repeat, visit.repeat_of_id) == ("个人", False, None)
        assert visit.category_id == category_ids(database)["邻里"]
    assert (reg.visit_no, reg.ticket_no, reg.room_name) == ("J202611260001", "调-001",
                                                            "矛盾纠纷调解室")


def test_a_matter_brought_once_counts_one_and_each_repeat_one_more(database: Database) -> None:
    """The window shows "第N次" from this count when a repeat is chosen: a first visit
    without repeats has been brought once, not twice."""
    from desktop.services.reception.registration import repeat_count_of

    first = register(database, 1, now=T0)
    with database.read() as session:
        assert repeat_count_of(session, first.visit_id) == 1
    again = register(database, 1, now=T0 + timedelta(days=3), repeat_of_visit_id=first.visit_id)
    assert again.repeat_count == 2
    with database.read() as session:
        assert repeat_count_of(session, first.visit_id) == 2


def test_a_resident_first_registered_anonymously_takes_the_name_given_later(
        database: Database) -> None:
    """匿名 is no name to keep: the name given at a later visit is the resident's, with no
    question of a change of name and no former name kept."""
    from desktop.models import PersonFormerName

    register(database, 5, now=T0, name="", anonymous=True)
    later = register(database, 5, now=T0 + timedelta(days=1), name="赵桂兰")
    assert later.person_name == "赵桂兰"
    with database.read() as session:
        names = session.scalars(select(Person.name).where(
            Person.id_number == id_number(5))).all()
        assert names == ["赵桂兰"]
        assert session.scalar(select(PersonFormerName.id)) is None


def test_an_anonymous_visitor_keeps_the_form_of_address_typed(database: Database) -> None:
    """A resident who will not give her name may still be called "王女士": the name typed
    is kept; only an empty one becomes 匿名."""
    kept = register(database, 6, now=T0, name="王女士", anonymous=True, id_number="")
    assert kept.person_name == "王女士"
    blank = register(database, 7, now=T0, name="", anonymous=True, id_number="")
    assert blank.person_name == "匿名"


def test_a_change_of_name_keeps_when_and_at_which_desk_the_old_name_was_replaced(
        database: Database) -> None:
    from desktop.models import PersonFormerName
    from desktop.services.reception.registration import RENAMED

    register(database, 8, now=T0, name="王秀英")
    register(database, 8, now=T0, name="王晓英", name_change=RENAMED)
    with database.read() as session:
        former = session.scalars(select(PersonFormerName)).one()
        person = session.scalars(select(Person).where(Person.id_number == id_number(8))).one()
        assert (former.name, former.person_id, person.name) == ("王秀英", person.id, "王晓英")
        assert former.replaced_by == database.desk and database.desk
        assert former.replaced_at.microsecond == 0
        assert abs(former.replaced_at - datetime.now()) < timedelta(minutes=1)


def test_a_desk_saving_a_new_resident_another_desk_is_writing_uses_that_record(
        database: Database) -> None:
    """Two desks register the same new 身份证号 at once. Desk B saves while desk A has
    written the resident and not yet committed: B waits for A and then takes A's record,
    rather than failing on the number A has just taken."""
    import threading

    from desktop.services.reception.registration import register_visit

    written, may_commit = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def desk_a() -> None:
        try:
            with database.write() as session:
                session.add(Person(name="测试9号", id_number=id_number(9), phone="13900000009"))
                session.flush()
                written.set()
                may_commit.wait(timeout=30)
        except BaseException as exc:  # shown below, on the test's own thread
            failures.append(exc)
            written.set()

    results: list[object] = []

    def desk_b() -> None:
        try:
            results.append(register_visit(database, RegistrationInput(
                name="测试9号", id_number=id_number(9), phone="13900000009",
                summary="楼上装修噪音扰民", room_id=room_ids(database)["矛盾纠纷调解室"],
                category_id=category_ids(database)["邻里"]), now=T0))
        except BaseException as exc:
            results.append(exc)

    a = threading.Thread(target=desk_a)
    a.start()
    assert written.wait(timeout=30) and not failures
    b = threading.Thread(target=desk_b)
    b.start()
    if database.is_sqlite:
        b.join(timeout=0.5)  # SQLite: B waits for the write lock at its start
    else:  # PostgreSQL: B waits on A's new row of the unique number
        with database.engine.connect() as watcher:
            for _ in range(300):
                if lock_waiters(watcher):
                    break
                b.join(timeout=0.05)
            else:
                pytest.fail("desk B never waited for desk A")
    assert not results  # still waiting
    may_commit.set()
    a.join(timeout=30)
    b.join(timeout=30)
    assert not failures and len(results) == 1
    registration = results[0]
    assert not isinstance(registration, BaseException), registration
    with database.read() as session:
        people = session.scalars(select(Person).where(Person.id_number == id_number(9))).all()
    assert len(people) == 1 and people[0].name == "测试9号"


def test_a_name_left_empty_is_asked_for_in_words_that_offer_anonymity() -> None:
    assert validate(_input(name=""))["name"] == "请填写姓名；来访人不愿透露时请勾选“匿名”"
    assert "name" not in validate(_input(name="", anonymous=True))


def test_a_registration_keeps_the_type_of_visit_who_received_it_and_when(
        database: Database) -> None:
    """What the form said is what is stored: a 集体 visit with its headcount and its
    representative, the receptionist the form names on the visit and on the ticket's first
    event, and the time of registration on the visit."""
    from desktop.models import ReferralEvent, Visit
    from tests.mediation_helpers import staff

    receptionist = staff(database)[2]
    result = register(database, 11, now=T0, visit_type="集体", headcount=6,
                      representative_name="刘建国", representative_phone="13700137000",
                      received_by_id=receptionist)
    with database.read() as session:
        visit = session.get(Visit, result.visit_id)
        assert visit is not None
        assert (visit.visit_type, visit.headcount, visit.representative_name,
                visit.representative_phone) == ("集体", 6, "刘建国", "13700137000")
        assert (visit.received_by_id, visit.created_at, visit.visited_at) == (
            receptionist, T0, T0)
        event = session.scalars(select(ReferralEvent).where(
            ReferralEvent.referral_id == result.referral_id)).one()
        assert (event.action, event.staff_id, event.at) == ("issued", receptionist, T0)


def _person_id_of(database: Database, visit_id: int) -> int:
    from desktop.models import Visit

    with database.read() as session:
        return session.get_one(Visit, visit_id).person_id


def _person_of(database: Database, visit_id: int) -> tuple[str, str, str | None]:
    with database.read() as session:
        person = session.get_one(Person, _person_id_of(database, visit_id))
        return person.name, person.id_type, person.id_number


def test_a_number_left_in_the_form_when_no_document_is_chosen_is_not_kept(
        database: Database) -> None:
    """The receptionist typed a number, then chose 无证件: the resident has no document on
    record, and the number (perhaps another resident's) is not looked up or stored."""
    register(database, 12, now=T0)
    result = register(database, 13, now=T0, id_type="无证件", no_id_reason="未带证件",
                      id_number=id_number(12), name="测试13号")
    assert _person_of(database, result.visit_id) == ("测试13号", "无证件", None)


def test_the_number_typed_wins_over_a_resident_chosen_without_one(database: Database) -> None:
    """A resident without a document on record was chosen from the matches, but a number
    of another resident was typed: the visit is the number's, and the one chosen keeps
    having no number (two residents are never merged)."""
    without = register(database, 14, now=T0, id_type="无证件", no_id_reason="未带证件",
                       id_number="", name="测试14号")
    holder = register(database, 15, now=T0)
    chosen = _person_id_of(database, without.visit_id)
    again = register(database, 15, now=T0 + timedelta(hours=1), person_id=chosen)
    assert _person_id_of(database, again.visit_id) == _person_id_of(database, holder.visit_id)
    assert _person_of(database, without.visit_id) == ("测试14号", "无证件", None)


@pytest.mark.parametrize(("changes", "errors"), [
    (dict(id_number=""), {"id_number": "请填写身份证号，或选择“无证件”并说明原因"}),
    (dict(id_type="护照号", id_number=""), {"id_type": "证件类型不正确"}),
    (dict(id_type="护照", id_number=""), {"id_number": "请填写证件号码"}),
    (dict(gender="x"), {"gender": "性别只能是男或女"}),
    (dict(summary=""), {"summary": "请填写来访事项摘要"}),
    (dict(room_id=None), {"room": "请选择分流去向"}),
    (dict(source="x"), {"source": "来源不正确"}),
    (dict(visit_type="x"), {"visit_type": "来访类型不正确"}),
    (dict(visit_type="集体", headcount="3", representative_name="李"), {"headcount": "人数不正确"}),
    (dict(headcount=0), {"headcount": "人数至少为1"}),
    (dict(visit_type="集体", headcount=3, representative_name="李😀"),
     {"representative_name": "“😀” 无法在打印的文书中显示，请删去或换用常用字"}),
    (dict(category_id=None), {"category": "请选择事项类别"}),
    (dict(risk_level="绿"), {"risk_level": "风险等级只能是红、橙、黄"}),
    (dict(room_id=0), {"room": "所选去向不存在或已停用"}),
    (dict(category_id=-1), {"category": "所选事项类别不存在"}),
    (dict(community_id="x"), {"community": "所选社区不存在"}),
    (dict(grid_id=True), {"grid": "所选网格不属于所选社区"}),
    (dict(person_id=0), {"person": "所选来访人不存在"}),
])
def test_each_refusal_of_the_form_is_said_in_its_own_words_next_to_its_field(
        changes: dict[str, object], errors: dict[str, str]) -> None:
    assert validate(_input(**changes)) == errors
