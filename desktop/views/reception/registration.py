"""接待登记: the receptionist's form. Register a visitor, route them, print the receipt.

Keyboard first: the focus starts in 姓名, Tab (or Enter) walks the fields in
reading order, Enter in 分流去向 (the last field) saves, Ctrl+S saves from
anywhere, Ctrl+N starts a new registration. While a 身份证号, phone or name is
typed, earlier visitors appear below (↓ moves into the list, Enter picks);
picking one of their earlier visits marks the new one as a repeat visit.
The form is autosaved as a draft in the data folder and restored at the next
start, so a window closed by accident loses nothing.

With a 身份证阅读器 (``reader``), a card laid on it fills 姓名, 性别, 证件号码 and
住址, finds the person if known, shows the photo and what else the card says,
and flags a card past its validity. A number read off the card and not edited
afterwards marks the visit 读卡核验.
"""

from __future__ import annotations

import itertools
import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.config import printer_settings
from desktop.db import Database
from desktop.services import reference
from desktop.services.admin import audit
from desktop.services.errors import NameConflictError, StaleEditError, ValidationError
from desktop.services.reception.idcard import CardData, CardReader
from desktop.services.reception.kiosk import WaitingKioskTicket
from desktop.services.reception.matching import EarlierVisit, PersonMatch, find_people, person_match
from desktop.services.reception.receipts import receipt_for_print
from desktop.services.reception.registration import (
    GENDERS,
    ID_TYPES,
    KEEP_KNOWN_NAME,
    RENAMED,
    RISK_DESCRIPTIONS,
    SOURCES,
    VISIT_TYPES,
    Registration,
    RegistrationInput,
    register_visit,
    repeat_count_of,
    tickets_held_today,
    validate,
)
from desktop.services.validation import id_number_error, normalize_id_number
from desktop.views import dialogs, tasks
from desktop.views.db_status import status_for
from desktop.views.form_widgets import select_data, set_widget_value, value_changed, widget_value
from desktop.views.reception.card_note import CardNote
from desktop.views.reception.card_reader import CardPanel, CardPoller
from desktop.views.reception.kiosk_desk import KioskTicketsBox
from desktop.views.reception.person_matches import PersonMatches, visit_text
from desktop.views.reception.registration_draft import discard_draft, read_draft, write_draft
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import RISK_COLOURS, RISK_TEXT_COLOURS, FieldError, named

if TYPE_CHECKING:
    from desktop.views.pdf_preview import PdfPreviewDialog

log = logging.getLogger(__name__)

LOOKUP_DELAY_MS = 250
DRAFT_DELAY_MS = 600
SUGGESTED_ROOM_ROLE = Qt.ItemDataRole.UserRole + 1


