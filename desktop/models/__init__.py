"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from desktop.models.audit import AuditEntry, AuditHead
from desktop.models.base import Base
from desktop.models.closure import (
    Rectification,
    RectificationNote,
    VisitRating,
    VisitReply,
    WorkdayException,
)
from desktop.models.kiosk import KioskTicket
from desktop.models.mediation import (
    Agreement,
    AgreementClause,
    CaseAttachment,
    CaseParty,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
    MediationSession,
    case_mediator,
)
from desktop.models.person import Person, PersonFormerName
from desktop.models.reference import Category, Community, Grid, Room, Staff, StaffRole
from desktop.models.routing import Escalation, ReferralEvent
from desktop.models.system import CentreSetting, Notice, SequenceCounter
from desktop.models.visit import Referral, Visit

__all__ = [
    "Agreement",
    "AgreementClause",
    "AuditEntry",
    "AuditHead",
    "Base",
    "CaseAttachment",
    "CaseParty",
    "Category",
    "CentreSetting",
    "Community",
    "Escalation",
    "FollowUp",
    "Grid",
    "JudicialConfirmation",
    "KioskTicket",
    "MediationCase",
    "MediationSession",
    "Notice",
    "Person",
    "PersonFormerName",
    "Rectification",
    "RectificationNote",
    "Referral",
    "ReferralEvent",
    "Room",
    "SequenceCounter",
    "Staff",
    "StaffRole",
    "Visit",
    "VisitRating",
    "VisitReply",
    "WorkdayException",
    "case_mediator",
]
