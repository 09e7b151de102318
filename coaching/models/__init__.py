"""Coaching after placement: "place, then train" (DESIGN.md "Coaching", "Services directory", "Handover").

Follow-along support hangs off employers.Employment and goes on with no fixed end. Writes go through
coaching.services; reads through coaching.selectors (always scoped to the requesting user).

The models live in one module per area (as Zulip split its models); every name is re-exported
here, so ``from coaching.models import X`` stays the way to import them:

- ``choices``: the enumerations at module level and their constants (``OPEN_NEED_STATUSES``, ``BYDAY``)
- ``followalong``: follow-along plan, schedule and log; language support; risks; employer requests
- ``volunteers``: volunteer assignments and tutoring sessions
- ``directory``: the services directory (HSDS) and referrals
- ``handovers``: warm handover and its checklists
- ``messages``: message threads and messages (issue 22)
- ``network``: barriers, coordination rounds, cooperation agreements, shared practice (issue 23)
- ``discrimination``: discrimination reports and their referral (issue 15 §3)
"""

# isort: off
# The models register with the app in the order they were written in one module before the split;
# the modules are imported in that order, so the app's model order (admin, dumpdata, checks) holds.
from .followalong import (
    FollowAlong,
    FollowUp,
    FollowUpDue,
    FollowUpReminder,
    LanguageSupportNeed,
    RiskFlag,
    SupportRequest,
)
from .volunteers import TutoringSession, VolunteerAssignment
from .directory import (
    Referral,
    Service,
    ServiceAreaPostcode,
    ServiceLocation,
    ServiceOrganisation,
    ServiceQuerySet,
    ServiceRequiredDocument,
    ServiceSchedule,
)
from .handovers import Handover, HandoverChecklistItem, HandoverChecklistTemplate, HandoverKind
from .messages import Message, MessageThread
from .network import Barrier, CooperationAgreement, CoordinationRound, PracticeTemplate, RoundAction
from .discrimination import DiscriminationReferral, DiscriminationReport

# isort: on
from .choices import (
    BYDAY,
    OPEN_NEED_STATUSES,
    AgreementStatus,
    BarrierCategory,
    Cost,
    DiscriminationGround,
    DiscriminationSetting,
    Funding,
    LanguageArea,
    LanguageMeasure,
    Mode,
    NeedStatus,
    NextStep,
    PracticeKind,
    ReporterKind,
    RequestTopic,
    RiskKind,
    RoundKind,
    ServiceCategory,
    Severity,
    Topic,
    VolunteerFocus,
    Weekday,
    WithWhom,
)

# Migration 0007 names the attachment's storage and path functions as coaching.models.<name>.
from .messages import _attachment_path, _message_storage  # noqa: F401

__all__ = [
    "AgreementStatus",
    "BYDAY",
    "Barrier",
    "BarrierCategory",
    "CooperationAgreement",
    "CoordinationRound",
    "Cost",
    "DiscriminationGround",
    "DiscriminationReferral",
    "DiscriminationReport",
    "DiscriminationSetting",
    "FollowAlong",
    "FollowUp",
    "FollowUpDue",
    "FollowUpReminder",
    "Funding",
    "Handover",
    "HandoverChecklistItem",
    "HandoverChecklistTemplate",
    "HandoverKind",
    "LanguageArea",
    "LanguageMeasure",
    "LanguageSupportNeed",
    "Message",
    "MessageThread",
    "Mode",
    "NeedStatus",
    "NextStep",
    "OPEN_NEED_STATUSES",
    "PracticeKind",
    "PracticeTemplate",
    "Referral",
    "ReporterKind",
    "RequestTopic",
    "RiskFlag",
    "RiskKind",
    "RoundAction",
    "RoundKind",
    "Service",
    "ServiceAreaPostcode",
    "ServiceCategory",
    "ServiceLocation",
    "ServiceOrganisation",
    "ServiceQuerySet",
    "ServiceRequiredDocument",
    "ServiceSchedule",
    "Severity",
    "SupportRequest",
    "Topic",
    "TutoringSession",
    "VolunteerAssignment",
    "VolunteerFocus",
    "Weekday",
    "WithWhom",
]