class RegistrationPage(QWidget):
    """The registration form; one save writes the visit, its ticket and shows the receipt."""

    registered = Signal(object)  # Registration

    def __init__(self, *, database: Database, reader: CardReader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.reader = reader
        # The card last read into the form, while its number stands unedited in 证件号码.
        self.card: CardData | None = None
        self.card_number = ""
        self.last_registration: Registration | None = None
        self.last_preview: PdfPreviewDialog | None = None
        self.chosen: PersonMatch | None = None
        # The kiosk number (自助取号) the resident brought; the registration keeps it.
        self.kiosk_ticket: WaitingKioskTicket | None = None
        self.last_stale_dialog: StaleEditDialog | None = None
        # The tickets of today the receptionist agreed to add to (asked once per form).
        self.confirmed_tickets = ""
        self._filling = False
        named(self, "registration", self.tr("接待登记"))
        self._add_widgets()
        self._connect_signals()
        self.reload_choices()
        self.restore_draft()
        self.poller: CardPoller | None = None
        if reader is not None:
            self.poller = CardPoller(reader, parent=self)
            self.poller.card_read.connect(self.on_card_read)
            assert self.card_panel is not None
            self.poller.state_changed.connect(self.card_panel.show_state)
            self.poller.start()

    # -- building -----------------------------------------------------------------------

    def _add_widgets(self) -> None:
        self.name = named(QLineEdit(), "registration.name", self.tr("姓名"))
        self.name.setMaxLength(64)
        self.name.setPlaceholderText(self.tr("输入姓名、身份证号或电话即可查找既往来访人"))
        self.anonymous = named(QCheckBox(self.tr("匿名(&A)")), "registration.anonymous",
                               self.tr("匿名"), self.tr("来访人不愿透露姓名时勾选"))
        self.gender = named(QComboBox(), "registration.gender", self.tr("性别"))
        self.gender.addItem(self.tr("（未填）"), None)
        for gender in GENDERS:
            self.gender.addItem(gender, gender)
        self.id_type = named(QComboBox(), "registration.id_type", self.tr("证件类型"))
        for id_type in ID_TYPES:
            self.id_type.addItem(id_type, id_type)
        self.id_number = named(QLineEdit(), "registration.id_number", self.tr("证件号码"))
        # Not 18 for a 身份证号: a pasted number with spaces around it would lose its end.
        self.id_number.setMaxLength(32)
        self.id_number.setPlaceholderText(self.tr("身份证18位，末位可为X"))
        self.card_note = CardNote()
        self.no_id_reason = named(QLineEdit(), "registration.no_id_reason",
                                  self.tr("无证件原因"))
        self.no_id_reason.setPlaceholderText(self.tr("如：未随身携带、拒绝提供"))
        self.no_id_reason.setMaxLength(128)
        self.phone = named(QLineEdit(), "registration.phone", self.tr("联系电话"))
        self.phone.setMaxLength(32)
        self.phone.setPlaceholderText(self.tr("手机或座机，如 13800138000 / 010-62345678"))
        self.address = named(QLineEdit(), "registration.address", self.tr("住址"))
        self.address.setMaxLength(200)
        self.community = named(QComboBox(), "registration.community", self.tr("所属社区"))
        self.grid = named(QComboBox(), "registration.grid", self.tr("所属网格"))

        self.source = named(QComboBox(), "registration.source", self.tr("来源"))
        for source in SOURCES:
            self.source.addItem(source, source)
        self.visit_type = named(QComboBox(), "registration.visit_type", self.tr("来访类型"))
        for visit_type in VISIT_TYPES:
            self.visit_type.addItem(visit_type + self.tr("访"), visit_type)
        self.headcount = named(QSpinBox(), "registration.headcount", self.tr("来访人数"))
        self.headcount.setRange(1, 9999)
        self.headcount.setSuffix(self.tr(" 人"))
        self.representative_name = named(QLineEdit(), "registration.representative_name",
                                         self.tr("代表人姓名"))
        self.representative_name.setMaxLength(64)
        self.representative_phone = named(QLineEdit(), "registration.representative_phone",
                                          self.tr("代表人电话"))
        self.category = named(QComboBox(), "registration.category", self.tr("事项类别"))
        self.summary = named(QPlainTextEdit(), "registration.summary", self.tr("事项摘要"))
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText(self.tr("简要记录来访事由"))
        self.summary.setFixedHeight(64)
        self.request = named(QPlainTextEdit(), "registration.request", self.tr("诉求"))
        self.request.setTabChangesFocus(True)
        self.request.setPlaceholderText(self.tr("来访人希望如何解决"))
        self.request.setFixedHeight(52)
        self.risk_level = named(QComboBox(), "registration.risk_level", self.tr("风险等级"))
        for level in ("黄", "橙", "红"):
            self.risk_level.addItem(RISK_DESCRIPTIONS[level], level)
            index = self.risk_level.count() - 1
            self.risk_level.setItemData(index, QBrush(QColor(RISK_COLOURS[level])),
                                        Qt.ItemDataRole.BackgroundRole)
            self.risk_level.setItemData(index, QBrush(QColor(RISK_TEXT_COLOURS[level])),
                                        Qt.ItemDataRole.ForegroundRole)
        self.repeat_of = named(QComboBox(), "registration.repeat_of", self.tr("重复访"),
                               self.tr("选择来访人以前反映过的同一事项，本次即记为重复访"))
        self.repeat_info = named(QLabel(), "registration.repeat_info", self.tr("重复访次数"))
        self.repeat_info.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.room = named(QComboBox(), "registration.room", self.tr("分流去向"),
                          self.tr("按事项类别自动建议，可改选；在此按回车即保存"))

        self.save_button = named(
            QPushButton(self.tr("保存并出回执")), "registration.save", self.tr("保存并出回执"),
            self.tr("保存登记并生成受理回执（Ctrl+S，或在“分流去向”按回车）"),
        )
        self.save_button.setDefault(True)
        self.new_button = named(
            QPushButton(self.tr("新登记")), "registration.new", self.tr("新登记"),
            self.tr("清空表单，开始新的登记（Ctrl+N）"),
        )
        self.status = named(QLabel(), "registration.status", self.tr("登记结果"))
        self.kiosk_info = named(QLabel(), "registration.kiosk_ticket", self.tr("自助取号"))
        self.kiosk_info.setStyleSheet("color: #0b57d0; font-weight: bold;")
        self.kiosk_drop = named(QPushButton(self.tr("不用此号")), "registration.kiosk_drop",
                                self.tr("不用此自助号"))
        self.kiosk_tickets = KioskTicketsBox(database=self.database)
        self.status.setWordWrap(True)
        self.matches = PersonMatches()
        self.match_hint = named(QLabel(self.tr(
            "输入身份证号、电话或姓名时自动查找既往来访人；按 ↓ 进入列表，回车选用。"
            "选中既往的某次来访即记为同一事项的重复访。")), "registration.match_hint",
            self.tr("查找说明"))
        self.match_hint.setWordWrap(True)
        self.match_hint.setStyleSheet("color: #555;")

        keys = ["name", "gender", "id_type", "id_number", "no_id_reason", "phone", "address",
                "community", "grid", "source", "visit_type", "headcount", "representative_name",
                "representative_phone", "category", "summary", "request", "risk_level",
                "repeat_of", "room"]
        self.errors: dict[str, FieldError] = {
            key: FieldError(f"registration.{key}_error") for key in keys
        }
        self.fields: dict[str, QWidget] = {
            "name": self.name, "gender": self.gender, "id_type": self.id_type,
            "id_number": self.id_number, "no_id_reason": self.no_id_reason,
            "phone": self.phone, "address": self.address, "community": self.community,
            "grid": self.grid, "source": self.source, "visit_type": self.visit_type,
            "headcount": self.headcount, "representative_name": self.representative_name,
            "representative_phone": self.representative_phone, "category": self.category,
            "summary": self.summary, "request": self.request, "risk_level": self.risk_level,
            "repeat_of": self.repeat_of, "room": self.room,
        }

        name_row = QHBoxLayout()
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.anonymous)
        type_row = QHBoxLayout()
        type_row.addWidget(self.visit_type, 1)
        type_row.addWidget(self.headcount)
        person_rows: list[tuple[str, Any, str]] = [
            (self.tr("姓名(&M)"), name_row, "name"),
            (self.tr("性别(&G)"), self.gender, "gender"),
            (self.tr("证件类型(&D)"), self.id_type, "id_type"),
            (self.tr("证件号码(&I)"), self.id_number, "id_number"),
            (self.tr("无证件原因"), self.no_id_reason, "no_id_reason"),
            (self.tr("联系电话(&T)"), self.phone, "phone"),
            (self.tr("住址(&Z)"), self.address, "address"),
            (self.tr("所属社区(&Q)"), self.community, "community"),
            (self.tr("所属网格(&W)"), self.grid, "grid"),
        ]
        matter_rows: list[tuple[str, Any, str]] = [
            (self.tr("来源(&L)"), self.source, "source"),
            (self.tr("来访类型(&K)"), type_row, "visit_type"),
            (self.tr("代表人"), self.representative_name, "representative_name"),
            (self.tr("代表人电话"), self.representative_phone, "representative_phone"),
            (self.tr("事项类别(&C)"), self.category, "category"),
            (self.tr("事项摘要(&Y)"), self.summary, "summary"),
            (self.tr("诉求(&U)"), self.request, "request"),
            (self.tr("风险等级(&F)"), self.risk_level, "risk_level"),
            (self.tr("重复访(&H)"), self.repeat_of, "repeat_of"),
            (self.tr("分流去向(&R)"), self.room, "room"),
        ]
        columns = QHBoxLayout()
        for title, rows in ((self.tr("来访人"), person_rows), (self.tr("来访事项与分流"),
                                                               matter_rows)):
            form = QFormLayout()
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            form.setVerticalSpacing(4)
            for label_text, widget, key in rows:
                label = QLabel(label_text)
                label.setBuddy(widget if isinstance(widget, QWidget) else self.fields[key])
                cell = QVBoxLayout()
                cell.setSpacing(1)
                if isinstance(widget, QWidget):
                    cell.addWidget(widget)
                else:
                    cell.addLayout(widget)
                cell.addWidget(self.errors[key])
                if key == "visit_type":
                    cell.addWidget(self.errors["headcount"])
                if key == "repeat_of":
                    cell.addWidget(self.repeat_info)
                if key == "id_number":
                    cell.addWidget(self.card_note)
                form.addRow(label, cell)
            box = QGroupBox(title)
            box.setLayout(form)
            columns.addWidget(box, 1)

        matches_box = QGroupBox(self.tr("既往来访（重复访查询）"))
        matches_layout = QVBoxLayout(matches_box)
        matches_layout.addWidget(self.match_hint)
        matches_layout.addWidget(self.matches)
        buttons = QHBoxLayout()
        buttons.addWidget(self.kiosk_info)
        buttons.addWidget(self.kiosk_drop)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        self.card_panel: CardPanel | None = None
        if self.reader is not None:
            self.card_panel = CardPanel(reader=self.reader)
            layout.addWidget(self.card_panel)
        layout.addLayout(columns)
        layout.addLayout(buttons)
        lower = QHBoxLayout()
        lower.addWidget(matches_box, 3)
        lower.addWidget(self.kiosk_tickets, 1)
        layout.addLayout(lower, 1)

        order = [self.name, self.anonymous, self.gender, self.id_type, self.id_number,
                 self.no_id_reason, self.phone, self.address, self.community, self.grid,
                 self.source, self.visit_type, self.headcount, self.representative_name,
                 self.representative_phone, self.category, self.summary, self.request,
                 self.risk_level, self.repeat_of, self.room, self.save_button,
                 self.new_button, self.matches]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self._enter_moves = [w for w in order if isinstance(
            w, QLineEdit | QComboBox | QSpinBox | QCheckBox)]

        self.lookup_timer = QTimer(self)
        self.lookup_timer.setSingleShot(True)
        self.lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self._lookup_text = ""
        self._lookup_seq = 0  # the latest lookup: only its answer is shown
        self.on_id_type_changed()
        self.on_visit_type_changed()
        self.on_risk_changed()
        self.show_kiosk_ticket()

    def _connect_signals(self) -> None:
        self.save_button.clicked.connect(self.on_save)
        self.new_button.clicked.connect(self.on_new)
        self.kiosk_tickets.chosen.connect(self.use_kiosk_ticket)
        self.kiosk_drop.clicked.connect(self.drop_kiosk_ticket)
        self.room.currentIndexChanged.connect(self.show_kiosk_ticket)
        self.category.currentIndexChanged.connect(self.on_category_changed)
        self.community.currentIndexChanged.connect(self.on_community_changed)
        self.id_type.currentIndexChanged.connect(self.on_id_type_changed)
        self.visit_type.currentIndexChanged.connect(self.on_visit_type_changed)
        self.risk_level.currentIndexChanged.connect(self.on_risk_changed)
        self.repeat_of.currentIndexChanged.connect(self.on_repeat_changed)
        self.anonymous.toggled.connect(self.on_anonymous_toggled)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.on_save)
        for line in (self.name, self.id_number, self.phone):
            line.textEdited.connect(self.on_lookup_edited)
        self.id_number.textEdited.connect(self.on_id_number_edited)
        self.lookup_timer.timeout.connect(self.on_lookup)
        self.matches.chosen.connect(self.choose_person)
        self.draft_timer.timeout.connect(self.save_draft)
        for widget in self.fields.values():
            value_changed(widget).connect(self.on_form_changed)
        self.anonymous.toggled.connect(self.on_form_changed)
        for widget in [*self._enter_moves, self.name, self.id_number, self.phone]:
            widget.installEventFilter(self)

    # -- keyboard -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier)
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
                if watched is self.room:
                    self.on_save()
                    return True
                if watched in self._enter_moves:
                    self.focusNextChild()
                    return True
            if (key == Qt.Key.Key_Down and plain and watched in (self.name, self.id_number,
                                                                 self.phone)
                    and self.matches.topLevelItemCount()):
                first = self.matches.topLevelItem(0)
                if first is not None:
                    self.matches.setFocus()
                    self.matches.setCurrentItem(first)
                    return True
        return super().eventFilter(watched, event)

    # -- choices ----------------------------------------------------------------------------

    def reload_choices(self) -> None:
        with self.database.read() as session:
            categories = reference.categories(session)
            rooms = reference.rooms(session)
            communities = reference.communities(session)
        # Keep what the receptionist has chosen so far (the lists may be reloaded mid-form).
        kept = {key: self.fields[key].currentData()  # type: ignore[attr-defined]
                for key in ("category", "room", "community", "grid")}
        self._filling = True
        try:
            self.category.clear()
            self.category.addItem(self.tr("（请选择）"), None)
            for cat in categories:
                self.category.addItem(cat.name, cat.id)
                self.category.setItemData(self.category.count() - 1, cat.suggested_room_id,
                                          SUGGESTED_ROOM_ROLE)
            self.room.clear()
            self.room.addItem(self.tr("（请选择）"), None)
            for room in rooms:
                self.room.addItem(room.name, room.id)
            self.community.clear()
            self.community.addItem(self.tr("（未填）"), None)
            for community in communities:
                self.community.addItem(community.name, community.id)
            self._fill_grids(None)
            for key in ("category", "room", "community"):
                self._set_combo(key, kept[key])
            self._fill_grids(kept["community"])
            self._set_combo("grid", kept["grid"])
            if self.repeat_of.count() == 0:
                self._fill_repeat_choices(None)
        finally:
            self._filling = False

    def _fill_grids(self, community_id: int | None) -> None:
        self.grid.clear()
        self.grid.addItem(self.tr("（未填）"), None)
        if community_id is None:
            return
        with self.database.read() as session:
            for grid in reference.grids(session, community_id):
                self.grid.addItem(grid.name, grid.id)

    def _fill_repeat_choices(self, match: PersonMatch | None) -> None:
        self.repeat_of.clear()
        self.repeat_of.addItem(self.tr("否（新的事项）"), None)
        if match is not None:
            for visit in match.visits:
                self.repeat_of.addItem(visit_text(visit, short=True), visit.visit_id)
        self.repeat_of.setEnabled(match is not None and bool(match.visits))

    def on_community_changed(self, _index: int = 0) -> None:
        if self._filling:
            return
        self._fill_grids(self.community.currentData())

    def on_category_changed(self, index: int) -> None:
        """Offer the room the category usually goes to; the receptionist may change it."""
        suggested = self.category.itemData(index, SUGGESTED_ROOM_ROLE)
        if suggested is not None and not self._filling:
            position = self.room.findData(suggested)
            if position >= 0:
                self.room.setCurrentIndex(position)
        self._suggest_repeat()

    def on_id_type_changed(self, _index: int = 0) -> None:
        no_id = self.id_type.currentData() == "无证件"
        self.id_number.setEnabled(not no_id)
        self.no_id_reason.setEnabled(no_id)

    def on_visit_type_changed(self, _index: int = 0) -> None:
        collective = self.visit_type.currentData() == "集体"
        for widget in (self.headcount, self.representative_name, self.representative_phone):
            widget.setEnabled(collective)
        if collective and self.headcount.value() < 2:
            self.headcount.setValue(2)
        if not collective:
            self.headcount.setValue(1)
        elif not self.representative_name.text() and self.name.text().strip():
            self.representative_name.setText(self.name.text().strip())

    def on_risk_changed(self, _index: int = 0) -> None:
        level = self.risk_level.currentData() or "黄"
        self.risk_level.setStyleSheet(
            f"QComboBox {{ background: {RISK_COLOURS[level]}; color: {RISK_TEXT_COLOURS[level]};"
            " font-weight: bold; }"
        )

    def on_anonymous_toggled(self, checked: bool) -> None:
        if checked and not self.name.text().strip():
            self.name.setPlaceholderText(self.tr("匿名来访"))
        else:
            self.name.setPlaceholderText(self.tr("输入姓名、身份证号或电话即可查找既往来访人"))

    def on_id_number_edited(self, text: str) -> None:
        """A valid 身份证号 tells the gender; fill it when the receptionist has not."""
        if self.card_number:
            # Edited after the card was read: the number is now the receptionist's (手工).
            self.card_number = ""
            self._show_card_note()
        if self.id_type.currentData() != "居民身份证":
            return
        number = normalize_id_number(text)
        if number != text:
            self.id_number.setText(number)
        error = id_number_error(number) if len(number) >= 18 else None
        self.errors["id_number"].show_message(error)
        if error or len(number) != 18:
            return
        if self.chosen is None:
            self._note_known_number(number)
        if self.gender.currentData() is None:
            male = int(number[16]) % 2 == 1
            self.gender.setCurrentIndex(self.gender.findData("男" if male else "女"))

    def _note_known_number(self, number: str) -> None:
        """Say at once that this 身份证号 is a known person's, and whether the name differs.

        The form is not overwritten while the receptionist types; the person is in
        the matches to choose, and saving under another name asks which is right.
        """
        with self.database.read() as session:
            found = [m for m in find_people(session, number) if m.id_number == number]
        if not found:
            return
        typed = self.name.text().strip()
        if typed and typed != found[0].name:
            self.status.setText(self.tr(
                "该证件号码属于既往来访人“{0}”，与填写的姓名“{1}”不一致，保存时需确认"
            ).format(found[0].name, typed))
        else:
            self.status.setText(self.tr("该证件号码属于既往来访人“{0}”，可在下方选用")
                                .format(found[0].name))

    def on_repeat_changed(self, _index: int = 0) -> None:
        visit_id = self.repeat_of.currentData()
        if visit_id is None or self.chosen is None:
            self.repeat_info.clear()
            return
        visit = next((v for v in self.chosen.visits if v.visit_id == visit_id), None)
        if visit is None:
            self.repeat_info.clear()
            return
        with self.database.read() as session:
            count = repeat_count_of(session, visit.first_visit_id) + 1
        self.repeat_info.setText(self.tr("重复访：该事项第 {0} 次来访").format(count))

    def _suggest_repeat(self) -> None:
        """A known visitor back with a matter of the same category is probably a repeat."""
        if self._filling or self.chosen is None or self.repeat_of.currentData() is not None:
            return
        category_id = self.category.currentData()
        for visit in self.chosen.visits:
            if category_id is not None and visit.category_id == category_id:
                self.repeat_of.setCurrentIndex(self.repeat_of.findData(visit.visit_id))
                return

    # -- repeat visitors -----------------------------------------------------------------

    def on_lookup_edited(self, text: str) -> None:
        if self.chosen is not None:
            self.forget_person()
        self._lookup_text = text
        self.lookup_timer.start()

    def on_lookup(self) -> tasks.Task | None:
        """Look the typed text up off the GUI thread: typing never waits for the database.

        Only the answer to the latest lookup is shown; an older one that comes back
        late (or after a person was chosen) is dropped.
        """
        if not status_for(self.database).ok:
            return None  # no lookups while the database is away; typing goes on
        self._lookup_seq += 1
        seq, text, database = self._lookup_seq, self._lookup_text, self.database

        def look_up(_progress: tasks.Progress, _cancelled: object
                    ) -> tuple[int, list[PersonMatch]]:
            with database.read() as session:
                return seq, find_people(session, text)

        task = tasks.Task(look_up)
        # Bound methods of the page: an answer that comes back after the page is gone
        # (the window closed) is dropped with the connection, not delivered to it.
        queued = Qt.ConnectionType.QueuedConnection
        task.succeeded.connect(self._on_found, queued)
        task.failed.connect(self._on_lookup_failed, queued)
        return tasks.start(task)

    def _on_found(self, answer: tuple[int, list[PersonMatch]]) -> None:
        seq, found = answer
        if seq == self._lookup_seq and self.chosen is None:
            self.matches.show_found(found)

    def _on_lookup_failed(self, exc: BaseException) -> None:
        if not status_for(self.database).report(exc):
            raise exc

    def show_matches(self, text: str) -> list[PersonMatch]:
        """Look ``text`` up now (on this thread) and show what was found."""
        with self.database.read() as session:
            found = find_people(session, text)
        self.matches.show_found(found)
        return found

    def choose_person(self, match: PersonMatch, visit: EarlierVisit | None = None) -> None:
        """Fill the form from a known person; with ``visit``, as a repeat of that matter."""
        self.lookup_timer.stop()
        self._lookup_seq += 1  # a lookup still under way must not refill the list
        self._filling = True
        try:
            self._fill_person(match)
            latest = visit or (match.visits[0] if match.visits else None)
            if latest is not None and latest.community_id is not None:
                self.community.setCurrentIndex(max(self.community.findData(latest.community_id),
                                                   0))
                self._fill_grids(latest.community_id)
                self.grid.setCurrentIndex(max(self.grid.findData(latest.grid_id), 0))
            self._fill_repeat_choices(match)
        finally:
            self._filling = False
        self.chosen = match
        audit.log_event(self.database, "open_record", "person", match.person_id,
                        {"姓名": match.name, "来访次数": match.visit_count})
        if visit is not None:
            self.repeat_of.setCurrentIndex(self.repeat_of.findData(visit.visit_id))
            if visit.category_id is not None and self.category.currentData() is None:
                self.category.setCurrentIndex(self.category.findData(visit.category_id))
            self.summary.setFocus()
        else:
            self._suggest_repeat()
            self.category.setFocus()
        self.on_repeat_changed()
        self.status.setText(self.tr("已选用既往来访人：{0}").format(match.summary_line))
        self.on_form_changed()

    def _fill_person(self, match: PersonMatch) -> None:
        self.name.setText(match.name)
        self.anonymous.setChecked(match.name == "匿名")
        self.gender.setCurrentIndex(max(self.gender.findData(match.gender), 0))
        self.id_type.setCurrentIndex(max(self.id_type.findData(match.id_type), 0))
        self.on_id_type_changed()
        self.id_number.setText(match.id_number or "")
        self.no_id_reason.setText(match.no_id_reason or "")
        self.phone.setText(match.phone or "")
        self.address.setText(match.address or "")

    def reload_person(self) -> None:
        """Refill the person's particulars as saved now (the rest of the form stays)."""
        if self.chosen is None:
            return
        with self.database.read() as session:
            match = person_match(session, self.chosen.person_id)
        self._filling = True
        try:
            self._fill_person(match)
        finally:
            self._filling = False
        self.chosen = match
        self.status.setText(self.tr("已重新载入来访人信息：{0}").format(match.summary_line))
        self.on_form_changed()

    def forget_person(self) -> None:
        self.chosen = None
        self._fill_repeat_choices(None)
        self.repeat_info.clear()

    # -- the ID card reader ---------------------------------------------------------------

    def on_card_read(self, card: CardData) -> tasks.Task | None:
        """A card laid on the reader: fill the person in from it, then find them if known.

        The matter typed so far stays; a person chosen before is let go (the card may
        be someone else's). The lookup runs off the GUI thread, as typing's does.
        """
        self.lookup_timer.stop()
        self._lookup_seq += 1  # a lookup of what was typed must not answer over the card
        self._filling = True
        try:
            self.forget_person()
            self.anonymous.setChecked(False)
            self.id_type.setCurrentIndex(self.id_type.findData("居民身份证"))
            self.on_id_type_changed()
            self.no_id_reason.clear()
            self._fill_from_card(card)
        finally:
            self._filling = False
        self.card, self.card_number = card, card.id_number
        for key in ("name", "gender", "id_type", "id_number", "address"):
            self.errors[key].show_message(None)
        if self.card_panel is not None:
            self.card_panel.show_card(card, today=date.today())
        self._show_card_note()
        self.status.setText(self.tr("已读取身份证：{0}，正在查找既往来访……").format(card.name))
        self.on_form_changed()
        return self._look_up_card(card)

    def _fill_from_card(self, card: CardData) -> None:
        self.name.setText(card.name)
        self.id_number.setText(card.id_number)
        if card.gender:
            self.gender.setCurrentIndex(max(self.gender.findData(card.gender), 0))
        if card.address:
            self.address.setText(card.address)

    def _look_up_card(self, card: CardData) -> tasks.Task | None:
        if not status_for(self.database).ok:
            self.phone.setFocus()
            return None
        self._lookup_seq += 1
        seq, database = self._lookup_seq, self.database

        def look_up(_progress: tasks.Progress, _cancelled: object
                    ) -> tuple[int, CardData, list[PersonMatch]]:
            with database.read() as session:
                return seq, card, find_people(session, card.id_number)

        task = tasks.Task(look_up)
        queued = Qt.ConnectionType.QueuedConnection
        task.succeeded.connect(self._on_card_found, queued)
        task.failed.connect(self._on_lookup_failed, queued)
        return tasks.start(task)

    def _on_card_found(self, answer: tuple[int, CardData, list[PersonMatch]]) -> None:
        seq, card, found = answer
        if seq != self._lookup_seq or card is not self.card:
            return  # another card, or typing, came since
        self.matches.show_found(found)
        known = next((m for m in found if m.id_number == card.id_number), None)
        if known is None:
            self.status.setText(self.tr("已读取身份证：{0}（首次来访），请填写联系电话和来访事项。")
                                .format(card.name))
            self.phone.setFocus()
            return
        self.choose_person(known)
        # What the card says wins over what was saved before (a new address, a new name:
        # saving under a new name asks first, as for a typed one).
        self._filling = True
        try:
            self._fill_from_card(card)
        finally:
            self._filling = False
        text = self.tr("已读取身份证，既往来访人：{0}").format(known.summary_line)
        if known.name != card.name:
            text += self.tr("（证件姓名与既往登记的“{0}”不一致，保存时需确认）").format(known.name)
        self.status.setText(text)
        self.on_form_changed()

    def _show_card_note(self) -> None:
        """Beside 证件号码: read off the card (and until when it is valid), or edited since."""
        self.card_note.show_for(self.card, number_kept=bool(self.card_number), today=date.today())

    def forget_card(self) -> None:
        self.card, self.card_number = None, ""
        self._show_card_note()
        if self.card_panel is not None:
            self.card_panel.clear_card()

    def stop_card_reader(self) -> None:
        """Stop polling and release the reader (the window is closing)."""
        if self.poller is not None:
            self.poller.stop()

    # -- 自助取号 ----------------------------------------------------------------------------

    def use_kiosk_ticket(self, ticket: WaitingKioskTicket) -> None:
        """Register the resident under the kiosk number: its category and room on the form.

        A card the resident laid on the kiosk's reader fills the form as one read here
        does (and the visit is 读卡核验 while its number stands unedited).
        """
        self.kiosk_ticket = ticket
        if ticket.card is not None:
            self.on_card_read(ticket.card)
        if ticket.category_id is not None and self.category.findData(ticket.category_id) >= 0:
            self.category.setCurrentIndex(self.category.findData(ticket.category_id))
        position = self.room.findData(ticket.room_id)
        if position >= 0:
            self.room.setCurrentIndex(position)
        self.show_kiosk_ticket()
        if ticket.card is None:
            self.name.setFocus()

    def drop_kiosk_ticket(self) -> None:
        self.kiosk_ticket = None
        self.show_kiosk_ticket()

    def show_kiosk_ticket(self, *_args: object) -> None:
        ticket = self.kiosk_ticket
        self.kiosk_info.setVisible(ticket is not None)
        self.kiosk_drop.setVisible(ticket is not None)
        if ticket is None:
            self.kiosk_info.clear()
        elif self.room.currentData() in (None, ticket.room_id):
            self.kiosk_info.setText(self.tr("自助取号 {0}：保存后沿用此号").format(
                ticket.ticket_no))
        else:
            self.kiosk_info.setText(self.tr(
                "自助取号 {0}：去向已改，保存时在所选去向另发新号").format(ticket.ticket_no))

    # -- saving ---------------------------------------------------------------------------

    def form_input(self) -> RegistrationInput:
        return RegistrationInput(
            name=self.name.text(),
            anonymous=self.anonymous.isChecked(),
            gender=self.gender.currentData(),
            id_type=self.id_type.currentData(),
            id_number=self.id_number.text() if self.id_number.isEnabled() else "",
            no_id_reason=self.no_id_reason.text() if self.no_id_reason.isEnabled() else "",
            phone=self.phone.text(),
            address=self.address.text(),
            community_id=self.community.currentData(),
            grid_id=self.grid.currentData(),
            source=self.source.currentData(),
            visit_type=self.visit_type.currentData(),
            headcount=self.headcount.value(),
            representative_name=self.representative_name.text(),
            representative_phone=self.representative_phone.text(),
            summary=self.summary.toPlainText(),
            request=self.request.toPlainText(),
            category_id=self.category.currentData(),
            risk_level=self.risk_level.currentData(),
            room_id=self.room.currentData(),
            person_id=self.chosen.person_id if self.chosen else None,
            person_version=self.chosen.version if self.chosen else None,
            repeat_of_visit_id=self.repeat_of.currentData(),
            card_id_number=self.card_number,
            kiosk_ticket_id=self.kiosk_ticket.id if self.kiosk_ticket else None,
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        for key, widget in self.fields.items():
            if key in errors and widget.isEnabled():
                widget.setFocus()
                break

    def on_save(self) -> None:
        data = self.form_input()
        try:
            if not self.confirm_another_ticket(data):
                return
            try:
                result = register_visit(self.database, data)
            except NameConflictError as conflict:
                change = self.ask_name_change(conflict)
                if change is None:
                    raise
                data.name_change = change
                result = register_visit(self.database, data)
        except StaleEditError as exc:
            self.status.setText(self.tr("登记未保存：") + str(exc))
            self.show_stale(exc)
            return
        except ValidationError as exc:
            self.show_errors(exc.errors)
            unknown = {k: v for k, v in exc.errors.items() if k not in self.errors}
            text = self.tr("登记未保存：请按提示修改标红的项目。")
            if unknown:
                text += "　" + "；".join(unknown.values())
            self.status.setText(text)
            if "kiosk_ticket" in exc.errors:  # another desk registered or cancelled it
                self.drop_kiosk_ticket()
                self.kiosk_tickets.refresh()
            return
        except Exception as exc:
            if not status_for(self.database).report(exc):
                raise
            # The form keeps everything typed; the banner says why and when it is back.
            self.status.setText(self.tr("登记未保存：数据库暂时无法使用，填写的内容仍在，"
                                        "恢复后请再按“保存”。"))
            return
        log.info("registered visit %s, ticket %s", result.visit_no, result.ticket_no)
        self.last_registration = result
        self.show_errors({})
        text = self.tr("已登记：{0}，排队号 {1}，去向 {2}").format(
            result.visit_no, result.ticket_no, result.room_name)
        if result.repeat_count:
            text += self.tr("（重复访，该事项第 {0} 次来访）").format(result.repeat_count)
        if result.kiosk_ticket_no and result.kiosk_ticket_no != result.ticket_no:
            text += self.tr("（自助号 {0} 已登记，去向不同，另发新号）").format(
                result.kiosk_ticket_no)
        elif result.kiosk_ticket_no:
            text += self.tr("（自助取号）")
        self.registered.emit(result)
        self.kiosk_tickets.refresh()
        self.clear_form()
        self.discard_draft()
        self.status.setText(text)
        self.show_receipt(result.visit_no)

    def confirm_another_ticket(self, data: RegistrationInput) -> bool:
        """A resident still queuing today gets another ticket only when the desk says so."""
        if validate(data):
            return True  # the save shows what to correct first
        with self.database.read() as session:
            held = "、".join(self.tr("{0}（{1}，{2}）").format(t.ticket_no, t.room_name,
                                                              t.status_name)
                            for t in tickets_held_today(session, data))
        if not held or held == self.confirmed_tickets:
            return True  # none, or the receptionist already said so for this form
        answer = dialogs.choose(
            self, self.tr("今天已有排队号"),
            self.tr("此人今天已有排队号 {0}，仍要再取号吗？").format(held),
            [(self.tr("仍要取号"), "go_on")], key="second_ticket")
        if answer is None:
            self.status.setText(self.tr("登记未保存：此人今天已有排队号 {0}。").format(held))
            return False
        self.confirmed_tickets = held
        return True

    def ask_name_change(self, conflict: NameConflictError) -> str | None:
        """A known 证件号码 with another name: the receptionist says which is right."""
        return dialogs.choose(
            self, self.tr("姓名与证件号码不一致"),
            self.tr("证件号码属于既往来访人“{0}”，本次填写的姓名为“{1}”。\n"
                    "请向来访人核实：").format(conflict.known_name, conflict.typed_name),
            [(self.tr("本人已改名为“{0}”（保留原姓名记录）").format(conflict.typed_name), RENAMED),
             (self.tr("姓名填写有误，按“{0}”登记").format(conflict.known_name),
              KEEP_KNOWN_NAME)],
        )

    def show_stale(self, error: StaleEditError) -> StaleEditDialog:
        """Another desk changed the chosen person: show what differs; reload on request."""
        self.last_stale_dialog = open_stale_dialog(self, error, self.reload_person)
        return self.last_stale_dialog

    def show_receipt(self, visit_no: str) -> PdfPreviewDialog | None:
        """Preview the 受理回执; ``None`` (and the reason in the status) when it cannot print.

        With 直接打印 on (系统设置 → 本机打印机) the receipt goes straight to this PC's
        receipt printer instead, on this PC's paper; the preview opens only when that fails.
        """
        # ReportLab loads with the first receipt, not with the window.
        from desktop.printing.receipt import render_receipt
        from desktop.views.pdf_preview import PdfPreviewDialog

        choice = printer_settings()
        try:
            data = receipt_for_print(self.database, visit_no, paper=choice.receipt_paper)
        except ValidationError as exc:
            self.status.setText(self.status.text() + self.tr("　回执未打印：")
                                + "；".join(exc.errors.values()))
            return None
        pdf = render_receipt(data)
        if choice.direct and self.print_receipt(pdf, visit_no, choice.receipt_printer):
            return None
        dialog = PdfPreviewDialog(
            pdf=pdf, title=self.tr("受理回执 {0}").format(visit_no),
            suggested_name=f"受理回执_{visit_no}.pdf", printer_name=choice.receipt_printer,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.name.setFocus())
        self.last_preview = dialog
        dialog.open()
        return dialog

    def print_receipt(self, pdf: bytes, visit_no: str, printer_name: str | None) -> bool:
        """Print the receipt on this PC's receipt printer, without a dialog; False if not."""
        from desktop.views.admin import printers

        shown = printer_name or self.tr("系统默认打印机")
        try:
            printers.check_installed(printer_name)
            printers.print_bytes(pdf, printers.new_printer(printer_name),
                                 doc_name=f"受理回执_{visit_no}")
        except RuntimeError:
            log.exception("printing receipt %s on %r failed", visit_no, printer_name)
            self.status.setText(self.status.text() + self.tr(
                "　回执未能直接打印（{0} 不可用），请在预览中打印。").format(shown))
            return False
        log.info("printed receipt %s on %r", visit_no, printer_name)
        self.status.setText(self.status.text() + self.tr("　回执已在 {0} 打印。").format(shown))
        return True

    def clear_form(self) -> None:
        self.confirmed_tickets = ""
        self.forget_card()
        self._filling = True
        try:
            for line in (self.name, self.id_number, self.no_id_reason, self.phone, self.address,
                         self.representative_name, self.representative_phone):
                line.clear()
            self.summary.clear()
            self.request.clear()
            self.anonymous.setChecked(False)
            for combo in (self.gender, self.id_type, self.community, self.source,
                          self.visit_type, self.category, self.risk_level, self.room):
                combo.setCurrentIndex(0)
            self._fill_grids(None)
            self.headcount.setValue(1)
        finally:
            self._filling = False
        self.on_id_type_changed()
        self.on_visit_type_changed()
        self.forget_person()
        self.drop_kiosk_ticket()
        self.matches.clear()
        self.lookup_timer.stop()
        self.name.setFocus()

    def is_empty(self) -> bool:
        return not any(self.draft_values().get(key) for key in (
            "name", "id_number", "phone", "address", "summary", "request",
            "representative_name", "no_id_reason"))

    def on_new(self) -> None:
        if not self.is_empty() and not dialogs.confirm(
            self, self.tr("新登记"), self.tr("当前登记尚未保存，确定清空并开始新的登记吗？")
        ):
            return
        self.clear_form()
        self.discard_draft()
        self.show_errors({})
        self.status.clear()

    # -- draft ----------------------------------------------------------------------------

    def on_form_changed(self, *_args: object) -> None:
        if not self._filling:
            self.draft_timer.start()

    def draft_values(self) -> dict[str, Any]:
        values = {key: widget_value(widget) for key, widget in self.fields.items()}
        values["anonymous"] = self.anonymous.isChecked()
        values["person_id"] = self.chosen.person_id if self.chosen else None
        return values

    def save_draft(self) -> None:
        """Keep what is typed in the data folder (nothing when the form is empty)."""
        self.draft_timer.stop()
        if self.is_empty():
            self.discard_draft()
        else:
            write_draft(self.draft_values(), date.today())

    def discard_draft(self) -> None:
        self.draft_timer.stop()
        discard_draft()

    def restore_draft(self) -> bool:
        values = read_draft()
        if values is None:
            return False
        self._filling = True
        try:
            self.anonymous.setChecked(bool(values.get("anonymous")))
            for key in ("id_type", "community", "visit_type"):
                self._set_combo(key, values.get(key))
            self.on_id_type_changed()
            self.on_visit_type_changed()
            self._fill_grids(values.get("community"))
            for key, widget in self.fields.items():
                if key != "repeat_of":
                    set_widget_value(widget, values.get(key))
        finally:
            self._filling = False
        self.on_risk_changed()
        self.status.setText(self.tr("已恢复上次未保存的登记草稿，请核对后保存。"))
        return True

    def _set_combo(self, key: str, value: object) -> None:
        combo = self.fields[key]
        assert isinstance(combo, QComboBox)
        select_data(combo, value)
