"""The small papers read back line by line: every label beside its own value.

The referral letter, the meeting minutes, the kiosk ticket, the police liaison's two
slips and the 受理回执 on both its papers.

A paper that prints a value under the wrong label (the receiving unit where the kind
should be, the opening date where the referral date should be) or drops one is wrong
in front of a hospital or a police station, though nothing fails; so the text
pdftotext reads back with ``-layout`` is compared whole, line by line.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import groupby

import pdfplumber
import pytest
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.units import mm

from desktop.printing.counselling_referral import TITLE, render_referral
from desktop.printing.deliberation_minutes import render_minutes
from desktop.printing.kiosk_ticket import render_kiosk_ticket
from desktop.printing.police_handover import render_handover, render_reply
from desktop.printing.receipt import render_receipt
from desktop.services.counselling.referral_letter import LetterData
from desktop.services.deliberation.listing import ActionData, MatterData, MeetingDetail
from desktop.services.police.handovers import HandoverDetail, HandoverInput
from desktop.services.reception.kiosk import KioskTicketData
from desktop.services.reception.receipts import ReceiptData, next_steps_for
from tests.poppler import run, text_of

LETTER = LetterData(
    centre_name="东林街道综治中心", centre_phone="0571-88880000", centre_address="东林路1号",
    case_no="XL20261202-001", person_name="王小明", gender="男", phone="13800001111",
    opened_on=date(2026, 11, 3), referred_to="市精神卫生中心", referred_kind="精神卫生中心",
    referred_on=date(2026, 12, 2), reason="持续失眠伴消极念头", intake_problem="情绪低落两月",
    risk="中（2026-11-20）", scales=["PHQ-9 12分 中度抑郁", "GAD-7 5分 轻度焦虑"],
    counsellor="李咨询",
)


MEETING = MeetingDetail(
    meeting_id=7, version=1, held_on=date(2026, 11, 20), place="社区议事厅", host="张主任",
    topic="老旧小区加装电梯", participants="张主任\n 李代表 \n\n王居民",
    matters=[MatterData(1, "J202611200001", "三楼住户反映采光", "加装位置", "改到北侧", False),
             MatterData(2, "", "", "", "", False)],
    actions=[ActionData(1, "出具设计图", "物业", date(2026, 11, 30), date(2026, 11, 28), False),
             ActionData(2, "征求意见", "居委会", date(2026, 11, 25), None, True),
             ActionData(3, "公示", "居委会", date(2026, 12, 10), None, False)],
)
TICKET = KioskTicketData(
    ticket_id=3, ticket_no="A007", room_name="矛盾纠纷调解室", room_location="二楼203",
    category="邻里纠纷", waiting_before=2, taken_at=datetime(2026, 12, 2, 9, 5),
    centre_name="东林街道综治中心", centre_phone="0571-88880000",
    service_hours="周一至周五 9:00-17:00",
)

HANDOVER = HandoverDetail(
    handover_id=5, handover_no="2026警联0012", version=1, direction="移交公安",
    visit_no="J202612010003", recorded_by="demo", centre_name="东林街道综治中心",
    data=HandoverInput(
        kind="移交派出所", matter="邻居噪音扰民多次调解未果",
        handed_at=datetime(2026, 12, 1, 14, 30), station="东林派出所", officer_name="赵警官",
        officer_phone="0571-110110", officer_badge="A12345", person_name="钱某",
        person_phone="13900002222", reply_due=date(2026, 12, 8),
        case_no="东调字〔2026〕第12号"),
)
# From the station to the centre, replied, without badge, phone, visit or case.
FROM_POLICE = replace(HANDOVER, direction="公安移交", visit_no="", data=replace(
    HANDOVER.data, kind="110非警务警情", officer_badge="", person_phone="", case_no="",
    reply_on=date(2026, 12, 5), reply_content="已上门劝解，双方和解"))

RECEIPT = ReceiptData(
    centre_name="东林街道综治中心", centre_phone="010-62345678", centre_address="东林路18号",
    visit_no="J202612020007", ticket_no="T023", room_name="矛盾纠纷调解室",
    room_location="二楼203", visited_at=datetime(2026, 12, 2, 9, 5), person_name="王小明",
    masked_id="110105********002X", id_type="居民身份证", category="邻里纠纷", summary="",
    next_steps=next_steps_for("矛盾纠纷调解室", "二楼203", "T023", "010-62345678"),
    paper="80mm",
)


def page_lines(pdf: bytes) -> list[list[str]]:
    """Each page's non-empty lines as pdftotext lays them out, runs of spaces as one."""
    return [[re.sub(r"\s+", " ", line).strip() for line in page.splitlines() if line.strip()]
            for page in text_of(pdf, "-layout").split("\f")[:-1]]


