"""The 社会组织工作室's editors: an organisation, a referral (转介), an activity."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop.db import Database
from desktop.services.errors import ValidationError
from desktop.services.organisations import KINDS, activities, directory, referrals
from desktop.services.organisations.activities import ActivityInput
from desktop.services.organisations.directory import OrganisationInput
from desktop.services.organisations.referrals import ReferralInput
from desktop.views.form_widgets import DateEdit, OptionalDateEdit, select_data, select_text
from desktop.views.record_form import RecordDialog


def _text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class OrganisationDialog(RecordDialog):
    def __init__(self, *, database: Database, data: OrganisationInput | None = None,
                 organisation_id: int | None = None, version: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(key="organisation", save=self.save_organisation,
                         title=self.tr("社会组织") if organisation_id else self.tr("新增社会组织"),
                         parent=parent)
        self.database, self.organisation_id, self.version = database, organisation_id, version
        self.name = QLineEdit()
        self.add_field("name", self.tr("名称"), self.name)
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.add_field("kind", self.tr("类型"), self.kind)
        self.services = _text_box()
        self.add_field("services", self.tr("提供的服务"), self.services)
        self.contact_person = QLineEdit()
        self.add_field("contact_person", self.tr("联系人"), self.contact_person)
        self.phone = QLineEdit()
        self.add_field("phone", self.tr("联系电话"), self.phone)
        self.capacity = QLineEdit()
        self.capacity.setPlaceholderText(self.tr("可同时服务的人数，选填"))
        self.add_field("capacity", self.tr("服务容量"), self.capacity)
        self.active = QCheckBox(self.tr("在用（可接受转介）"))
        self.active.setChecked(True)
        self.add_field("active", self.tr("在用"), self.active)
        if data is not None:
            self.name.setText(data.name)
            select_text(self.kind, data.kind)
            self.services.setPlainText(data.services)
            self.contact_person.setText(data.contact_person)
            self.phone.setText(data.phone)
            self.capacity.setText("" if data.capacity is None else str(data.capacity))
            self.active.setChecked(data.active)

    def save_organisation(self) -> int:
        try:
            capacity = directory.parse_capacity(self.capacity.text())
            typed_wrong: dict[str, str] = {}
        except ValidationError as exc:
            capacity, typed_wrong = None, exc.errors
        data = OrganisationInput(self.name.text(), self.kind.currentText(),
                                 self.services.toPlainText(), self.contact_person.text(),
                                 self.phone.text(), capacity, self.active.isChecked())
        if typed_wrong:  # every other problem shown at once, nothing saved
            raise ValidationError({**directory.validate(data), **typed_wrong})
        return directory.save_organisation(self.database, self.organisation_id, data,
                                           version=self.version)


class ReferralDialog(RecordDialog):
    def __init__(self, *, database: Database, data: ReferralInput,
                 choices: list[tuple[str, int]], referral_id: int | None = None,
                 version: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(key="referral", save=self.save_referral,
                         title=self.tr("转介记录") if referral_id else self.tr("转介到社会组织"),
                         parent=parent)
        self.database, self.referral_id, self.version, self.data = (database, referral_id,
                                                                    version, data)
        self.resize(520, 600)
        self.organisation = QComboBox()
        self.organisation.addItem(self.tr("请选择"), None)
        for text, value in choices:
            self.organisation.addItem(text, value)
        self.add_field("organisation", self.tr("社会组织"), self.organisation)
        self.person_name = QLineEdit()
        self.add_field("person_name", self.tr("被转介人"), self.person_name,
                       error_keys=("visit",))
        self.person_phone = QLineEdit()
        self.add_field("person_phone", self.tr("联系电话"), self.person_phone)
        self.referred_on = OptionalDateEdit()
        self.add_field("referred_on", self.tr("转介日期"), self.referred_on)
        self.service_asked = _text_box()
        self.add_field("service_asked", self.tr("服务需求"), self.service_asked)
        self.due_on = OptionalDateEdit(empty_text=self.tr("默认15天"))
        self.add_field("due_on", self.tr("办理期限"), self.due_on)
        self.delivered_on = OptionalDateEdit(empty_text=self.tr("尚未服务"))
        self.add_field("delivered_on", self.tr("服务日期"), self.delivered_on)
        self.delivered = _text_box()
        self.add_field("delivered", self.tr("服务内容"), self.delivered)
        self.feedback = _text_box(60)
        self.add_field("feedback", self.tr("反馈"), self.feedback)
        select_data(self.organisation, data.organisation_id)
        self.person_name.setText(data.person_name)
        self.person_phone.setText(data.person_phone)
        self.referred_on.set_value(data.referred_on)
        self.service_asked.setPlainText(data.service_asked)
        self.due_on.set_value(data.due_on)
        self.delivered_on.set_value(data.delivered_on)
        self.delivered.setPlainText(data.delivered)
        self.feedback.setPlainText(data.feedback)

    def form_input(self) -> ReferralInput:
        return ReferralInput(
            organisation_id=self.organisation.currentData(),
            person_name=self.person_name.text(), referred_on=self.referred_on.value(),
            service_asked=self.service_asked.toPlainText(),
            person_phone=self.person_phone.text(), due_on=self.due_on.value(),
            delivered_on=self.delivered_on.value(), delivered=self.delivered.toPlainText(),
            feedback=self.feedback.toPlainText(), visit_id=self.data.visit_id,
            referral_id=self.data.referral_id,
        )

    def save_referral(self) -> int:
        data = self.form_input()
        if self.referral_id is None:
            return referrals.record_referral(self.database, data)
        assert self.version is not None
        referrals.update_referral(self.database, self.referral_id, data, version=self.version)
        return self.referral_id


class ActivityDialog(RecordDialog):
    def __init__(self, *, database: Database, choices: list[tuple[str, int]],
                 organisation_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(key="activity", title=self.tr("登记活动"),
                         save=self.save_activity, parent=parent)
        self.database = database
        self.organisation = QComboBox()
        self.organisation.addItem(self.tr("请选择"), None)
        for text, value in choices:
            self.organisation.addItem(text, value)
        select_data(self.organisation, organisation_id)
        self.add_field("organisation", self.tr("社会组织"), self.organisation)
        self.held_on = DateEdit()
        self.add_field("held_on", self.tr("活动日期"), self.held_on)
        self.title_edit = QLineEdit()
        self.add_field("title", self.tr("活动名称"), self.title_edit)
        self.participants = QLineEdit()
        self.add_field("participants", self.tr("参加人数"), self.participants)
        self.notes = _text_box()
        self.add_field("notes", self.tr("活动情况"), self.notes)

    def save_activity(self) -> int:
        participants = activities.parse_participants(self.participants.text())
        return activities.add_activity(self.database, ActivityInput(
            self.organisation.currentData(), self.held_on.value(), self.title_edit.text(),
            participants, self.notes.toPlainText()))
