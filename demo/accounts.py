"""Demo logins created by `manage.py seed_demo`. Demo only: never use them on a real system."""

DEMO_PASSWORD = "lotse-demo-2026"  # noqa: S105 — demo only, documented in the README

DEMO_LOGINS: dict[str, str] = {
    "coordinator": "koordination@demo.lotse.example",
    "case_manager": "casemanagement@demo.lotse.example",
    "job_coach": "jobcoach@demo.lotse.example",
    "volunteer": "ehrenamt@demo.lotse.example",
    "employer": "arbeitgeber@demo.lotse.example",
    "chamber_editor": "ihk-redaktion@demo.lotse.example",
    "candidate": "klientin@demo.lotse.example",
    "immigration_office": "abh@demo.lotse.example",
}
# The website's extra chamber logins for the CMS workflow (demo/cms.py creates them).
DEMO_CHAMBER_EDITOR_EMAILS: dict[str, str] = {
    "ihk_editor": "ihk-redakteurin@demo.lotse.example",
    "hwk_lead": "hwk-redaktion@demo.lotse.example",
    "hwk_editor": "hwk-redakteur@demo.lotse.example",
}
# Every demo login; dev settings exempt exactly these from the second factor.
DEMO_LOGIN_EMAILS = frozenset(DEMO_LOGINS.values()) | frozenset(DEMO_CHAMBER_EDITOR_EMAILS.values())