def lines_of(pdf: bytes) -> list[str]:
    """The paper's non-empty lines, page after page."""
    return [line for page in page_lines(pdf) for line in page]


def pdf_info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields (Title, Author, Pages, Page size ...)."""
    return dict(re.findall(r"^(\w[\w ]*):[ \t]*(.*)$", run("pdfinfo", "-", data=pdf),
                           flags=re.M))


def test_the_referral_letter_reads_back_line_by_line() -> None:
    assert lines_of(render_referral(LETTER)) == [
        "东林街道综治中心",
        "心理咨询转介单",
        "编号 XL20261202-001 转介日期 2026年12月2日",
        "接收机构 市精神卫生中心 机构类别 精神卫生中心",
        "姓名 王小明 性别 男",
        "联系电话 13800001111 接案日期 2026年11月3日",
        "主要问题 情绪低落两月",
        "转介原因 持续失眠伴消极念头",
        "风险评估 中（2026-11-20）",
        "量表结果 PHQ-9 12分 中度抑郁；GAD-7 5分 轻度焦虑",
        "说明 量表结果仅供筛查参考，不作为诊断依据；请贵单位予以接诊评估，",
        "并将接诊情况填写下方回执反馈我中心。",
        "心理咨询师： 东林街道综治中心",
        "（签名）：",
        "（综治中心印）",
        "2026年12月2日",
        "地址：东林路1号 电话：0571-88880000",
        "－ － － － － － － 沿此线剪下 － － － － － － －",
        "转介回执",
        "编号 XL20261202-001 来访人 王小明",
        "接诊情况",
        "接诊医生 接诊日期 年 月 日",
        "第 1 页 共 1 页",
    ]


def test_the_letter_says_what_was_not_assessed_and_leaves_out_a_missing_contact() -> None:
    lines = lines_of(render_referral(replace(LETTER, risk="", scales=[], centre_address="")))
    assert "风险评估 未评估" in lines
    assert "量表结果 未做量表筛查" in lines
    assert "电话：0571-88880000" in lines
    no_phone = lines_of(render_referral(replace(LETTER, centre_phone="")))
    assert "地址：东林路1号" in no_phone


def test_the_letter_is_titled_and_authored_for_its_case() -> None:
    fields = pdf_info(render_referral(LETTER))
    assert fields["Title"] == f"{TITLE} XL20261202-001"
    assert fields["Author"] == "东林街道综治中心"


def test_a_letter_running_onto_a_second_page_names_its_case_at_the_top() -> None:
    pdf = render_referral(replace(LETTER, reason="持续失眠伴消极念头。" * 300))
    second = [line.strip() for line in text_of(pdf, "-layout", "-f", "2", "-l", "2")
              .splitlines() if line.strip()]
    assert second[0] == f"{TITLE} XL20261202-001"


def test_the_minutes_read_back_line_by_line_each_action_on_its_row() -> None:
    pdf = render_minutes(MEETING, "东林街道综治中心")
    assert lines_of(pdf) == [
        "议事会议纪要",
        "东林街道综治中心",
        "会议日期 2026年11月20日 主持人 张主任",
        "会议地点 社区议事厅",
        "会议主题 老旧小区加装电梯",
        "参会人员 张主任、李代表、王居民",
        "一、议题及议定事项",
        "（一）加装位置（受理编号 J202611200001）",
        "来访反映：三楼住户反映采光",
        "议定：改到北侧",
        "（二）（未填写议题）",
        "议定：（未形成决定）",
        "二、落实事项",
        "序号 落实事项 责任人 完成期限 完成情况",
        "1 出具设计图 物业 2026-11-30 2026-11-28 完成",
        "2 征求意见 居委会 2026-11-25 逾期未完成",
        "3 公示 居委会 2026-12-10 未完成",
        "记录人：＿＿＿＿＿＿＿＿ 主持人（签字）：＿＿＿＿＿＿＿＿",
        "2026年11月20日",
        "第 1 页 共 1 页",
    ]
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == ("议事会议纪要", "东林街道综治中心")


def test_minutes_without_matters_or_actions_say_so() -> None:
    bare = replace(MEETING, participants="甲", matters=[], actions=[])
    lines = lines_of(render_minutes(bare, "东林街道综治中心"))
    assert lines[5:9] == ["参会人员 甲", "一、议题及议定事项", "二、落实事项",
                          "（本次会议未确定落实事项）"]


def test_the_kiosk_ticket_reads_back_line_by_line() -> None:
    pdf = render_kiosk_ticket(TICKET)
    assert lines_of(pdf) == [
        "东林街道综治中心",
        "自助取号凭条",
        "A007",
        "办理事项：邻里纠纷",
        "前往：矛盾纠纷调解室（二楼203）",
        "您前面还有 2 人等候",
        "请先到接待窗口出示本凭条，登记后按叫号前",
        "往办理；过号请到接待窗口重新排队。",
        "中心电话：0571-88880000",
        "服务时间：周一至周五 9:00-17:00",
        "取号时间：2026-12-02 09:05",
    ]
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"], info["Pages"]) == (
        "自助取号凭条 A007", "东林街道综治中心", "1")


def test_a_ticket_without_location_phone_hours_or_name_still_says_where_to_ask() -> None:
    bare = replace(TICKET, room_location="", centre_phone="", service_hours="",
                   centre_name="")
    lines = lines_of(render_kiosk_ticket(bare))
    assert lines[0] == "综治中心"
    assert "前往：矛盾纠纷调解室" in lines
    assert "中心电话未设置，请到接待窗口咨询" in lines
    assert not any(line.startswith("服务时间") for line in lines)


def test_a_ticket_grows_with_its_text_and_stays_one_piece_of_roll() -> None:
    pdf = render_kiosk_ticket(replace(TICKET, category="邻里纠纷" * 60))
    assert pdf_info(pdf)["Pages"] == "1"
    assert lines_of(pdf)[-1] == "取号时间：2026-12-02 09:05"


def test_the_handover_slip_reads_back_line_by_line() -> None:
    pdf = render_handover(HANDOVER)
    assert lines_of(pdf) == [
        "东林街道综治中心",
        "警民联络移交单",
        "编号 2026警联0012 移交时间 2026年12月1日 14:30",
        "移交类型 ■移交派出所 □110非警务警情 □公安移交调解",
        "派出所 东林派出所 承办民警 赵警官（警号A12345）",
        "民警电话 0571-110110 回复期限 2026年12月8日",
        "当事人 钱某 13900002222",
        "移交事项 邻居噪音扰民多次调解未果",
        "来访登记 J202612010003 调解案号 东调字〔2026〕第12号",
        "请于回复期限前将办理情况填入回执，送回或电话告知综治中心警民联络",
        "室。",
        "移交人：",
        "（签名）：",
        "接收民警： 东林街道综治中心",
        "（签名）：",
        "（综治中心印）",
        "2026年12月1日",
        "第 1 页 共 1 页",
    ]
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == ("警民联络移交单 2026警联0012", "东林街道综治中心")


def test_a_slip_from_the_police_swaps_who_signs_and_marks_what_is_missing() -> None:
    lines = lines_of(render_handover(FROM_POLICE))
    assert "移交类型 □移交派出所 ■110非警务警情 □公安移交调解" in lines
    assert "派出所 东林派出所 承办民警 赵警官" in lines
    assert "当事人 钱某" in lines
    assert "来访登记 （直接登记） 调解案号 （无）" in lines
    assert lines[11:14] == ["移交民警：", "（签名）：", "接收人： 东林街道综治中心"]


def test_the_reply_slip_leaves_blanks_until_the_station_replies() -> None:
    pdf = render_reply(HANDOVER)
    assert lines_of(pdf) == [
        "东林街道综治中心",
        "移交事项办理回执",
        "移交单编号 2026警联0012 移交日期 2026年12月1日",
        "派出所 东林派出所 承办民警 赵警官（警号A12345）",
        "当事人 钱某 13900002222",
        "移交事项 邻居噪音扰民多次调解未果",
        "办理情况",
        "回复日期 年 月 日",
        "承办民警：",
        "（签名）：",
        "综治中心接收人： 东林派出所",
        "（签名）：",
        "（派出所印）",
        "年 月 日",
        "第 1 页 共 1 页",
    ]
    info = pdf_info(pdf)
    assert (info["Title"], info["Author"]) == ("移交事项办理回执 2026警联0012", "东林街道综治中心")
    replied = lines_of(render_reply(FROM_POLICE))
    assert replied[6:8] == ["办理情况 已上门劝解，双方和解", "回复日期 2026年12月5日"]
    assert replied[-2] == "2026年12月5日"


def test_long_police_papers_name_themselves_at_the_top_of_the_next_page() -> None:
    long = replace(HANDOVER, data=replace(HANDOVER.data, matter="噪音扰民。" * 600))
    for render, title in ((render_handover, "警民联络移交单"), (render_reply, "移交事项办理回执")):
        top = next(line.strip() for line in text_of(render(long), "-layout", "-f", "2", "-l",
                                                     "2").splitlines() if line.strip())
        assert top == f"{title} 2026警联0012"


def test_the_receipt_reads_back_line_by_line_on_the_roll_and_on_a5(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(datetime(2026, 12, 2, 10, 30).astimezone(), tick=False)
    head = [
        "东林街道综治中心",
        "受理回执",
        "排队号",
        "T023",
        "受理编号 J202612020007",
        "来访人 王小明",
        "证件号码 110105********002X",
        "分流去向 矛盾纠纷调解室",
        "事项类别 邻里纠纷",
        "登记时间 2026年12月02日 09:05",
        "后续办理",
    ]
    tail = ["中心电话：010-62345678 地址：东林路18号", "打印时间：2026-12-02 10:30"]
    roll = render_receipt(RECEIPT)
    assert lines_of(roll) == [*head,
        "1. 请在群众接待大厅等候叫号；叫到“T023”时，请",
        "前往矛盾纠纷调解室（二楼203）。",
        "2. 工作人员将当面了解情况并依法依规办理，办理结",
        "果将告知您本人。",
        "3. 如需查询办理进度，请凭本回执的受理编号咨询，",
        "或拨打中心电话 010-62345678。",
        "4. 请妥善保管本回执。本中心对您的个人信息严格保",
        "密。",
        *tail]
    a5 = render_receipt(RECEIPT, "a5")
    assert lines_of(a5) == [*head,
        "1. 请在群众接待大厅等候叫号；叫到“T023”时，请前往矛盾纠纷调解室",
        "（二楼203）。",
        "2. 工作人员将当面了解情况并依法依规办理，办理结果将告知您本人。",
        "3. 如需查询办理进度，请凭本回执的受理编号咨询，或拨打中心电话",
        "010-62345678。",
        "4. 请妥善保管本回执。本中心对您的个人信息严格保密。",
        *tail]
    for pdf, size in ((roll, "226.772"), (a5, "419.528 x 595.276")):
        info = pdf_info(pdf)
        assert (info["Title"], info["Author"], info["Pages"]) == (
            "受理回执 J202612020007", "东林街道综治中心", "1")
        assert info["Page size"].startswith(size)


def test_a_collective_receipt_names_the_group_and_says_what_is_not_given(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(datetime(2026, 12, 2, 10, 30).astimezone(), tick=False)
    bare = replace(RECEIPT, visit_type="集体", headcount=23, representative="", category="",
                   masked_id="", centre_phone="", centre_address="", next_steps=["甲"])
    lines = lines_of(render_receipt(bare, "a5"))
    assert lines[5:11] == ["来访人 王小明", "来访人数 23人（集体访）", "代表 王小明",
                           "证件号码 （未提供）", "分流去向 矛盾纠纷调解室",
                           "登记时间 2026年12月02日 09:05"]
    assert lines[-3:] == ["1. 甲", "中心电话：未设置，请到接待窗口咨询",
                          "打印时间：2026-12-02 10:30"]
    # Two or more people are a group even when the form left the type 个人.
    group = lines_of(render_receipt(replace(RECEIPT, headcount=2, representative="李四")))
    assert group[6:8] == ["来访人数 2人（集体访）", "代表 李四"]
    assert "来访人数" not in " ".join(lines_of(render_receipt(RECEIPT)))


@dataclass(frozen=True)
class PrintedQr:
    """The one QR code on a receipt's page, read back from its filled rectangles."""

    cells: set[tuple[int, int]]  # dark modules, (row, column) from the first dark one
    module: float  # a module's width, in points
    left: float
    top: float
    right: float
    bottom: float
    stroked: bool  # any rectangle outlined as well as filled
    frame_right: float  # the right edge of the printable block
    box: tuple[float, float]  # top and bottom of the ruled box around the ticket number


