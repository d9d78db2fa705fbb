"""议事会议纪要: the minutes of a deliberation meeting, A4, AR PL UMing embedded.

The layout rules are the mediation documents' (printing/legal.py): a ruled form
for the meeting's particulars, then each matter with what was decided, then the
follow-up actions as a table, and the recorder's and host's signatures.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from desktop.printing import legal
from desktop.printing.legal import Pair, Row, Styles
from desktop.printing.textflow import Para, esc
from desktop.services.deliberation.listing import MeetingDetail

TITLE = "议事会议纪要"


def _actions_table(detail: MeetingDetail, styles: Styles) -> list[Flowable]:
    if not detail.actions:
        return [legal.para("（本次会议未确定落实事项）", styles.body)]
    head = [Para(esc(h), styles.cell_label) for h in ("序号", "落实事项", "责任人", "完成期限",
                                                      "完成情况")]
    rows: list[list[Flowable]] = [head]
    for index, action in enumerate(detail.actions, 1):
        done = (f"{action.done_on:%Y-%m-%d} 完成" if action.done_on
                else "逾期未完成" if action.overdue else "未完成")
        rows.append([legal.para(str(index), styles.cell_center),
                     legal.para(action.task, styles.cell), legal.para(action.owner, styles.cell),
                     legal.para(f"{action.due_on:%Y-%m-%d}", styles.cell_center),
                     legal.para(done, styles.cell_center)])
    # 序号 and a finished action's "2026-11-28 完成" each on one line.
    widths = [14 * mm, legal.WIDTH - 14 * mm - 24 * mm - 26 * mm - 36 * mm, 24 * mm, 26 * mm,
              36 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(legal.table_style([
        ("GRID", (0, 0), (-1, -1), 0.6, legal.colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return [table]


def minutes_story(detail: MeetingDetail, centre_name: str, styles: Styles) -> list[Flowable]:
    participants = "、".join(line.strip() for line in detail.participants.splitlines()
                            if line.strip())
    story: list[Flowable] = [
        Para(esc(TITLE), styles.title),
        legal.para(centre_name, styles.center),
        Spacer(1, 4 * mm),
        *legal.form([
            Pair("会议日期", legal.cn_date(detail.held_on), "主持人", detail.host),
            Row("会议地点", detail.place),
            Row("会议主题", detail.topic),
            Row("参会人员", participants),
        ], styles),
        Spacer(1, 5 * mm),
        Para("一、议题及议定事项", styles.heading_keep),
    ]
    for index, matter in enumerate(detail.matters, 1):
        title = f"（{legal.chinese_number(index)}）{matter.subject or '（未填写议题）'}"
        if matter.visit_no:
            title += f"（受理编号 {matter.visit_no}）"
        story.append(legal.para(title, styles.heading_keep))
        if matter.visit_summary:
            story.append(legal.para(f"来访反映：{matter.visit_summary}", styles.indent))
        story.append(legal.para(f"议定：{matter.decision or '（未形成决定）'}", styles.indent))
    story += [Spacer(1, 4 * mm), Para("二、落实事项", styles.heading_keep),
              *_actions_table(detail, styles), Spacer(1, 10 * mm)]
    story.append(legal.para("记录人：＿＿＿＿＿＿＿＿　　　　主持人（签字）：＿＿＿＿＿＿＿＿",
                            styles.body))
    story.append(Spacer(1, 6 * mm))
    story.append(legal.para(legal.cn_date(detail.held_on), styles.right))
    return story


def render_minutes(detail: MeetingDetail, centre_name: str) -> bytes:
    return legal.build(minutes_story(detail, centre_name, Styles()), title=TITLE,
                       author=centre_name)
