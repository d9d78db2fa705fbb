"""Reference data every centre starts with: the rooms of 一厅五室 and the categories of matters.

Seeded once, on the first start; the admin edits them afterwards.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import Category, Room

# code, name, ticket prefix, kind, location
ROOMS: list[tuple[str, str, str, str, str]] = [
    ("window", "综合受理窗口", "综", "window", "群众接待大厅"),
    ("mediation", "矛盾纠纷调解室", "调", "room", "一楼东侧"),
    ("counselling", "心理咨询室", "心", "room", "二楼"),
    ("police", "警民联络室", "警", "room", "一楼西侧"),
    ("care", "关爱工作室", "爱", "room", "二楼"),
    ("social", "社会组织工作室", "社", "room", "二楼"),
]

# name, code of the room suggested for it
CATEGORIES: list[tuple[str, str]] = [
    ("婚姻家庭", "mediation"),
    ("邻里", "mediation"),
    ("房屋宅基地", "mediation"),
    ("土地承包", "mediation"),
    ("物业", "mediation"),
    ("劳动争议/欠薪", "mediation"),
    ("损害赔偿", "mediation"),
    ("医疗", "mediation"),
    ("消费", "mediation"),
    ("合同债务", "mediation"),
    ("征地拆迁", "window"),
    ("环境污染", "window"),
    ("心理疏导", "counselling"),
    ("治安求助", "police"),
    ("困难帮扶", "care"),
    ("社会组织服务", "social"),
    ("其他", "window"),
]


def seed_reference_data(session: Session) -> bool:
    """Create the rooms and categories if the database has none; ``True`` if it did."""
    if session.scalar(select(func.count()).select_from(Room)):
        return False
    rooms: dict[str, Room] = {}
    for order, (code, name, prefix, kind, location) in enumerate(ROOMS):
        rooms[code] = Room(
            code=code, name=name, ticket_prefix=prefix, kind=kind, location=location,
            sort_order=order, active=True,
        )
        session.add(rooms[code])
    session.flush()
    if not session.scalar(select(func.count()).select_from(Category)):
        for order, (name, room_code) in enumerate(CATEGORIES):
            session.add(Category(
                name=name, suggested_room_id=rooms[room_code].id, sort_order=order, active=True
            ))
    return True