def printed_qr(pdf: bytes, margin: float) -> PrintedQr:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        rects = [r for r in page.rects if r["fill"]]
        upright = [line for line in page.lines if line["x0"] == line["x1"]]
        width = page.width
    module = min(r["height"] for r in rects)
    left, top = min(r["x0"] for r in rects), min(r["top"] for r in rects)
    cells = set()
    for r in rects:
        row, first = round((r["top"] - top) / module), round((r["x0"] - left) / module)
        cells |= {(row, first + c) for c in range(round(r["width"] / module))}
    return PrintedQr(cells, module, left, top, max(r["x1"] for r in rects),
                     max(r["bottom"] for r in rects), any(r["stroke"] for r in rects),
                     width - margin, (upright[0]["top"], upright[0]["bottom"]))


@pytest.mark.parametrize(("paper", "size_mm", "margin_mm"), [("80mm", 22, 5), ("a5", 26, 14)])
def test_the_receipt_qr_code_is_the_visit_number_module_by_module(
        paper: str, size_mm: int, margin_mm: int) -> None:
    qr = printed_qr(render_receipt(RECEIPT, paper), margin_mm * mm)
    widget = QrCodeWidget(RECEIPT.visit_no, barLevel="M")
    widget.qr.make()
    expected = {(r, c) for r, row in enumerate(widget.qr.modules)
                for c, dark in enumerate(row) if dark}
    assert qr.cells == expected and not qr.stroked
    # Four light modules around it, as the standard asks, in the printed size: flush with
    # the right margin, level with the middle of the ticket number's box.
    assert (len(widget.qr.modules) + 8) * qr.module == pytest.approx(size_mm * mm)
    assert qr.right + 4 * qr.module == pytest.approx(qr.frame_right, abs=0.01)
    assert (qr.top + qr.bottom) / 2 == pytest.approx(sum(qr.box) / 2, abs=qr.module / 2)


