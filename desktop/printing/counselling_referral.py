"""心理咨询转介单: the letter a resident takes to a hospital or a 精神卫生中心.

A4, AR PL UMing embedded, laid out with the ruled form of the legal documents: the
receiving unit, the resident, why they are referred, the last risk assessment and
scale scores, the counsellor and the centre's seal; a tear-off 回执 for the receiving
clinician to send back.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop.printing import legal
from desktop.printing.legal import Pair, Row, Signer, Styles
from desktop.printing.textflow import Para, esc
from desktop.services.counselling.referral_letter import LetterData

TITLE = "心理咨询转介单"


def referral_story(data: LetterData, styles: Styles) -> list[Flowable]:
    rows: list[Row | Pair] = [
        Pair("编号", data.case_no, "转介日期",
             legal.date_line(data.referred_on, styles.cell, align="left")),
        Pair("接收机构", data.referred_to, "机构类别", data.referred_kind),
        Pair("姓名", data.person_name, "性别", data.gender),
        Pair("联系电话", data.phone, "接案日期",
             legal.date_line(data.opened_on, styles.cell, align="left")),
        Row("主要问题", data.intake_problem, min_height=20 * mm),
        Row("转介原因", data.reason, min_height=20 * mm),
        Row("风险评估", data.risk or "未评估"),
        Row("量表结果", "；".join(data.scales) if data.scales else "未做量表筛查"),
        Row("说明", "量表结果仅供筛查参考，不作为诊断依据；请贵单位予以接诊评估，"
                   "并将接诊情况填写下方回执反馈我中心。"),
    ]
    receipt: list[Row | Pair] = [
        Pair("编号", data.case_no, "来访人", data.person_name),
        Row("接诊情况", "", min_height=18 * mm),
        Pair("接诊医生", "", "接诊日期", legal.date_line(None, styles.cell, align="left")),
    ]
    contact = "　".join(t for t in (data.centre_address and f"地址：{data.centre_address}",
                                   data.centre_phone and f"电话：{data.centre_phone}") if t)
    return [
        Para(esc(data.centre_name), styles.center),
        Para(TITLE, styles.title),
        Spacer(1, 3 * mm),
        *legal.form(rows, styles),
        Spacer(1, 3 * mm),
        legal.staff_and_seal([Signer("心理咨询师：")], data.centre_name, data.referred_on,
                             styles, note="（综治中心印）"),
        Para(esc(contact), styles.small),
        Spacer(1, 6 * mm),
        # The tear-off slip goes whole onto the next page rather than being cut in two.
        KeepTogether([
            Para("－　－　－　－　－　－　－　沿此线剪下　－　－　－　－　－　－　－",
                 styles.center),
            Para("转介回执", styles.heading),
            *legal.form(receipt, styles),
        ]),
    ]


def render_referral(data: LetterData) -> bytes:
    return legal.build(referral_story(data, Styles()), title=f"{TITLE} {data.case_no}",
                       header=f"{TITLE} {data.case_no}", author=data.centre_name)
