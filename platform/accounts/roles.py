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


# Roles that read other people's personal data: they must use a second factor (TOTP).
# Candidates read only their own data; chamber editors see business data and aggregates.
ROLES_REQUIRING_MFA = frozenset(
    {Role.CASE_MANAGER, Role.JOB_COACH, Role.VOLUNTEER, Role.EMPLOYER, Role.COORDINATOR}
)