ACTIONS_HEAD = ["序号", "落实事项", "责任人", "完成期限", "完成情况"]


def tables_of(pdf: bytes) -> list[list[list[str | None]]]:
    """Every ruled table pdfplumber finds, page by page, as rows of cell texts."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [table.extract() for page in document.pages for table in page.find_tables()]


def test_the_actions_are_a_fully_ruled_table() -> None:
    *_form, actions = tables_of(render_minutes(MEETING, "东林街道综治中心"))
    assert actions == [ACTIONS_HEAD,
                       ["1", "出具设计图", "物业", "2026-11-30", "2026-11-28 完成"],
                       ["2", "征求意见", "居委会", "2026-11-25", "逾期未完成"],
                       ["3", "公示", "居委会", "2026-12-10", "未完成"]]


def test_a_long_action_table_repeats_its_head_on_every_page() -> None:
    many = replace(MEETING, actions=[
        ActionData(n, f"落实事项{n}", "居委会", date(2026, 12, 10), None, False)
        for n in range(1, 121)])
    pieces = [t for t in tables_of(render_minutes(many, "东林街道综治中心"))
              if t[0] == ACTIONS_HEAD]
    assert len(pieces) > 2
    assert [row[0] for piece in pieces for row in piece[1:]] == [str(n) for n in range(1, 121)]


def type_of(pdf: bytes) -> list[tuple[int, str, float, str, str]]:
    """Each printed line: where it stands (points from the top), its text, its size, how it
    is placed (``centred`` or its left margin) and its shade; every glyph must be in the
    embedded font."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        chars = sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"]))
        width = page.width
    assert {c["fontname"].split("+")[-1] for c in chars} == {"WenQuanYiMicroHei-0"}
    lines = []
    for top, same_line in groupby(chars, key=lambda c: round(c["top"])):
        glyphs = list(same_line)
        (size,) = {round(c["size"], 1) for c in glyphs}
        left, right = glyphs[0]["x0"], width - glyphs[-1]["x1"]
        placed = "centred" if abs(left - right) < 0.5 else f"{left:.1f}"
        shade = "+".join(dict.fromkeys("grey" if c["non_stroking_color"][0] > 0 else "black"
                                       for c in glyphs))  # left to right: label, value
        lines.append((top, "".join(c["text"] for c in glyphs), size, placed, shade))
    return lines


