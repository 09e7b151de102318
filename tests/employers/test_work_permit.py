"""The work permission procedure (issue 14 §3): for a person whose permit needs the Ausländerbehörde's
approval, an offer warns the employer (only that the start depends on an outstanding decision) and the
case staff; the employment cannot start before a granted decision (a form error, never a 500)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import WorkPermission, WorkPermitProcedure
from employers import notices as employer_notices
from employers import services
from employers.models import Employment
from notifications.models import Notification
from tests.clock import TODAY
from tests.factories import make_candidate, open_case

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def candidate(municipality, cook_taxonomy, coach):
    c = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    c.work_permission = WorkPermission.NEEDS_APPROVAL
    c.residence_status = "duldung"
    c.save(update_fields=["work_permission", "residence_status"])
    open_case(c, coach)
    return c


def _offered(placement, candidate, employer, coach):
    intro = services.introduction_select(placement=placement, candidate=candidate, actor=employer.own)
    intro = services.introduction_answer(introduction=intro, actor=coach, accept=True, note="EW-1")
    return services.introduction_offer(introduction=intro, actor=employer.own)


def test_an_offer_warns_the_employer_and_the_case_staff_without_residence_details(
    placement, candidate, employer, coach
):
    _offered(placement, candidate, employer, coach)
    employer_notices_sent = Notification.objects.filter(kind=employer_notices.PERMIT_PENDING_EMPLOYER)
    assert employer.own in {n.recipient for n in employer_notices_sent}
    assert all("duldung" not in str(n.params).lower() for n in employer_notices_sent)
    staff = Notification.objects.filter(kind=employer_notices.PERMIT_PENDING_STAFF)
    assert coach in {n.recipient for n in staff}


def test_the_employers_introduction_page_says_the_start_waits_until_the_decision_is_granted(
    placement, candidate, employer, coach, signed_in
):
    intro = _offered(placement, candidate, employer, coach)
    client = signed_in(employer.own)
    url = reverse("employers:introduction_detail", args=[intro.reference])
    html = client.get(url).content.decode()
    assert 'data-testid="permit-pending"' in html
    assert "ausstehenden Entscheidung über die Beschäftigungserlaubnis" in html
    assert "duldung" not in html.lower()  # the page never says why

    candidate_services.work_permit_procedure_save(
        case=candidate.cases.get(),
        actor=coach,
        applied_on=TODAY - timedelta(days=9),
        decision="granted",
        decided_on=TODAY,
    )
    assert 'data-testid="permit-pending"' not in client.get(url).content.decode()


def test_no_warning_once_the_permission_is_granted(placement, candidate, employer, coach):
    case = candidate.cases.get()
    candidate_services.work_permit_procedure_save(
        case=case, actor=coach, applied_on=TODAY - timedelta(days=30), decision="granted", decided_on=TODAY
    )
    _offered(placement, candidate, employer, coach)
    assert not Notification.objects.filter(kind=employer_notices.PERMIT_PENDING_EMPLOYER).exists()


def test_the_start_waits_for_a_granted_decision_a_clear_form_error_not_a_500(
    placement, candidate, employer, coach, signed_in
):
    intro = _offered(placement, candidate, employer, coach)
    # The case staff track the procedure on Lotse: from now on the start waits for its decision.
    procedure = candidate_services.work_permit_procedure_save(
        case=candidate.cases.get(),
        actor=coach,
        applied_on=TODAY - timedelta(days=5),
        ba_approval="zustimmung",
    )
    client = signed_in(employer.own)
    url = reverse("employers:introduction_action", args=[intro.reference, "hire"])
    start = TODAY + timedelta(days=10)
    data = {"start_date": start.isoformat(), "contract_type": "permanent", "hours_per_week": "30"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "ausstehenden Erlaubnis-Entscheidung" in html
    assert "Duldung" not in html
    assert not Employment.objects.exists()

    case = candidate.cases.get()
    candidate_services.work_permit_procedure_save(
        case=case,
        actor=coach,
        procedure=procedure,
        applied_on=TODAY - timedelta(days=5),
        ba_approval="zustimmung",
        ba_decision="granted",
        ba_decided_on=TODAY,
        decision="granted",
        decided_on=start + timedelta(days=3),
    )
    early = client.post(url, data)
    assert early.status_code == 400
    assert "frühestens am" in early.content.decode()
    data["start_date"] = (start + timedelta(days=3)).isoformat()
    assert client.post(url, data).status_code == 302
    assert Employment.objects.get().start_date == start + timedelta(days=3)


def test_a_decision_needs_its_date(candidate, coach):
    with pytest.raises(ValidationError) as error:
        candidate_services.work_permit_procedure_save(
            case=candidate.cases.get(), actor=coach, decision="granted", decided_on=None
        )
    assert "decided_on" in error.value.message_dict
    assert not WorkPermitProcedure.objects.exists()


def test_the_case_staff_record_the_procedure_on_the_case_page(candidate, coach, signed_in):
    case = candidate.cases.get()
    client = signed_in(coach)
    page = client.get(reverse("candidates:case_detail", args=[case.pk])).content.decode()
    assert "Entscheidung ausstehend" in page
    url = reverse("candidates:work_permit_create", args=[case.pk])
    assert url in page
    bad = client.post(url, {"ba_approval": "zustimmung", "ba_decision": "pending", "decision": "granted"})
    assert bad.status_code == 400
    assert "wann entschieden wurde" in bad.content.decode()
    good = client.post(
        url,
        {
            "applied_on": (TODAY - timedelta(days=20)).isoformat(),
            "ba_approval": "vorabzustimmung",
            "ba_decision": "pending",
            "decision": "pending",
        },
    )
    assert good.status_code == 302
    procedure = WorkPermitProcedure.objects.get()
    edit = reverse("candidates:work_permit_edit", args=[case.pk, procedure.pk])
    assert client.get(edit).status_code == 200
