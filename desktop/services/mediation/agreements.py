"""协议: the agreement of a case, written or oral, clause by clause."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop.db import Database
from desktop.models import (
    Agreement,
    AgreementClause,
    JudicialConfirmation,
)
from desktop.models.base import mark_changed
from desktop.services.admin import audit, auth
from desktop.services.errors import ValidationError
from desktop.services.mediation.common import (
    AGREEMENT_FIELDS,
    clean,
    dates,
    get_case,
    open_case,
    parse_amount,
)
from desktop.services.mediation.constants import AGREEMENT_KINDS, AGREEMENT_LABELS
from desktop.services.mediation.forms import AgreementInput
from desktop.services.mediation.judicial import judicial_deadline
from desktop.services.validation import checked, whole_number_in
from desktop.services.versions import (
    form_values,
    loaded,
    refuse_stale,
    write_checked,
)

# ---------------------------------------------------------------------------
# Agreement and outcome


def validate_agreement(data: AgreementInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.kind not in AGREEMENT_KINDS:
        errors["kind"] = "协议形式只能是书面协议或口头协议"
    if not [c for c in data.clauses if c.strip()]:
        errors["clauses"] = "请至少填写一条协议内容"
    if data.copies is not None and not whole_number_in(data.copies, 1, 50):
        errors["copies"] = "协议份数应在1到50之间"
    try:
        parse_amount(data.amount)
    except ValidationError as exc:
        errors.update(exc.errors)
    if data.signed_on and data.effective_on and data.effective_on < data.signed_on:
        errors["effective_on"] = "生效日期不能早于签订日期"
    errors.update(dates(data, "signed_on", "effective_on"))
    return errors


def _agreement_values(agreement: Agreement | None, clauses: list[str]) -> dict[str, str]:
    if agreement is None:
        return dict.fromkeys(AGREEMENT_LABELS, "")
    return form_values(agreement, AGREEMENT_LABELS, clauses=clauses,
                       kind=AGREEMENT_KINDS.get(agreement.kind, agreement.kind))


def save_agreement(database: Database, case_id: int, data: AgreementInput, *,
                   version: int | None) -> None:
    """Write the agreement (replacing its clauses) and keep the 司法确认 deadline in step.

    ``version`` is ``AgreementData.version`` as the form loaded it, ``None`` when
    the case had no agreement then.
    """
    auth.require(database, "case.edit")
    data, errors = checked(data, AGREEMENT_FIELDS, validate_agreement)
    if errors:
        raise ValidationError(errors)
    clauses = [c.strip() for c in data.clauses if c.strip()]

    def work(session: Session) -> None:
        case_ = open_case(session, case_id)
        agreement = case_.agreement
        found = loaded(agreement)
        old_clauses = [c.text for c in agreement.clauses] if agreement else []
        before = _agreement_values(agreement, old_clauses)
        if agreement is None:
            agreement = Agreement(case=case_)
            session.add(agreement)
        agreement.kind = data.kind
        agreement.performance_method = clean(data.performance_method)
        agreement.performance_place = clean(data.performance_place)
        agreement.performance_deadline = clean(data.performance_deadline)
        agreement.copies = data.copies
        agreement.amount = parse_amount(data.amount)
        agreement.signed_on = data.signed_on
        agreement.effective_on = data.effective_on or data.signed_on
        refuse_stale("调解协议", found, version, before, _agreement_values(agreement, clauses),
                     AGREEMENT_LABELS)
        if clauses != old_clauses:
            mark_changed(agreement)  # the clauses are rows of their own
            agreement.clauses.clear()
            session.flush()
            for position, text in enumerate(clauses):
                agreement.clauses.append(AgreementClause(position=position + 1, text=text))
        if case_.judicial is not None:
            # The deadline follows the agreement; it is no edit of the 司法确认 form, so
            # it leaves that record's version alone (a form open on it stays valid).
            deadline = judicial_deadline(agreement.effective_on)
            if deadline != case_.judicial.deadline_on:
                audit.record(session, "change", "judicial_confirmation", case_.judicial.id,
                             {"changes": {"deadline_on": {"old": case_.judicial.deadline_on,
                                                          "new": deadline}}})
            session.execute(
                update(JudicialConfirmation).where(JudicialConfirmation.id == case_.judicial.id)
                .values(deadline_on=deadline)
                .execution_options(synchronize_session=False))

    write_checked(database, "调解协议", work)


def agreement_input(session: Session, case_id: int) -> AgreementInput | None:
    case_ = get_case(session, case_id)
    a = case_.agreement
    if a is None:
        return None
    return AgreementInput(
        clauses=[c.text for c in a.clauses], kind=a.kind,
        performance_method=a.performance_method or "",
        performance_place=a.performance_place or "",
        performance_deadline=a.performance_deadline or "", copies=a.copies,
        amount="" if a.amount is None else f"{a.amount:.2f}", signed_on=a.signed_on,
        effective_on=a.effective_on,
    )
