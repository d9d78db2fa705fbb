"""Screening scales: PHQ-9 (depression) and GAD-7 (anxiety), as published.

Both ask about the last two weeks; each item is answered 0 (完全不会), 1 (好几天),
2 (一半以上的天数) or 3 (几乎每天); the total is the sum. Bands (Kroenke, Spitzer
et al. 2001/2006): PHQ-9 0–4 / 5–9 / 10–14 / 15–19 / 20–27; GAD-7 0–4 / 5–9 / 10–14 /
15–21. PHQ-9 item 9 (thoughts of death or self-harm) above 0 is flagged for the
counsellor to review the risk, whatever the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.services.errors import ValidationError
from desktop.services.validation import whole_number_in

ANSWERS = ["完全不会", "好几天", "一半以上的天数", "几乎每天"]
STEM = "在过去两周里，您有多少时间受到以下任何问题的困扰？"


@dataclass(frozen=True)
class Scale:
    code: str
    title: str
    items: tuple[str, ...]
    bands: tuple[tuple[int, int, str], ...]  # (lowest, highest, label)
    flag_item: int | None = None  # 1-based item whose answer above 0 is flagged

    @property
    def max_total(self) -> int:
        return 3 * len(self.items)


PHQ9 = Scale(
    "PHQ-9", "患者健康问卷抑郁量表（PHQ-9）",
    (
        "做事时提不起劲或没有兴趣",
        "感到心情低落、沮丧或绝望",
        "入睡困难、睡不安稳或睡眠过多",
        "感觉疲倦或没有活力",
        "食欲不振或吃太多",
        "觉得自己很糟，或觉得自己很失败，或让自己或家人失望",
        "对事物专注有困难，例如阅读报纸或看电视时",
        "动作或说话速度缓慢到别人已经察觉，或正好相反——烦躁或坐立不安、动来动去的情况更胜于平常",
        "有不如死掉或用某种方式伤害自己的念头",
    ),
    ((0, 4, "无抑郁症状"), (5, 9, "轻度抑郁"), (10, 14, "中度抑郁"),
     (15, 19, "中重度抑郁"), (20, 27, "重度抑郁")),
    flag_item=9,
)

GAD7 = Scale(
    "GAD-7", "广泛性焦虑量表（GAD-7）",
    (
        "感觉紧张、焦虑或急切",
        "不能够停止或控制担忧",
        "对各种各样的事情担忧过多",
        "很难放松下来",
        "由于不安而无法静坐",
        "变得容易烦恼或急躁",
        "感到似乎将有可怕的事情发生而害怕",
    ),
    ((0, 4, "无焦虑症状"), (5, 9, "轻度焦虑"), (10, 14, "中度焦虑"), (15, 21, "重度焦虑")),
)

SCALES: dict[str, Scale] = {PHQ9.code: PHQ9, GAD7.code: GAD7}


@dataclass(frozen=True)
class ScaleScore:
    scale: str
    answers: tuple[int, ...]
    total: int
    band: str
    flagged: bool

    def label(self) -> str:
        flag = "；第9题阳性，须评估自伤风险" if self.flagged else ""
        return f"{self.scale} {self.total} 分（{self.band}）{flag}"


def band(scale: Scale, total: int) -> str:
    for low, high, label in scale.bands:
        if low <= total <= high:
            return label
    raise ValueError(total)


def score(code: str, answers: Sequence[int]) -> ScaleScore:
    """Score one completed scale; every item answered 0–3, or :class:`ValidationError`."""
    scale = SCALES.get(code)
    if scale is None:
        raise ValidationError({"scale": f"没有这个量表：{code}"})
    field = f"scale.{code}"
    if len(answers) != len(scale.items):
        raise ValidationError({field: f"{scale.code} 应回答全部 {len(scale.items)} 题"})
    for number, answer in enumerate(answers, 1):
        if not whole_number_in(answer, 0, 3):
            raise ValidationError({field: f"{scale.code} 第 {number} 题的得分应为 0～3"})
    total = sum(answers)
    flagged = scale.flag_item is not None and answers[scale.flag_item - 1] > 0
    return ScaleScore(scale.code, tuple(answers), total, band(scale, total), flagged)


def answers_text(answers: Sequence[int]) -> str:
    return ",".join(str(a) for a in answers)


def parse_answers(text: str) -> tuple[int, ...]:
    return tuple(int(a) for a in text.split(",") if a != "")
