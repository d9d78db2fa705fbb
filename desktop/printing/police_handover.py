"""The 警民联络室's papers: the 移交单 that goes with a matter, and the 回执 that comes back.

A4, AR PL UMing embedded, laid out with the ruled-form helpers of the mediation
documents (:mod:`desktop.printing.legal`). The 移交单 is signed by the one who hands the
matter over and the one who takes it, under the centre's seal; the 回执 is what the
station returns: its reply, or blanks for the officer to write it in by hand.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from desktop.printing import legal
from desktop.printing.legal import Pair, Row, Signer, Styles
from desktop.printing.textflow import Para, esc
from desktop.services.police.handovers import KINDS, HandoverDetail

CHECKED, UNCHECKED = "■", "□"


def _kinds(chosen: str) -> str:
    return "　".join(f"{CHECKED if k == chosen else UNCHECKED}{k}" for k in KINDS)


def _officer(detail: HandoverDetail) -> str:
    data = detail.data
    badge = f"（警号{data.officer_badge}）" if data.officer_badge else ""
    return f"{data.officer_name}{badge}"


def _person(detail: HandoverDetail) -> str:
    data = detail.data
    return "　".join(x for x in (data.person_name, data.person_phone) if x)


def handover_story(detail: HandoverDetail, styles: Styles) -> list[Flowable]:
    data = detail.data
    assert data.handed_at is not None
    taker, giver = (("接收民警", "移交人") if detail.direction == "移交公安"
                    else ("接收人", "移交民警"))
    rows: list[Row | Pair] = [
        Pair("编号", detail.handover_no, "移交时间",
             f"{legal.cn_date(data.handed_at)} {data.handed_at:%H:%M}"),
        Row("移交类型", _kinds(data.kind)),
        Pair("派出所", data.station, "承办民警", _officer(detail)),
        Pair("民警电话", data.officer_phone, "回复期限", legal.cn_date(data.reply_due)),
        Row("当事人", _person(detail)),
        Row("移交事项", data.matter, min_height=45 * mm),
        Pair("来访登记", detail.visit_no or "（直接登记）", "调解案号",
             data.case_no or "（无）"),
    ]
    return [
        Para(esc(detail.centre_name), styles.center),
        Para("警民联络移交单", styles.title),
        Spacer(1, 3 * mm),
        *legal.form(rows, styles),
        Spacer(1, 4 * mm),
        Para("请于回复期限前将办理情况填入回执，送回或电话告知综治中心警民联络室。",
             styles.indent),
        Spacer(1, 4 * mm),
        legal.staff_and_seal([Signer(f"{giver}："), Signer(f"{taker}：")], detail.centre_name,
                             data.handed_at.date(), styles, note="（综治中心印）"),
    ]


def reply_story(detail: HandoverDetail, styles: Styles) -> list[Flowable]:
    data = detail.data
    rows: list[Row | Pair] = [
        Pair("移交单编号", detail.handover_no, "移交日期",
             legal.cn_date(data.handed_at.date() if data.handed_at else None)),
        Pair("派出所", data.station, "承办民警", _officer(detail)),
        Row("当事人", _person(detail)),
        Row("移交事项", data.matter, min_height=20 * mm),
        Row("办理情况", data.reply_content or None, min_height=50 * mm),
        Row("回复日期", legal.date_line(data.reply_on, styles.cell, align="left")),
    ]
    return [
        Para(esc(detail.centre_name), styles.center),
        Para("移交事项办理回执", styles.title),
        Spacer(1, 3 * mm),
        *legal.form(rows, styles),
        Spacer(1, 6 * mm),
        legal.staff_and_seal([Signer("承办民警："), Signer("综治中心接收人：")], data.station,
                             data.reply_on, styles, note="（派出所印）"),
    ]


def render_handover(detail: HandoverDetail) -> bytes:
    return legal.build(handover_story(detail, Styles()),
                       title=f"警民联络移交单 {detail.handover_no}",
                       header=f"警民联络移交单 {detail.handover_no}", author=detail.centre_name)


def render_reply(detail: HandoverDetail) -> bytes:
    return legal.build(reply_story(detail, Styles()),
                       title=f"移交事项办理回执 {detail.handover_no}",
                       header=f"移交事项办理回执 {detail.handover_no}",
                       author=detail.centre_name)
