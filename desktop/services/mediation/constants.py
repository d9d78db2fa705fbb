"""The mediation room's fixed lists and labels: sources, outcomes, what each field is called."""

from __future__ import annotations

MEDIATION_ROOM = "mediation"
# A routed visit waits for a case while its ticket is open, or when the room
# finished it with the result "case_opened" (立案调解) and no case exists yet.
OPEN_REFERRAL_STATES = ["waiting", "called", "serving", "on_hold"]
PENDING_DAYS = 90
TIME_LIMIT_DAYS = 30  # 调解期限: cases are expected to close within 30 days
JUDICIAL_DAYS = 30  # 司法确认: apply within 30 days of the agreement taking effect

SOURCES = ["当事人申请", "主动调解", "公安移交", "法院委托", "政府部门指定"]
SIDES = ["申请人", "被申请人"]
KINDS = {"person": "自然人", "organisation": "法人或其他组织"}
GENDERS = ["男", "女"]
AGENT_TYPES = ["委托代理人", "法定代理人"]
OUTCOMES = ["调解成功", "调解不成功", "终止调解"]
AGREEMENT_KINDS = {"written": "书面协议", "oral": "口头协议"}
GUIDED_TO = ["诉讼", "仲裁", "行政"]
PERFORMANCE = ["已履行", "部分履行", "未履行"]
SATISFACTION = ["满意", "基本满意", "不满意"]
FOLLOW_UP_METHODS = ["电话", "上门", "来访"]
JUDICIAL_RESULTS = ["确认有效", "驳回申请", "撤回申请"]
RETENTION = ["永久", "长期", "短期"]
# The kinds of scanned papers, in the order they take in the case file.
ATTACHMENT_KINDS = ["身份证明", "证据材料", "履行凭证", "司法确认材料", "其他材料"]
ATTACHMENT_MIMES = {"application/pdf", "image/jpeg", "image/png"}
MAX_ATTACHMENT_BYTES = 30 * 1024 * 1024
# A file name as a user's file system may give it (stored cut to its column).
MAX_FILENAME_LENGTH = 1024
LIST_FILTERS = {"open": "办理中", "overdue": "已超期", "closed": "已结案", "all": "全部"}


CLOSED_MESSAGE = "该案件已结案，如需修改请先“重新打开”"
# Fields of the case a closed case still takes: the 立卷 fields of the file cover.
ARCHIVE_FIELDS = ("archive_no", "retention", "filed_by", "filed_on")
CASE_LABELS = {
    "source": "案件来源", "source_detail": "来源说明", "category": "纠纷类别",
    "mediators": "调解员", "recorder": "记录人", "facts": "纠纷主要事实", "matters": "争议事项",
    "archive_no": "卷号", "retention": "保管期限", "filed_by": "立卷人", "filed_on": "立卷日期",
}
PARTY_LABELS = {
    "side": "身份", "kind": "类型", "name": "姓名/名称", "person_id": "关联来访人",
    "gender": "性别", "ethnicity": "民族", "birth_date": "出生日期", "age": "年龄",
    "id_number": "身份证号", "occupation": "职业或工作单位", "credit_code": "统一社会信用代码",
    "legal_rep_title": "代表人职务", "legal_rep": "代表人", "address": "住址/住所",
    "phone": "联系电话", "agent_type": "代理人类型", "agent_name": "代理人",
    "agent_relation": "代理人单位或关系", "agent_id_number": "代理人身份证号",
    "agent_phone": "代理人电话",
}
SESSION_LABELS = {"held_at": "调解时间", "place": "调解地点", "attendees": "参加人员",
                  "record": "调解记录", "next_steps": "下一步工作", "mediator": "调解员",
                  "recorder": "记录人"}
AGREEMENT_LABELS = {
    "kind": "协议形式", "clauses": "协议条款", "performance_method": "履行方式",
    "performance_place": "履行地点", "performance_deadline": "履行期限", "copies": "协议份数",
    "amount": "涉及金额", "signed_on": "签订日期", "effective_on": "生效日期",
}
FOLLOW_UP_LABELS = {"planned_on": "计划日期", "done_on": "回访日期", "method": "回访方式",
                    "visitor": "回访人", "performance": "履行情况", "satisfaction": "满意度",
                    "notes": "回访情况"}
JUDICIAL_LABELS = {"court": "人民法院", "applied_on": "申请日期", "result": "确认结果",
                   "result_on": "结果日期", "notes": "备注"}

def format_case_no(year: int, short_name: str, seq: int) -> str:
    return f"（{year}）{short_name}人调字第{seq:04d}号"
