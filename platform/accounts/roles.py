"""The roles people have on Lotse (see DESIGN.md, "The people and what they do here")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CANDIDATE = "candidate", _("Klient*in")
    CASE_MANAGER = "case_manager", _("Case Manager*in")
    JOB_COACH = "job_coach", _("Jobcoach")
    VOLUNTEER = "volunteer", _("Ehrenamtliche*r")
    EMPLOYER = "employer", _("Arbeitgeber*in")
    CHAMBER_EDITOR = "chamber_editor", _("Kammer-Redakteur*in")
    COORDINATOR = "coordinator", _("Koordinator*in")


# Every role but the candidate's needs a second factor (TOTP) - including roles added later, which
# is why this is "all but one" and not a list. Chamber editors verify employers, the gate to
# candidate data; everyone else reads other people's personal data.
ROLES_REQUIRING_MFA = frozenset(role for role in Role if role != Role.CANDIDATE)
