"""Issue 15 §3 in Chromium: a candidate reports an incident of discrimination in Arabic (right to
left), found by clicking from her start page, anonymously and referred to the counselling service
with her consent; the coordinator follows "Gemeldete Diskriminierung" from /app/ and finds it
counted (with the four reported before, this month's cell for businesses reaches five and is shown).
axe-core on every page passed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coaching.models import DiscriminationReport
from tests.browser.helpers import serious, sign_in
from tests.clock import live_today
from tests.factories import (
    CandidateFactory,
    DiscriminationReportFactory,
    MunicipalityFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
)
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "قال المدير إنه لا يوظف أشخاصًا مثلي."


def test_a_candidate_reports_in_arabic_and_the_coordinator_finds_it_counted(
    live_server, page, browser, home_page
):
    municipality = MunicipalityFactory()
    person = new_member("candidate")
    CandidateFactory(user=person, municipality=municipality)
    coordinator = new_member("coordinator", municipality=municipality)
    counselling = ServiceFactory(
        organisation=ServiceOrganisationFactory(municipality=municipality, name="ADN"),
        municipality=municipality,
        name="Antidiskriminierungsberatung",
        category="anti_discrimination",
        email="beratung@adn.example",
    )
    today = live_today()  # Chromium against the live server: the clock runs (tests/clock.py)
    month = today.replace(day=1)
    DiscriminationReportFactory.create_batch(
        4,
        municipality=municipality,
        reporter_kind="candidate",
        anonymous=True,
        setting="business",
        occurred_on=month,
        reported_on=month,
    )

    def checked(p=page) -> None:
        assert p.locator("html").get_attribute("dir") == ("rtl" if "/ar/" in p.url else "ltr"), p.url
        violations = serious(p)
        assert violations == [], (p.url, violations)

    sign_in(page.context, live_server, person)
    page.goto(f"{live_server.url}/ar/app/")
    checked()
    page.locator("main").get_by_role("link", name="الإبلاغ عن تمييز").click()
    page.wait_for_url("**/ar/app/coaching/discrimination/")
    checked()
    page.locator("main").get_by_role("link", name="الإبلاغ عن حادثة").click()
    page.wait_for_url("**/ar/app/coaching/discrimination/new/")
    checked()
    page.get_by_label("أين حدث ذلك؟").select_option(label="لدى شركة / صاحب عمل")
    page.get_by_label("متى تقريبًا؟").fill(today.isoformat())
    page.get_by_label("ماذا حدث؟").fill(TEXT)
    page.get_by_label("لماذا تعتقد أنك تعرضت للتمييز؟").select_option(label="الأصل / العنصرية")
    page.get_by_label("أريد أن أبقى مجهول الهوية.").check()
    # Referred without the consent ticked: a clear error, the text kept.
    page.get_by_label("هل تريد تحويله إلى جهة استشارات مكافحة التمييز؟").select_option(label=counselling.name)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("لا نحوّل البلاغ دون موافقتك")
    assert page.get_by_label("ماذا حدث؟").input_value() == TEXT
    checked()
    page.get_by_label("أوافق على إرسال بلاغي", exact=False).check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/ar/app/coaching/discrimination/")
    assert "تم حفظ بلاغك دون ذكر هويتك" in page.locator("body").inner_text()
    assert TEXT not in page.locator("main").inner_text()  # anonymous: not even she can open it again
    checked()
    report = DiscriminationReport.objects.get(description=TEXT)
    assert report.anonymous and report.reporter_id is None and report.candidate_id is None
    assert report.referrals.get().service == counselling

    other = browser.new_context()
    coordination = other.new_page()
    sign_in(other, live_server, coordinator)
    coordination.goto(f"{live_server.url}/app/")
    coordination.locator("main").get_by_role("link", name="Gemeldete Diskriminierung").click()
    coordination.wait_for_url("**/app/coaching/network/discrimination/")
    checked(coordination)
    table = coordination.get_by_test_id("discrimination-counts")
    row = table.locator("tr", has_text="bei einem Betrieb / Arbeitgeber")
    assert row.locator("td").last.inner_text() == "5"
    assert TEXT not in coordination.content()
    other.close()
