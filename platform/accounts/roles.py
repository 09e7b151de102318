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
    # The Jobcenter's / Agentur's employer service: finds placements with businesses (issue 14).
    EMPLOYER_SERVICE = "employer_service", _("Arbeitgeber-Service")
    # Staff of the Ausländerbehörde: answer the questions addressed to their office, never see a
    # case file (the Clearingstelle of issue 14 §3).
    IMMIGRATION_OFFICE = "immigration_office", _("Ausländerbehörde")


# The role groups the apps check against, defined once here.
# Roles that work on case files.
CASE_STAFF = (Role.CASE_MANAGER, Role.JOB_COACH)
# The case staff and the coordinator who oversees their work.
CASE_STAFF_AND_COORDINATOR = (*CASE_STAFF, Role.COORDINATOR)
# Roles that record placements they found with businesses (Arbeitsplatzakquisition, issue 14).
PLACEMENT_FINDERS = (*CASE_STAFF, Role.EMPLOYER_SERVICE)
# Roles that keep the shared company record of the municipality's businesses (issue 15 §1); chamber
# editors see the records of their member businesses besides.
BUSINESS_RECORD_STAFF = (Role.EMPLOYER_SERVICE, Role.COORDINATOR, *CASE_STAFF)
# Roles that may merge two records of one business.
BUSINESS_MERGERS = (Role.EMPLOYER_SERVICE, Role.COORDINATOR)
# Roles that may open a candidate's page at all (volunteers get the reduced view).
CASE_READERS = (*CASE_STAFF_AND_COORDINATOR, Role.VOLUNTEER)

# Every role but the candidate's needs a second factor (TOTP) - including roles added later, which
# is why this is "all but one" and not a list. Chamber editors verify employers, the gate to
# candidate data; everyone else reads other people's personal data.
ROLES_REQUIRING_MFA = frozenset(role for role in Role if role != Role.CANDIDATE)
