"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from desktop.models.audit import AuditEntry, AuditHead
from desktop.models.base import Base
from desktop.models.care import CareEntry, CareGroup, CareVisit
from desktop.models.closure import (
    Rectification,
    RectificationNote,
    VisitRating,
    VisitReply,
    WorkdayException,
)
from desktop.models.counselling import (
    CounsellingCase,
    CounsellingSession,
    RiskAssessment,
    ScaleResult,
)
from desktop.models.deliberation import (
    DeliberationAction,
    DeliberationMatter,
    DeliberationMeeting,
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
from desktop.models.notification import Notification, NotificationRead
from desktop.models.organisations import (
    OrganisationActivity,
    OrganisationReferral,
    SocialOrganisation,
)
from desktop.models.person import Person, PersonFormerName
from desktop.models.police import PoliceHandover
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
    "CareEntry",
    "CareGroup",
    "CareVisit",
    "CaseAttachment",
    "CaseParty",
    "Category",
    "CentreSetting",
    "Community",
    "CounsellingCase",
    "CounsellingSession",
    "DeliberationAction",
    "DeliberationMatter",
    "DeliberationMeeting",
    "Escalation",
    "FollowUp",
    "Grid",
    "JudicialConfirmation",
    "KioskTicket",
    "MediationCase",
    "MediationSession",
    "Notice",
    "Notification",
    "NotificationRead",
    "OrganisationActivity",
    "OrganisationReferral",
    "Person",
    "PersonFormerName",
    "PoliceHandover",
    "Rectification",
    "RectificationNote",
    "Referral",
    "ReferralEvent",
    "RiskAssessment",
    "Room",
    "ScaleResult",
    "SequenceCounter",
    "SocialOrganisation",
    "Staff",
    "StaffRole",
    "Visit",
    "VisitRating",
    "VisitReply",
    "WorkdayException",
    "case_mediator",
]
