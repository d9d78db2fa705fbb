"""A ticket's states, the actions between them, and their names on screen."""

from __future__ import annotations

ACTIVE = ("waiting", "called", "serving", "on_hold")
FINAL = ("done", "no_show", "transferred")

STATUS_NAMES = {
    "waiting": "等候中",
    "called": "已叫号",
    "serving": "接待中",
    "on_hold": "暂缓",
    "done": "已办结",
    "no_show": "过号未到",
    "transferred": "已转办",
}
ACTION_NAMES = {
    "issued": "分流取号",
    "call": "叫号",
    "recall": "重呼",
    "start": "开始接待",
    "hold": "暂缓",
    "resume": "恢复排队",
    "no_show": "过号",
    "finish": "办结",
    "transfer": "转办",
    "transfer_in": "转入取号",
    "route": "另派",
}
RESULTS = {
    "resolved": "已化解/已答复",
    "case_opened": "转入调解立案",
    "transferred": "转办其他科室",
    "referred_out": "移送职能部门",
    "left": "来访人自行离开",
}
RESULT_NAMES = {**RESULTS, "no_show": "过号未到"}

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "call": (("waiting", "on_hold"), "called"),
    "recall": (("called",), "called"),
    "start": (("waiting", "called", "on_hold"), "serving"),
    "hold": (("waiting", "called", "serving"), "on_hold"),
    "resume": (("on_hold",), "waiting"),
    "no_show": (("called",), "no_show"),
    "finish": (("serving",), "done"),
    "transfer": (ACTIVE, "transferred"),
}



def allowed_actions(status: str) -> set[str]:
    """The actions the buttons may offer for a referral in ``status``."""
    return {action for action, (sources, _) in TRANSITIONS.items() if status in sources}