def test_the_kiosk_ticket_number_stands_out_and_the_rest_is_in_its_place() -> None:
    assert type_of(render_kiosk_ticket(TICKET)) == [
        (17, "东林街道综治中心", 11.0, "centred", "black"),
        (31, "自助取号凭条", 9.0, "centred", "grey"),
        (59, "A007", 40.0, "centred", "black"),
        (114, "办理事项：邻里纠纷", 9.5, "14.2", "black"),
        (128, "前往：矛盾纠纷调解室（二楼203）", 11.0, "14.2", "black"),
        (144, "您前面还有 2 人等候", 11.0, "14.2", "black"),
        (165, "请先到接待窗口出示本凭条，登记后按叫号前", 9.5, "14.2", "black"),
        (179, "往办理；过号请到接待窗口重新排队。", 9.5, "14.2", "black"),
        (199, "中心电话：0571-88880000", 8.0, "14.2", "grey"),
        (211, "服务时间：周一至周五 9:00-17:00", 8.0, "14.2", "grey"),
        (223, "取号时间：2026-12-02 09:05", 8.0, "14.2", "grey"),
    ]


def test_the_roll_receipt_sizes_and_places_each_line(clock) -> None:  # type: ignore[no-untyped-def]
    clock.move_to(datetime(2026, 12, 2, 10, 30).astimezone(), tick=False)
    steps = ["1. 请在群众接待大厅等候叫号；叫到“T023”时，请", "前往矛盾纠纷调解室（二楼203）。",
             "2. 工作人员将当面了解情况并依法依规办理，办理结", "果将告知您本人。",
             "3. 如需查询办理进度，请凭本回执的受理编号咨询，", "或拨打中心电话 010-62345678。",
             "4. 请妥善保管本回执。本中心对您的个人信息严格保", "密。"]
    assert type_of(render_receipt(RECEIPT)) == [
        (17, "东林街道综治中心", 13.5, "centred", "black"),
        (37, "受 理 回 执", 11.5, "centred", "black"),
        (72, "排队号", 8.5, "63.8", "black"),
        (87, "T023", 20.5, "54.3", "black"),
        (135, "受理编号J202612020007", 8.5, "14.2", "grey+black"),
        (152, "来访人王小明", 8.5, "14.2", "grey+black"),
        (169, "证件号码110105********002X", 8.5, "14.2", "grey+black"),
        (186, "分流去向矛盾纠纷调解室", 8.5, "14.2", "grey+black"),
        (202, "事项类别邻里纠纷", 8.5, "14.2", "grey+black"),
        (219, "登记时间2026年12月02日 09:05", 8.5, "14.2", "grey+black"),
        (242, "后续办理", 8.5, "14.2", "grey"),
        *((top, text, 8.5, "14.2", "black") for top, text in zip(
            (255, 268, 281, 293, 306, 319, 332, 344), steps, strict=True)),
        (365, "中心电话：010-62345678 地址：东林路18号", 7.0, "14.2", "grey"),
        (376, "打印时间：2026-12-02 10:30", 7.0, "14.2", "grey"),
    ]


