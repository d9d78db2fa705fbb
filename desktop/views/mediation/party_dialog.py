"""Adding or editing a party (当事人): a resident picked from reception, or typed.

While the mediator types a 身份证号, a credit code or an organisation's name,
the dialog shows the other cases in which the same person or organisation
appears, so conflicts and repeat disputes are seen before saving.

An edited party is saved with the version it was loaded with: when another
desk changed it meanwhile, the save is refused and a :class:`StaleEditDialog`
shows what differs; 重新载入 refills this dialog from the saved party.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.db import Database
from desktop.services import mediation
from desktop.services.errors import StaleEditError, ValidationError
from desktop.services.mediation import PartyInput, PartyResult
from desktop.views.form_widgets import OptionalDateEdit, select_text
from desktop.views.stale_dialog import StaleEditDialog, open_stale_dialog
from desktop.views.widgets import FieldError, named

ETHNICITIES = ["汉族", "回族", "满族", "蒙古族", "藏族", "维吾尔族", "壮族", "苗族", "彝族",
               "土家族", "朝鲜族", "其他"]


class PartyDialog(QDialog):
    """One party's particulars; ``save`` writes them and returns the conflicts found.

    ``save`` gets the form and the version it was loaded with (``version``; unused
    for a new party); ``reload`` reads the party and its version again.
    """

    saved = Signal(object)  # PartyResult
    gone = Signal()  # the party was deleted by another desk

    def __init__(self, *, database: Database, side: str, case_id: int | None,
                 save: Callable[[PartyInput, int], PartyResult], initial: PartyInput | None = None,
                 version: int = 0, reload: Callable[[], tuple[PartyInput, int]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.case_id = case_id
        self._save = save
        self._reload = reload
        self.version = version
        self.person_id: int | None = None
        self.party_result: PartyResult | None = None
        self.last_stale_dialog: StaleEditDialog | None = None
        title = self.tr("编辑当事人") if initial else self.tr("添加{0}").format(side)
        named(self, "party", title)
        self.setWindowTitle(title)
        self.resize(720, 640)
        self._add_widgets()
        self._connect_signals()
        self.set_input(initial or PartyInput(name="", side=side))

    def _add_widgets(self) -> None:
        self.side = named(QComboBox(), "party.side", self.tr("当事人身份"))
        self.side.addItems(mediation.SIDES)
        self.kind_person = named(QRadioButton(self.tr("自然人")), "party.kind_person",
                                 self.tr("自然人"))
        self.kind_org = named(QRadioButton(self.tr("法人或其他组织")), "party.kind_organisation",
                              self.tr("法人或其他组织"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.kind_person)
        self.kind_group.addButton(self.kind_org)
        self.kind_person.setChecked(True)

        self.search = named(QLineEdit(), "party.search", self.tr("查找来访人"))
        self.search.setPlaceholderText(self.tr("输入姓名、身份证号或电话，从接待登记中选择"))
        self.results = named(QListWidget(), "party.results", self.tr("来访人查找结果"))
        self.results.setMaximumHeight(90)
        self.picked = named(QLabel(), "party.picked", self.tr("已选来访人"))

        self.name = named(QLineEdit(), "party.name", self.tr("姓名或名称"))
        self.phone = named(QLineEdit(), "party.phone", self.tr("联系电话"))
        self.address = named(QLineEdit(), "party.address", self.tr("住址或住所"))
        # natural person
        self.gender = named(QComboBox(), "party.gender", self.tr("性别"))
        self.gender.addItems(["", *mediation.GENDERS])
        self.ethnicity = named(QComboBox(), "party.ethnicity", self.tr("民族"))
        self.ethnicity.setEditable(True)
        self.ethnicity.addItems(["", *ETHNICITIES])
        self.birth_date = named(OptionalDateEdit(), "party.birth_date", self.tr("出生日期"))
        self.age = named(QSpinBox(), "party.age", self.tr("年龄"))
        self.age.setRange(0, 130)
        self.age.setSpecialValueText(self.tr("未填写"))
        self.id_number = named(QLineEdit(), "party.id_number", self.tr("身份证号"))
        self.id_number.setMaxLength(32)  # room for pasted spaces; the service trims them
        self.occupation = named(QLineEdit(), "party.occupation", self.tr("职业或工作单位"))
        # organisation
        self.credit_code = named(QLineEdit(), "party.credit_code", self.tr("统一社会信用代码"))
        self.credit_code.setMaxLength(18)
        self.legal_rep = named(QLineEdit(), "party.legal_rep", self.tr("法定代表人"))
        self.legal_rep_title = named(QComboBox(), "party.legal_rep_title",
                                     self.tr("代表人职务"))
        self.legal_rep_title.addItems(["法定代表人", "负责人"])
        # agent
        self.agent_type = named(QComboBox(), "party.agent_type", self.tr("代理人类型"))
        self.agent_type.addItems(mediation.AGENT_TYPES)
        self.agent_name = named(QLineEdit(), "party.agent_name", self.tr("代理人姓名"))
        self.agent_relation = named(QLineEdit(), "party.agent_relation",
                                    self.tr("代理人单位或与当事人关系"))
        self.agent_id_number = named(QLineEdit(), "party.agent_id_number",
                                     self.tr("代理人身份证号"))
        self.agent_phone = named(QLineEdit(), "party.agent_phone", self.tr("代理人电话"))

        self.conflicts = named(QLabel(), "party.conflicts", self.tr("关联案件提示"))
        self.conflicts.setWordWrap(True)
        self.conflicts.setStyleSheet(
            "QLabel { background: #fff4e5; color: #8a4b00; border: 1px solid #f29900;"
            " padding: 6px; }")
        self.conflicts.hide()
        keys = ["name", "id_number", "phone", "credit_code", "legal_rep", "gender", "age",
                "birth_date", "agent_id_number", "agent_phone", "agent_type", "side", "kind"]
        self.errors = {key: FieldError(f"party.{key}_error") for key in keys}
        # Messages about the whole party or case (e.g. the case is closed).
        self.message = FieldError("party.message")

        def row(widget: QWidget, key: str | None) -> QWidget | QVBoxLayout:
            if key is None:
                return widget
            cell = QVBoxLayout()
            cell.setSpacing(1)
            cell.addWidget(widget)
            cell.addWidget(self.errors[key])
            return cell

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("身份")))
        top.addWidget(self.side)
        top.addSpacing(16)
        top.addWidget(self.kind_person)
        top.addWidget(self.kind_org)
        top.addStretch(1)

        pick_box = QGroupBox(self.tr("从接待登记中选择（已登记的来访人不必重新录入）"))
        pick = QVBoxLayout(pick_box)
        pick.addWidget(self.search)
        pick.addWidget(self.results)
        pick.addWidget(self.picked)
        self.pick_box = pick_box

        common = QFormLayout()
        common.addRow(self.tr("姓名/名称"), row(self.name, "name"))
        person_page = QWidget()
        person = QFormLayout(person_page)
        person.setContentsMargins(0, 0, 0, 0)
        gender_row = QHBoxLayout()
        gender_row.addWidget(self.gender)
        gender_row.addWidget(QLabel(self.tr("民族")))
        gender_row.addWidget(self.ethnicity)
        gender_row.addStretch(1)
        person.addRow(self.tr("性别"), gender_row)
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth_date)
        birth_row.addWidget(QLabel(self.tr("或年龄")))
        birth_row.addWidget(self.age)
        birth_row.addStretch(1)
        person.addRow(self.tr("出生日期"), birth_row)
        person.addRow(self.tr("身份证号"), row(self.id_number, "id_number"))
        person.addRow(self.tr("职业或工作单位"), self.occupation)
        org_page = QWidget()
        org = QFormLayout(org_page)
        org.setContentsMargins(0, 0, 0, 0)
        org.addRow(self.tr("统一社会信用代码"), row(self.credit_code, "credit_code"))
        rep_row = QHBoxLayout()
        rep_row.addWidget(self.legal_rep_title)
        rep_row.addWidget(self.legal_rep, 1)
        org.addRow(self.tr("代表人"), rep_row)
        org.addRow("", self.errors["legal_rep"])
        self.kind_pages = QStackedWidget()
        self.kind_pages.addWidget(person_page)
        self.kind_pages.addWidget(org_page)
        tail = QFormLayout()
        tail.addRow(self.tr("住址/住所"), self.address)
        tail.addRow(self.tr("联系电话"), row(self.phone, "phone"))

        agent_box = QGroupBox(self.tr("代理人（没有可不填）"))
        agent = QFormLayout(agent_box)
        agent_row = QHBoxLayout()
        agent_row.addWidget(self.agent_type)
        agent_row.addWidget(self.agent_name, 1)
        agent.addRow(self.tr("代理人"), agent_row)
        agent.addRow(self.tr("单位或关系"), self.agent_relation)
        agent.addRow(self.tr("身份证号"), row(self.agent_id_number, "agent_id_number"))
        agent.addRow(self.tr("电话"), row(self.agent_phone, "agent_phone"))

        self.buttons = QDialogButtonBox()
        self.save_button = named(QPushButton(self.tr("保存")), "party.save", self.tr("保存当事人"))
        self.save_button.setDefault(True)
        self.cancel_button = named(QPushButton(self.tr("取消")), "party.cancel", self.tr("取消"))
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(pick_box)
        layout.addLayout(common)
        layout.addWidget(self.kind_pages)
        layout.addLayout(tail)
        layout.addWidget(agent_box)
        layout.addWidget(self.conflicts)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._conflict_timer = QTimer(self)
        self._conflict_timer.setSingleShot(True)
        self._conflict_timer.setInterval(300)

    def _connect_signals(self) -> None:
        self.kind_org.toggled.connect(self.on_kind_changed)
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.on_search)
        self.results.itemActivated.connect(self.on_pick)
        self.results.itemClicked.connect(self.on_pick)
        for line in (self.id_number, self.credit_code, self.name):
            line.textChanged.connect(self._conflict_timer.start)
        self._conflict_timer.timeout.connect(self.on_check_conflicts)
        self.save_button.clicked.connect(self.on_save)
        self.cancel_button.clicked.connect(self.reject)
        # A message beside a field goes once the field is edited, not only on the next save.
        for key, label in self.errors.items():
            widget = getattr(self, key, None)
            if isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _text, label=label: label.show_message(None))

    # -- data -------------------------------------------------------------

    def set_input(self, data: PartyInput) -> None:
        select_text(self.side, data.side)
        (self.kind_org if data.kind == "organisation" else self.kind_person).setChecked(True)
        self.on_kind_changed(data.kind == "organisation")
        self.person_id = data.person_id
        self.name.setText(data.name)
        select_text(self.gender, data.gender or "")
        self.ethnicity.setCurrentText(data.ethnicity)
        self.birth_date.set_value(data.birth_date)
        self.age.setValue(data.age or 0)
        self.id_number.setText(data.id_number)
        self.occupation.setText(data.occupation)
        self.address.setText(data.address)
        self.phone.setText(data.phone)
        self.credit_code.setText(data.credit_code)
        self.legal_rep.setText(data.legal_rep)
        select_text(self.legal_rep_title, data.legal_rep_title or "法定代表人")
        select_text(self.agent_type, data.agent_type or "委托代理人")
        self.agent_name.setText(data.agent_name)
        self.agent_relation.setText(data.agent_relation)
        self.agent_id_number.setText(data.agent_id_number)
        self.agent_phone.setText(data.agent_phone)
        self.picked.setText(self.tr("已关联接待登记中的来访人") if data.person_id else "")

    def form_input(self) -> PartyInput:
        organisation = self.kind_org.isChecked()
        return PartyInput(
            name=self.name.text(), side=self.side.currentText(),
            kind="organisation" if organisation else "person",
            person_id=None if organisation else self.person_id,
            gender=self.gender.currentText() or None, ethnicity=self.ethnicity.currentText(),
            birth_date=self.birth_date.value(), age=self.age.value() or None,
            id_number=self.id_number.text(), occupation=self.occupation.text(),
            address=self.address.text(), phone=self.phone.text(),
            credit_code=self.credit_code.text(), legal_rep=self.legal_rep.text(),
            legal_rep_title=self.legal_rep_title.currentText(),
            agent_type=self.agent_type.currentText() if self.agent_name.text().strip() else "",
            agent_name=self.agent_name.text(), agent_id_number=self.agent_id_number.text(),
            agent_phone=self.agent_phone.text(), agent_relation=self.agent_relation.text(),
        )

    # -- slots ------------------------------------------------------------

    def on_kind_changed(self, organisation: bool) -> None:
        self.kind_pages.setCurrentIndex(1 if organisation else 0)
        self.pick_box.setEnabled(not organisation)

    def on_search(self) -> None:
        with self.database.read() as session:
            found = mediation.search_persons(session, self.search.text())
        self.results.clear()
        for choice in found:
            item = QListWidgetItem(choice.label())
            item.setData(Qt.ItemDataRole.UserRole, choice.person_id)
            self.results.addItem(item)

    def on_pick(self, item: QListWidgetItem) -> None:
        person_id = item.data(Qt.ItemDataRole.UserRole)
        with self.database.read() as session:
            data = mediation.person_as_party(session, person_id, self.side.currentText())
        current = self.form_input()
        data.ethnicity, data.occupation = current.ethnicity, current.occupation
        self.set_input(data)
        self.on_check_conflicts()

    def on_check_conflicts(self) -> None:
        data = self.form_input()
        with self.database.read() as session:
            found = mediation.find_conflicts(session, data, exclude_case_id=self.case_id)
        self.show_conflicts(found)

    def show_conflicts(self, found: list[mediation.Conflict]) -> None:
        if not found:
            self.conflicts.hide()
            self.conflicts.clear()
            return
        lines = "<br>".join(c.describe() for c in found[:8])
        more = self.tr("<br>……共 {0} 件").format(len(found)) if len(found) > 8 else ""
        self.conflicts.setText(
            self.tr("该当事人在其他案件中出现过：<br>{0}{1}").format(lines, more))
        self.conflicts.show()

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.show_message(errors.get(key))
        unplaced = [message for key, message in errors.items() if key not in self.errors]
        self.message.show_message("；".join(unplaced) or None)

    def on_save(self) -> None:
        try:
            self.party_result = self._save(self.form_input(), self.version)
        except StaleEditError as exc:
            self.show_errors({})
            self.message.show_message(str(exc))
            self.show_stale(exc)
            return
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        self.show_errors({})
        self.saved.emit(self.party_result)
        self.accept()

    def show_stale(self, error: StaleEditError) -> StaleEditDialog:
        self.last_stale_dialog = open_stale_dialog(self, error, self.on_reload)
        return self.last_stale_dialog

    def on_reload(self) -> None:
        """Show the party as another desk saved it (the user chose 重新载入)."""
        if self._reload is None:
            return
        try:
            data, self.version = self._reload()
        except StaleEditError:
            self.gone.emit()
            self.reject()
            return
        self.set_input(data)
        self.show_errors({})
        self.message.show_message(self.tr("已重新载入他人保存的内容。"))
