"""Life-domain assessment (issue 14, §1): dated versions with history, the special categories
(health, trauma, family; GDPR Art. 9) read only by the responsible organisation's case staff and
audited, export and erasure."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import selectors, services
from candidates.models import Assessment, AssessmentEntry, ConsentScope, LifeDomain
from candidates.services import consent_grant
from privacy.models import AuditEntry
from tests.clock import TODAY
from tests.factories import OrganisationFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SPECIAL = "Art9-Geheimnis: Albträume seit der Flucht"
ORDINARY = "Deutsch-Stärke: spricht gern"


def entries(**needs) -> list[dict]:
    rows = []
    for domain in LifeDomain.values:
        rows.append(
            {
                "domain": domain,
                "need": needs.get(domain, "none"),
                "strengths": ORDINARY if domain == "german" else "",
                "own_words": SPECIAL if domain in ("health", "family") else "",
                "reassess_on": None,
            }
        )
    return rows


def assess(case, actor, **needs) -> Assessment:
    return services.assessment_create(case=case, actor=actor, entries=entries(**needs))


def test_each_save_is_a_new_dated_version_and_the_old_ones_stay(desk):
    first = assess(desk.case, desk.user, german="urgent")
    second = assess(desk.case, desk.user, german="some", health="some")
    versions = selectors.assessment_history(user=desk.user, case=desk.case)
    assert [v.assessment for v in versions] == [second, first]
    assert {e.domain: e.need for e in versions[1].entries}["german"] == "urgent"
    assert [e.domain for e in selectors.open_needs(user=desk.user, case=desk.case)] == ["german", "health"]


def test_a_double_submit_saves_one_version(desk):
    key = uuid.uuid4()
    a = services.assessment_create(case=desk.case, actor=desk.user, entries=entries(), submission_key=key)
    b = services.assessment_create(case=desk.case, actor=desk.user, entries=entries(), submission_key=key)
    assert a == b and Assessment.objects.count() == 1


def test_a_reassessment_date_before_the_assessment_is_refused(desk):
    rows = entries()
    rows[0]["reassess_on"] = TODAY - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.assessment_create(case=desk.case, actor=desk.user, entries=rows)


def test_the_form_saves_and_bad_input_comes_back_with_an_error(desk):
    client = login_with_mfa(Client(), desk.user)
    url = reverse("candidates:assessment_edit", args=[desk.case.pk])
    data = {"assessed_on": TODAY.isoformat()}
    for domain in LifeDomain.values:
        data[f"{domain}-need"] = "none"
    data["housing-need"] = "urgent"
    data["housing-own_words"] = "Wir sind sechs in einem Zimmer."
    data["housing-reassess_on"] = "1999-01-01"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Wir sind sechs in einem Zimmer." in response.content.decode()
    assert not Assessment.objects.exists()
    data["housing-reassess_on"] = (TODAY + datetime.timedelta(days=90)).isoformat()
    data["german-need"] = "sometimes"  # not a choice
    assert client.post(url, data).status_code == 200
    data["german-need"] = "some"
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:assessment_proposals", args=[desk.case.pk])
    entry = AssessmentEntry.objects.get(domain="housing")
    assert entry.need == "urgent" and entry.own_words == "Wir sind sechs in einem Zimmer."


# --- special categories: hostile -----------------------------------------------------------------

# Who reads health, trauma and family: the responsible organisation's case staff, nobody else.
READS_SPECIAL = {"case_manager_own", "case_manager_colleague", "job_coach_own_org"}


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "candidate_self",
        "candidate_other",
        "case_manager_own",
        "case_manager_colleague",
        "case_manager_other_org",
        "case_manager_other_municipality",
        "job_coach_own_org",
        "volunteer_assigned",
        "volunteer_unassigned",
        "employer",
        "unverified_employer",
        "chamber_editor",
        "coordinator_own_municipality",
        "coordinator_responsible",
        "coordinator_other_municipality",
    ],
)
def test_special_categories_reach_only_the_responsible_case_staff(matrix_world, role):
    assess(
        matrix_world.case,
        matrix_world.users["case_manager_own"],
        health="urgent",
        family="some",
        german="some",
    )
    user = matrix_world.users[role]
    client = Client() if user is None else login_with_mfa(Client(), user)
    pages = [
        reverse("candidates:assessment", args=[matrix_world.case.pk]),
        reverse("candidates:assessment_edit", args=[matrix_world.case.pk]),
        reverse("candidates:case_detail", args=[matrix_world.case.pk]),
        reverse("coaching:assessment_proposals", args=[matrix_world.case.pk]),
        reverse("candidates:detail", args=[matrix_world.pk]),
        reverse("monitoring:dashboard"),
    ]
    seen = "".join(client.get(url).content.decode("utf-8", errors="replace") for url in pages)
    assert (SPECIAL in seen) == (role in READS_SPECIAL), role
    if role == "coordinator_responsible":
        # reads the file, so the ordinary domains, but never health or family
        assert ORDINARY in seen
        assert "Gesundheit, Trauma und Familie sehen nur" in seen


def test_a_handover_recipient_reads_the_file_but_not_the_special_categories(matrix_world):
    owner = matrix_world.users["case_manager_own"]
    assess(matrix_world.case, owner, health="urgent")
    receiving = OrganisationFactory(municipality=matrix_world.case.municipality, kind="jobcenter")
    reader = new_member("case_manager", organisation=receiving)
    consent_grant(
        candidate=matrix_world.case.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=owner,
        recipient_organisation=receiving,
    )
    assert selectors.may_read_file(user=reader, candidate=matrix_world.case.candidate)
    assert not selectors.may_read_special_categories(user=reader, case=matrix_world.case)
    [version] = selectors.assessment_history(user=reader, case=matrix_world.case)
    assert version.withheld == 2
    assert {e.domain for e in version.entries}.isdisjoint({"health", "family"})
    client = login_with_mfa(Client(), reader)
    assert (
        SPECIAL
        not in client.get(reverse("candidates:assessment", args=[matrix_world.case.pk])).content.decode()
    )
    assert client.get(reverse("candidates:assessment_edit", args=[matrix_world.case.pk])).status_code == 404
    assert (
        client.get(reverse("coaching:assessment_proposals", args=[matrix_world.case.pk])).status_code == 404
    )
    assert (
        client.post(reverse("candidates:assessment_edit", args=[matrix_world.case.pk]), {}).status_code == 404
    )


def test_a_closed_case_shows_nobody_the_special_categories(desk):
    assess(desk.case, desk.user, health="urgent")
    desk.case.phase, desk.case.closed_at = "closed", timezone.now()
    desk.case.save()
    assert not selectors.may_read_special_categories(user=desk.user, case=desk.case)


def test_every_read_is_audited_and_says_when_it_was_special(matrix_world):
    assess(matrix_world.case, matrix_world.users["case_manager_own"], health="urgent")
    url = reverse("candidates:assessment", args=[matrix_world.case.pk])
    for role in ("case_manager_colleague", "coordinator_responsible"):
        user = matrix_world.users[role]
        AuditEntry.objects.all().delete()
        login_with_mfa(Client(), user).get(url)
        reads = AuditEntry.objects.filter(actor_id=user.pk, action=AuditEntry.Action.VIEW)
        fields = {f for entry in reads for f in entry.fields}
        assert "case.assessment" in fields
        assert ("case.assessment.special_category" in fields) == (role == "case_manager_colleague")


# --- export and erasure -----------------------------------------------------------------------------


def test_the_export_holds_every_version_and_erasure_blanks_the_free_text(desk):
    assess(desk.case, desk.user, german="urgent")
    assess(desk.case, desk.user, german="some")
    data = services.candidate_export(candidate=desk.candidate)
    [case] = data["cases"]
    assert len(case["assessments"]) == 2
    assert {d["own_words"] for d in case["assessments"][0]["domains"]} >= {SPECIAL}
    services.candidate_erase(candidate=desk.candidate, actor=desk.user)
    assert not AssessmentEntry.objects.exclude(strengths="", own_words="").exists()
    # the need levels stay for the anonymous counts
    assert AssessmentEntry.objects.filter(domain="german", need="urgent").exists()