def row_heights_mm(pdf: bytes) -> dict[str, float]:
    """The height of each ruled form row, by its label, in millimetres."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        tables = [table for page in document.pages for table in page.find_tables()]
        return {cells[0] or "": (row.bbox[3] - row.bbox[1]) / mm for table in tables
                for row, cells in zip(table.rows, table.extract(), strict=True)}


def test_police_slips_leave_room_to_write_what_was_not_typed() -> None:
    blank = replace(HANDOVER, data=replace(HANDOVER.data, matter=""))
    handover, reply = row_heights_mm(render_handover(blank)), row_heights_mm(render_reply(blank))
    # The room asked for, and the cell's padding (about 3.2 mm) around it.
    for heights, label, room in ((handover, "移交事项", 45), (reply, "移交事项", 20),
                                 (reply, "办理情况", 50)):
        assert room + 2.7 < heights[label] < room + 3.7, (label, heights[label])
    typed = row_heights_mm(render_reply(FROM_POLICE))
    assert typed["办理情况"] < 15 and typed["移交事项"] < 15


def test_the_referral_letter_leaves_room_to_write_and_its_slip_room_to_reply() -> None:
    heights = row_heights_mm(render_referral(replace(LETTER, intake_problem="", reason="")))
    for label, room in (("主要问题", 20), ("转介原因", 20), ("接诊情况", 18)):
        assert room + 2.7 < heights[label] < room + 3.7, (label, heights[label])
    assert row_heights_mm(render_referral(LETTER))["转介原因"] < 15


def test_the_tear_off_slip_is_never_cut_across_two_pages() -> None:
    for reason in ("", "持续失眠。" * 40, "持续失眠。" * 300):
        pdf = render_referral(replace(LETTER, intake_problem="", reason=reason))
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            pages = [page.extract_text() or "" for page in document.pages]
        (slip,) = [text for text in pages if "转介回执" in text]
        assert "沿此线剪下" in slip and "来访人" in slip and "接诊医生" in slip


def test_the_kiosk_ticket_boxes_its_number_across_the_roll_and_ends_below_its_text() -> None:
    pdf = render_kiosk_ticket(TICKET)
    info = pdf_info(pdf)
    assert (info["Subject"], info["Creator"]) == ("自助取号凭条", "东林街道综治中心")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        box = sorted((round(line["x0"], 1), round(line["top"], 1), round(line["x1"], 1),
                      round(line["bottom"], 1), line["linewidth"]) for line in page.lines)
        last_text = max(c["bottom"] for c in page.chars)
        height = page.height
    # A 0.8 pt box from margin to margin (5 mm each side) around the number (top 59).
    assert box == [(14.2, 47.8, 14.2, 105.8, 0.8), (14.2, 47.8, 212.6, 47.8, 0.8),
                   (14.2, 105.8, 212.6, 105.8, 0.8), (212.6, 47.8, 212.6, 105.8, 0.8)]
    # The roll is cut 5 mm below the text's frame plus 12 mm to tear it off cleanly.
    assert height == pytest.approx(281.04, abs=0.01)
    assert height - last_text > 12 * mm
