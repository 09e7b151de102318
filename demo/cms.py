"""Demo content for the website: home page, IHK and HWK sections with guides, success stories,
upcoming events, and candidate information in Arabic, Ukrainian, Farsi and English.

Called by `manage.py seed_demo` (demo.management). Idempotent: pages are looked up by slug under their
parent and left as editors changed them; only events that have already taken place move to a
date ahead again, so the demo always has two upcoming events. Demo only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    LocaleSynchronization,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from accounts.roles import Role
from cms import services
from cms.models import (
    CandidateInfoPage,
    ChamberSectionPage,
    EmployerGuidePage,
    EventIndexPage,
    EventKind,
    EventPage,
    GuideTopic,
    HomePage,
    PlacementKindChoice,
    StandardPage,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from demo.accounts import DEMO_CHAMBER_EDITOR_EMAILS, DEMO_PASSWORD
from organisations.models import Membership, Municipality, Organisation, OrganisationKind

# Extra chamber logins (the lead IHK editor is the platform's demo login ihk-redaktion@…).
EDITOR_LOGINS: list[tuple[str, str, str, str, bool]] = [
    # chamber key, e-mail, first name, last name, lead
    ("ihk", DEMO_CHAMBER_EDITOR_EMAILS["ihk_editor"], "Lena", "Albrecht", False),
    ("hwk", DEMO_CHAMBER_EDITOR_EMAILS["hwk_lead"], "Murat", "Demir", True),
    ("hwk", DEMO_CHAMBER_EDITOR_EMAILS["hwk_editor"], "Paul", "Neumann", False),
]


@dataclass
class DemoSite:
    home: HomePage
    sections: dict[str, ChamberSectionPage]
    events: list[EventPage] = field(default_factory=list)
    stories: list[SuccessStoryPage] = field(default_factory=list)
    candidate_info: CandidateInfoPage | None = None
    created: int = 0


def _p(text: str) -> tuple[str, str]:
    return ("paragraph", f"<p>{text}</p>")


def _body(*blocks) -> list[dict]:
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


class _Builder:
    def __init__(self) -> None:
        self.created = 0

    def child(self, parent: Page, model, slug: str, **fields):
        """The child page with this slug, created and published if missing."""
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None:
            return existing
        body = fields.pop("body", None)
        page = model(slug=slug, locale=parent.locale, **fields)
        if body is not None:
            page.body = _body(*body)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page


def _chamber(municipality: Municipality, *, name: str, street: str) -> Organisation:
    organisation = Organisation.objects.filter(
        municipality=municipality, kind=OrganisationKind.CHAMBER, name=name
    ).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            municipality=municipality,
            kind=OrganisationKind.CHAMBER,
            name=name,
            street=street,
            postcode="34117",
            city="Kassel",
            email=f"kontakt.{name.split()[0].lower()}@demo.lotse.example",
        )
    return organisation


def _editor(*, organisation: Organisation, email: str, first: str, last: str, lead: bool, password_hash: str):
    user, _ = get_user_model().objects.update_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "display_name": f"{first} {last}",
            "password": password_hash,
            "is_active": True,
        },
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        role=Role.CHAMBER_EDITOR,
        defaults={"is_lead": lead, "is_active": True},
    )
    return user


# --- the content -------------------------------------------------------------------------------

IHK_BODY = [
    ("heading", "Willkommenslots*innen der IHK"),
    _p(
        "Unsere Willkommenslots*innen beraten Betriebe kostenlos, wenn sie Geflüchtete einstellen oder "
        "ausbilden möchten: von der ersten Frage zur Arbeitserlaubnis bis zur Begleitung in der Probezeit."
    ),
    (
        "contact",
        {
            "title": "Ihr Kontakt bei der IHK",
            "name": "Team Willkommenslotsen",
            "organisation": "IHK Musterland",
            "email": "willkommenslotsen@ihk-musterland.demo.lotse.example",
            "phone": "0561 000000-10",
            "address": "Kammerweg 9\n34117 Kassel",
            "hours": "Mo–Do 9–16 Uhr, Fr 9–13 Uhr",
        },
    ),
]
HWK_BODY = [
    ("heading", "Fachkräfte für das Handwerk"),
    _p(
        "Viele Geflüchtete bringen handwerkliche Erfahrung mit. Die Handwerkskammer hilft Betrieben, "
        "diese Erfahrung einzuschätzen, Abschlüsse anerkennen zu lassen und Ausbildungen erfolgreich abzuschließen."
    ),
    (
        "contact",
        {
            "title": "Ihr Kontakt bei der Handwerkskammer",
            "name": "Beratung Integration in Ausbildung",
            "organisation": "Handwerkskammer Musterland",
            "email": "integration@hwk-musterland.demo.lotse.example",
            "phone": "0561 000000-20",
            "address": "Kammerweg 2\n34117 Kassel",
            "hours": "",
        },
    ),
]

GUIDES: dict[str, list[dict]] = {
    "ihk": [
        {
            "slug": "arbeitserlaubnis",
            "title": "Arbeitserlaubnis: Was Betriebe wissen müssen",
            "topic": GuideTopic.WORK_PERMIT,
            "intro": "Ob und ab wann Geflüchtete arbeiten dürfen, hängt von ihrem Aufenthaltsstatus ab. "
            "Die wichtigsten Fälle im Überblick.",
            "body": [
                ("heading", "Im Aufenthaltstitel steht, was erlaubt ist"),
                _p(
                    "Auf dem Aufenthaltstitel oder dem Zusatzblatt steht, ob eine Beschäftigung erlaubt ist. "
                    "Anerkannte Flüchtlinge und Menschen mit Schutz nach § 24 AufenthG (zum Beispiel aus der "
                    "Ukraine) dürfen jede Beschäftigung aufnehmen."
                ),
                _p(
                    "Menschen im Asylverfahren (Aufenthaltsgestattung) und Geduldete brauchen in der Regel eine "
                    "Beschäftigungserlaubnis der Ausländerbehörde für die konkrete Stelle. Oft muss die "
                    "Bundesagentur für Arbeit zustimmen."
                ),
                (
                    "faq",
                    {
                        "title": "Häufige Fragen",
                        "items": [
                            {
                                "question": "Wie lange dauert die Erlaubnis?",
                                "answer": "<p>Meist zwei bis sechs Wochen. Reichen Sie die Stellenbeschreibung "
                                "vollständig ein, das beschleunigt die Prüfung.</p>",
                            },
                            {
                                "question": "Darf ein Praktikum sofort beginnen?",
                                "answer": "<p>Auch Praktika sind eine Beschäftigung. Klären Sie vorher mit der "
                                "Ausländerbehörde, ob eine Erlaubnis nötig ist.</p>",
                            },
                        ],
                    },
                ),
            ],
        },
        {
            "slug": "ausbildungsduldung-beschaeftigungsduldung",
            "title": "Ausbildungsduldung und Beschäftigungsduldung",
            "topic": GuideTopic.DULDUNG,
            "intro": "Sicherheit für Betrieb und Auszubildende: Wer eine qualifizierte Ausbildung macht, "
            "kann für deren Dauer eine Duldung erhalten.",
            "body": [
                ("heading", "Ausbildungsduldung (§ 60c AufenthG)"),
                _p(
                    "Geduldete, die eine qualifizierte Berufsausbildung beginnen, können für die Dauer der "
                    "Ausbildung eine Ausbildungsduldung erhalten. Nach dem Abschluss ist bei einer passenden "
                    "Beschäftigung eine Aufenthaltserlaubnis möglich."
                ),
                ("heading", "Beschäftigungsduldung (§ 60d AufenthG)"),
                _p(
                    "Wer seit längerer Zeit geduldet ist, seinen Lebensunterhalt durch Arbeit sichert und "
                    "weitere Voraussetzungen erfüllt, kann eine Beschäftigungsduldung erhalten. Die "
                    "Ausländerbehörde prüft den Einzelfall."
                ),
                (
                    "call_to_action",
                    {
                        "title": "Einzelfall klären",
                        "text": "Die Willkommenslots*innen klären mit Ihnen, "
                        "welche Unterlagen die Ausländerbehörde braucht.",
                        "link_label": "Kontakt aufnehmen",
                        "page": None,
                        "url": "mailto:willkommenslotsen@ihk-musterland.demo.lotse.example",
                    },
                ),
            ],
        },
    ],
    "hwk": [
        {
            "slug": "anerkennung",
            "title": "Anerkennung ausländischer Berufsabschlüsse im Handwerk",
            "topic": GuideTopic.RECOGNITION,
            "intro": "Die Handwerkskammer prüft, ob ein ausländischer Abschluss einem deutschen "
            "Gesellen- oder Meisterbrief entspricht.",
            "body": [
                _p(
                    "Grundlage ist das Berufsqualifikationsfeststellungsgesetz. Fehlen Teile, beschreibt der "
                    "Bescheid genau, welche. Eine Anpassungsqualifizierung im Betrieb kann diese Lücke schließen."
                ),
                _p(
                    "Auch ohne Zeugnisse ist eine Anerkennung möglich: In einer Qualifikationsanalyse zeigen "
                    "Bewerber*innen ihr Können in einer Arbeitsprobe."
                ),
            ],
        },
        {
            "slug": "sprachfoerderung",
            "title": "Sprachförderung im Betrieb",
            "topic": GuideTopic.LANGUAGE,
            "intro": "Deutsch lernt man am besten bei der Arbeit – mit etwas Unterstützung.",
            "body": [
                _p(
                    "Berufssprachkurse des Bundesamts für Migration und Flüchtlinge lassen sich neben der Arbeit "
                    "besuchen, manche auch in Teilzeit oder online. Fachbegriffe lernen Auszubildende am besten "
                    "mit einer festen Ansprechperson im Team."
                ),
                _p(
                    "Ehrenamtliche Sprachpat*innen aus der Region unterstützen zusätzlich, etwa bei der "
                    "Vorbereitung auf die Berufsschule."
                ),
            ],
        },
    ],
}

STORIES: dict[str, list[dict]] = {
    "ihk": [
        {
            "slug": "vom-praktikum-zur-festanstellung",
            "title": "Vom Praktikum zur Festanstellung in der Logistik",
            "company_name": "Nordhessen Logistik GmbH",
            "sector": "Logistik",
            "placement_kind": PlacementKindChoice.JOB,
            "intro": "Nach einem vierwöchigen Praktikum hat die Nordhessen Logistik GmbH einen Lagerlogistiker "
            "aus Eritrea fest eingestellt.",
            "quote": "Die Sprache war am Anfang eine Hürde. Mit einem Kollegen als Paten war sie nach drei Monaten "
            "kein Thema mehr.",
            "quote_author": "Sandra Weber, Standortleiterin",
            "body": [
                _p(
                    "Der Jobcoach von Lotse hat den Kontakt hergestellt und war in den ersten Wochen "
                    "regelmäßig vor Ort. Heute arbeitet er im Wareneingang und lernt die Arbeit am Stapler."
                )
            ],
        },
        {
            "slug": "ausbildung-im-einzelhandel",
            "title": "Ausbildung zur Kauffrau im Einzelhandel",
            "company_name": "Kaufhaus Am Markt",
            "sector": "Handel",
            "placement_kind": PlacementKindChoice.AUSBILDUNG,
            "intro": "Über eine Einstiegsqualifizierung kam eine junge Frau aus Afghanistan in die Ausbildung.",
            "quote": "Die Einstiegsqualifizierung hat uns beiden Zeit gegeben, uns kennenzulernen.",
            "quote_author": "Thomas Berger, Inhaber",
            "body": [
                _p(
                    "Die Assistierte Ausbildung der Agentur für Arbeit unterstützt sie in der Berufsschule. "
                    "Im zweiten Lehrjahr betreut sie bereits die Kasse allein."
                )
            ],
        },
    ],
    "hwk": [
        {
            "slug": "tischlerlehre-mit-sprachpatin",
            "title": "Tischlerlehre mit Sprachpatin",
            "company_name": "Tischlerei Brandt",
            "sector": "Handwerk",
            "placement_kind": PlacementKindChoice.AUSBILDUNG,
            "intro": "Ein Auszubildender aus Syrien hat seine Gesellenprüfung als Jahrgangsbester bestanden.",
            "quote": "Er hatte schon in Aleppo Möbel gebaut. Wir mussten ihm nur die deutschen Wörter dafür geben.",
            "quote_author": "Jürgen Brandt, Tischlermeister",
            "body": [
                _p(
                    "Eine ehrenamtliche Sprachpatin hat ihn drei Jahre lang einmal pro Woche begleitet. "
                    "Die Handwerkskammer hat die Ausbildungsduldung mit der Ausländerbehörde geklärt."
                )
            ],
        },
    ],
}

EVENTS: dict[str, dict] = {
    "ihk": {
        "slug": "unternehmensfruehstueck",
        "title": "Unternehmensfrühstück: Geflüchtete ausbilden und beschäftigen",
        "kind": EventKind.BREAKFAST,
        "days_ahead": 21,
        "hour": 8,
        "hours": 2,
        "place": "IHK Musterland, Saal 1",
        "address": "Kammerweg 9\n34117 Kassel",
        "capacity": 40,
        "organiser_email": "veranstaltungen@ihk-musterland.demo.lotse.example",
        "intro": "Betriebe berichten, wie sie Geflüchtete eingestellt haben; Ausländerbehörde und Jobcenter "
        "beantworten Fragen.",
        "body": [
            _p(
                "Bei Kaffee und Brötchen lernen Sie Betriebe kennen, die schon Erfahrung haben, und die "
                "Menschen, die Sie dabei unterstützen. Die Teilnahme ist kostenlos."
            )
        ],
    },
    "hwk": {
        "slug": "azubi-speed-dating",
        "title": "Azubi-Speed-Dating im Handwerk",
        "kind": EventKind.SPEED_DATING,
        "days_ahead": 42,
        "hour": 14,
        "hours": 3,
        "place": "Bildungszentrum der Handwerkskammer",
        "address": "Werkstattstraße 5\n34123 Kassel",
        "capacity": 60,
        "organiser_email": "ausbildung@hwk-musterland.demo.lotse.example",
        "intro": "Zehn Minuten, ein Gespräch, vielleicht ein Ausbildungsplatz: Handwerksbetriebe treffen "
        "junge Geflüchtete.",
        "body": [
            _p(
                "Betriebe melden sich hier an, Bewerber*innen über ihre Jobcoaches. Dolmetscher*innen für "
                "Arabisch, Dari und Ukrainisch sind vor Ort."
            )
        ],
    },
}

# Candidate information: the German source and its translations, segment by segment.
CANDIDATE_INFO_DE = {
    "title": "Arbeit und Ausbildung: Informationen für Geflüchtete",
    "intro": "Hier erfahren Sie, wie Lotse Sie auf dem Weg in Arbeit oder Ausbildung unterstützt.",
    "h1": "So unterstützt Sie Lotse",
    "p1": "Ihre Ansprechperson im Integrationsmanagement oder im Jobcenter legt mit Ihnen ein Profil an: "
    "Was Sie können, welche Sprachen Sie sprechen und was Sie suchen.",
    "p2": "Sie entscheiden selbst, wer Ihr Profil sehen darf. Betriebe sehen Ihren Namen erst, wenn Sie "
    "zugestimmt haben.",
    "h2": "Arbeitserlaubnis",
    "p3": "Bevor Sie eine Arbeit beginnen, prüft die Ausländerbehörde, ob Sie arbeiten dürfen. Ihre "
    "Ansprechperson hilft Ihnen bei dem Antrag.",
    "h3": "Deutsch lernen",
    "p4": "Viele Betriebe bieten Unterstützung beim Deutschlernen an, zum Beispiel einen Kurs während der "
    "Arbeitszeit. Ehrenamtliche Sprachpat*innen helfen zusätzlich.",
}
CANDIDATE_INFO_TRANSLATIONS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Work and training: information for refugees",
        "intro": "Find out how Lotse supports you on your way into work or vocational training.",
        "h1": "How Lotse supports you",
        "p1": "Your contact person at the integration management office or the Jobcenter creates a profile "
        "with you: what you can do, which languages you speak and what you are looking for.",
        "p2": "You decide who may see your profile. Employers only see your name once you have agreed.",
        "h2": "Work permit",
        "p3": "Before you start a job, the immigration office checks whether you are allowed to work. Your "
        "contact person helps you with the application.",
        "h3": "Learning German",
        "p4": "Many employers support you in learning German, for example with a course during working hours. "
        "Volunteer language mentors help as well.",
    },
    "ar": {
        "title": "العمل والتدريب المهني: معلومات للاجئين",
        "intro": "تعرّف هنا على كيفية دعم Lotse لك في طريقك إلى العمل أو التدريب المهني.",
        "h1": "كيف يدعمك Lotse",
        "p1": "يُنشئ معك الشخص المسؤول عنك في إدارة الاندماج أو في مركز العمل (Jobcenter) ملفًا شخصيًا: "
        "ما الذي تجيده، وما اللغات التي تتحدثها، وما الذي تبحث عنه.",
        "p2": "أنت من يقرر من يُسمح له برؤية ملفك الشخصي. لا ترى الشركات اسمك إلا بعد موافقتك.",
        "h2": "تصريح العمل",
        "p3": "قبل أن تبدأ العمل، تتحقق دائرة الأجانب مما إذا كان مسموحًا لك بالعمل. "
        "يساعدك الشخص المسؤول عنك في تقديم الطلب.",
        "h3": "تعلّم اللغة الألمانية",
        "p4": "تقدّم كثير من الشركات دعمًا لتعلّم اللغة الألمانية، مثل دورة لغة خلال ساعات العمل. "
        "كما يساعدك متطوعون في تعلّم اللغة أيضًا.",
    },
    "uk": {
        "title": "Робота та професійне навчання: інформація для біженців",
        "intro": "Тут ви дізнаєтеся, як Lotse підтримує вас на шляху до роботи або професійного навчання.",
        "h1": "Як Lotse вас підтримує",
        "p1": "Ваша контактна особа в службі інтеграції або в Jobcenter разом з вами створює профіль: що ви "
        "вмієте, якими мовами розмовляєте і що шукаєте.",
        "p2": "Ви самі вирішуєте, хто може бачити ваш профіль. Роботодавці бачать ваше ім'я лише після вашої згоди.",
        "h2": "Дозвіл на роботу",
        "p3": "Перш ніж ви почнете працювати, відомство у справах іноземців перевіряє, чи маєте ви право на "
        "роботу. Ваша контактна особа допоможе вам із заявою.",
        "h3": "Вивчення німецької мови",
        "p4": "Багато роботодавців підтримують вивчення німецької мови, наприклад курсом у робочий час. "
        "Додатково допомагають волонтери — мовні наставники.",
    },
    "fa": {
        "title": "کار و آموزش حرفه‌ای: اطلاعات برای پناهجویان",
        "intro": "در اینجا می‌خوانید که Lotse چگونه شما را در مسیر یافتن کار یا آموزش حرفه‌ای همراهی می‌کند.",
        "h1": "Lotse چگونه به شما کمک می‌کند",
        "p1": "فرد مسئول شما در دفتر مدیریت ادغام یا در جاب‌سنتر (Jobcenter) همراه با شما یک پروفایل می‌سازد: "
        "چه توانایی‌هایی دارید، به چه زبان‌هایی صحبت می‌کنید و به دنبال چه کاری هستید.",
        "p2": "خودتان تصمیم می‌گیرید چه کسی پروفایل شما را ببیند. کارفرمایان نام شما را فقط پس از موافقت شما می‌بینند.",
        "h2": "اجازه کار",
        "p3": "پیش از آنکه کاری را شروع کنید، اداره اتباع خارجی بررسی می‌کند که آیا اجازه کار دارید یا نه. "
        "فرد مسئول شما در تهیه درخواست به شما کمک می‌کند.",
        "h3": "یادگیری زبان آلمانی",
        "p4": "بسیاری از کارفرمایان در یادگیری زبان آلمانی کمک می‌کنند، برای مثال با یک کلاس زبان در ساعات کاری. "
        "داوطلبان نیز به‌عنوان همراه زبانی کمک می‌کنند.",
    },
}


# The home page: German source (as cms/migrations/0002_home_page.py writes it) and its translations,
# written for the people who read them.
HOME_DE = {
    "title": "Lotse – Arbeit und Ausbildung für Geflüchtete",
    "lead": "Lotse bringt zusammen, wer in der Kommune Geflüchtete auf dem Weg in Arbeit und Ausbildung "
    "begleitet: Integrationsmanagement, Jobcenter, Agentur für Arbeit, Ehrenamt, Beratungsstellen, "
    "Betriebe und Kammern – mit einer Stelle für alle Beteiligten.",
    "employer_cta_label": "Für Arbeitgeber",
    "employer_cta_text": "Stellen, Ausbildungsplätze und Praktika anbieten, passende Bewerber*innen finden "
    "und bei Fragen direkt den Jobcoach erreichen.",
    "candidate_cta_label": "Für Klient*innen",
    "candidate_cta_text": "Das eigene Profil pflegen, selbst entscheiden, wer was sehen darf, "
    "und den Stand der Bewerbungen in der eigenen Sprache sehen.",
    "h1": "So arbeitet Lotse",
    "p1": "Klient*innen entscheiden selbst, wer welche Angaben sehen darf. Case Manager*innen "
    "und Jobcoaches begleiten von der ersten Beratung bis nach der Einstellung. Betriebe "
    "finden passende Bewerber*innen – anonym, bis beide Seiten zustimmen.",
    "h2": "Für Kommunen und Kammern",
    "p2": "Integrationskoordination, Willkommenslots*innen von IHK und HWK und Beratungsstellen "
    "arbeiten in Lotse mit denselben Fällen, ohne Daten doppelt zu erfassen.",
}

HOME_TRANSLATIONS = {
    "en": {
        "title": "Lotse – work and training for refugees",
        "lead": "Lotse brings together everyone in the municipality who supports refugees on their way into "
        "work and vocational training: integration management, Jobcenter, employment agency, volunteers, "
        "counselling services, businesses and chambers – one place for everyone involved.",
        "employer_cta_label": "For employers",
        "employer_cta_text": "Offer jobs, apprenticeships and internships, find suitable applicants and reach "
        "the job coach directly when you have questions.",
        "candidate_cta_label": "For clients",
        "candidate_cta_text": "Keep your own profile, decide yourself who may see what, and see where your "
        "applications stand in your own language.",
        "h1": "How Lotse works",
        "p1": "Clients decide for themselves who may see which details. Case managers and job coaches support "
        "them from the first advice session until after they are hired. Businesses find suitable applicants "
        "– anonymously, until both sides agree.",
        "h2": "For municipalities and chambers",
        "p2": "Integration coordinators, the welcome guides of the chambers of commerce (IHK) and of crafts "
        "(HWK) and counselling services work on the same cases in Lotse, without entering data twice.",
    },
    "ar": {
        "title": "Lotse – العمل والتدريب المهني للاجئين",
        "lead": "يجمع Lotse كل من يرافق اللاجئين في البلدية على طريقهم إلى العمل والتدريب المهني: إدارة الاندماج، "
        "ومركز العمل (Jobcenter)، ووكالة العمل، والمتطوعين، ومراكز الاستشارة، والشركات، والغرف المهنية – في "
        "مكان واحد لجميع المعنيين.",
        "employer_cta_label": "لجهات العمل",
        "employer_cta_text": "اعرضوا وظائف وأماكن للتدريب المهني وفترات تدريب عملي، وجِدوا المتقدمين المناسبين، "
        "وتواصلوا مباشرة مع المدرب الوظيفي عندما تكون لديكم أسئلة.",
        "candidate_cta_label": "للمستفيدين والمستفيدات",
        "candidate_cta_text": "حدِّث ملفك الشخصي بنفسك، وقرِّر بنفسك من يرى ماذا، وتابِع حالة طلباتك بلغتك.",
        "h1": "كيف يعمل Lotse",
        "p1": "يقرر المستفيدون والمستفيدات بأنفسهم من يحق له رؤية أي معلومات. ويرافقهم مديرو الحالات والمدربون "
        "الوظيفيون من أول استشارة حتى ما بعد التوظيف. وتجد الشركات المتقدمين المناسبين – دون ذكر الأسماء، إلى "
        "أن يوافق الطرفان.",
        "h2": "للبلديات والغرف المهنية",
        "p2": "يعمل منسقو الاندماج، ومرشدو الترحيب في غرفة الصناعة والتجارة (IHK) وغرفة الحرف (HWK)، ومراكز "
        "الاستشارة في Lotse على الحالات نفسها، دون إدخال البيانات مرتين.",
    },
    "uk": {
        "title": "Lotse – робота та професійне навчання для біженців",
        "lead": "Lotse об’єднує всіх у громаді, хто супроводжує біженців на шляху до роботи та професійного "
        "навчання: службу інтеграції, Jobcenter, агентство з працевлаштування, волонтерів, консультаційні "
        "служби, підприємства та палати – одне місце для всіх учасників.",
        "employer_cta_label": "Для роботодавців",
        "employer_cta_text": "Пропонуйте робочі місця, місця для професійного навчання та практики, знаходьте "
        "відповідних кандидатів і з питаннями звертайтеся безпосередньо до джоб-коуча.",
        "candidate_cta_label": "Для клієнтів",
        "candidate_cta_text": "Ведіть власний профіль, самі вирішуйте, хто що може бачити, і стежте за станом "
        "своїх заявок своєю мовою.",
        "h1": "Як працює Lotse",
        "p1": "Клієнти самі вирішують, хто які дані може бачити. Кейс-менеджери та джоб-коучі супроводжують "
        "їх від першої консультації до періоду після працевлаштування. Підприємства знаходять відповідних "
        "кандидатів – анонімно, доки обидві сторони не погодяться.",
        "h2": "Для громад і палат",
        "p2": "Координатори інтеграції, консультанти Торгово-промислової палати (IHK) і Ремісничої палати "
        "(HWK) та консультаційні служби працюють у Lotse з тими самими справами, не вносячи дані двічі.",
    },
    "fa": {
        "title": "Lotse – کار و آموزش حرفه‌ای برای پناهجویان",
        "lead": "Lotse همه کسانی را که در شهر و منطقه پناهجویان را در مسیر کار و آموزش حرفه‌ای همراهی می‌کنند "
        "کنار هم می‌آورد: مدیریت ادغام، جاب‌سنتر (Jobcenter)، اداره کار، داوطلبان، مراکز مشاوره، کسب‌وکارها و "
        "اتاق‌های اصناف – یک جا برای همه دست‌اندرکاران.",
        "employer_cta_label": "برای کارفرمایان",
        "employer_cta_text": "موقعیت‌های شغلی، جای آموزش حرفه‌ای و کارآموزی عرضه کنید، متقاضیان مناسب را پیدا "
        "کنید و در صورت پرسش مستقیماً با مربی شغلی تماس بگیرید.",
        "candidate_cta_label": "برای مراجعان",
        "candidate_cta_text": "پروفایل خودتان را به‌روز نگه دارید، خودتان تصمیم بگیرید چه کسی چه چیزی را ببیند "
        "و وضعیت درخواست‌هایتان را به زبان خودتان ببینید.",
        "h1": "Lotse چگونه کار می‌کند",
        "p1": "مراجعان خودشان تصمیم می‌گیرند چه کسی کدام اطلاعات را ببیند. مددکاران پرونده و مربیان شغلی از "
        "نخستین مشاوره تا پس از استخدام آنان را همراهی می‌کنند. کسب‌وکارها متقاضیان مناسب را پیدا می‌کنند – "
        "بدون نام، تا زمانی که هر دو طرف موافقت کنند.",
        "h2": "برای شهرداری‌ها و اتاق‌های اصناف",
        "p2": "هماهنگ‌کنندگان ادغام، راهنمایان خوشامدگویی اتاق صنعت و تجارت (IHK) و اتاق پیشه‌وران (HWK) و "
        "مراکز مشاوره در Lotse روی همان پرونده‌ها کار می‌کنند، بدون اینکه داده‌ها را دو بار ثبت کنند.",
    },
}


def translate_page(page: Page, *, language_code: str, strings: dict[str, str]) -> Page:
    """Translate ``page`` through wagtail-localize, as a translator in the admin would.

    ``strings`` maps each German source segment to its translation. The page gets a
    TranslationSource and a Translation, so editors see its status (and can update it) in the
    admin; the slug stays the German one, other untranslated segments fall back to the source.
    The translation is published when the surrounding transaction commits (wagtail-localize).
    """
    locale = Locale.objects.get(language_code=language_code)
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=locale)
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = strings.get(segment.string.data)
        if text is None and segment.context.path == "slug":
            text = segment.string.data  # one address in every language: /ar/<slug>/, /uk/<slug>/
        if text is None:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
        )
    translation.save_target(publish=True)
    return page.get_translation(locale)


def _candidate_info(builder: _Builder, home: HomePage) -> CandidateInfoPage:
    de = CANDIDATE_INFO_DE
    page = builder.child(
        home,
        CandidateInfoPage,
        "informationen-fuer-gefluechtete",
        title=de["title"],
        intro=de["intro"],
        body=[
            ("heading", de["h1"]),
            _p(de["p1"]),
            _p(de["p2"]),
            ("heading", de["h2"]),
            _p(de["p3"]),
            ("heading", de["h3"]),
            _p(de["p4"]),
        ],
    )
    _translate_once(page, de, CANDIDATE_INFO_TRANSLATIONS)
    return page


def _translate_once(page: Page, source: dict[str, str], translations: dict[str, dict[str, str]]) -> None:
    """Translate ``page`` into each language that has no real translation yet (aliases count as none;
    a translation a translator improved is left alone)."""
    for code, texts in translations.items():
        locale = Locale.objects.get(language_code=code)
        if page.has_translation(locale) and page.get_translation(locale).alias_of_id is None:
            continue
        translate_page(page, language_code=code, strings={source[key]: text for key, text in texts.items()})


def _home_content(home: HomePage) -> None:
    """The home page's text in German (the migration's, if the page has none: a flushed test
    database rebuilds it bare) and in every other language. Text an editor changed stays German
    until translated in the admin (wagtail-localize falls back to the source segment)."""
    de = HOME_DE
    if not home.body:
        home.title = de["title"]
        home.lead = de["lead"]
        home.employer_cta_label = de["employer_cta_label"]
        home.employer_cta_text = de["employer_cta_text"]
        home.candidate_cta_label = de["candidate_cta_label"]
        home.candidate_cta_text = de["candidate_cta_text"]
        home.body = _body(("heading", de["h1"]), _p(de["p1"]), ("heading", de["h2"]), _p(de["p2"]))
        home.save_revision().publish()
    _translate_once(home, de, HOME_TRANSLATIONS)


@transaction.atomic
def seed(*, municipality: Municipality, password: str = DEMO_PASSWORD) -> DemoSite:
    """Create (or complete) the demo website for ``municipality``."""
    builder = _Builder()
    home = services.home_page_ensure()
    chambers = {
        "ihk": _chamber(municipality, name="IHK Musterland", street="Kammerweg 9"),
        "hwk": _chamber(municipality, name="Handwerkskammer Musterland", street="Kammerweg 2"),
    }
    sections = {
        "ihk": builder.child(
            home,
            ChamberSectionPage,
            "ihk",
            title="IHK Musterland: Geflüchtete im Betrieb",
            organisation=chambers["ihk"],
            intro="Die Industrie- und Handelskammer unterstützt Betriebe, die Geflüchtete einstellen und ausbilden.",
            body=IHK_BODY,
        ),
        "hwk": builder.child(
            home,
            ChamberSectionPage,
            "hwk",
            title="Handwerkskammer Musterland: Ausbildung im Handwerk",
            organisation=chambers["hwk"],
            intro="Das Handwerk sucht Nachwuchs – und viele Geflüchtete bringen Erfahrung mit.",
            body=HWK_BODY,
        ),
    }
    for key, section in sections.items():
        # A section outlives its chamber organisation (SET_NULL): a later seed links it to the new one.
        if section.organisation_id != chambers[key].pk:
            section.organisation = chambers[key]
            section.save_revision().publish()
    site = DemoSite(home=home, sections=sections)
    now = timezone.localtime()
    for key, section in sections.items():
        for guide in GUIDES[key]:
            data = dict(guide)
            builder.child(section, EmployerGuidePage, data.pop("slug"), **data)
        stories_index = builder.child(
            section,
            SuccessStoryIndexPage,
            "erfolgsgeschichten",
            title="Erfolgsgeschichten",
            intro="Betriebe erzählen, wie die Einstellung geklappt hat.",
        )
        for story in STORIES[key]:
            data = dict(story)
            site.stories.append(builder.child(stories_index, SuccessStoryPage, data.pop("slug"), **data))
        events_index = builder.child(
            section,
            EventIndexPage,
            "veranstaltungen",
            title="Veranstaltungen",
            intro="Treffen Sie Betriebe, Kammer und Beratungsstellen.",
        )
        data = dict(EVENTS[key])
        start = (now + timedelta(days=data.pop("days_ahead"))).replace(
            hour=data.pop("hour"), minute=0, second=0, microsecond=0
        )
        end = start + timedelta(hours=data.pop("hours"))
        event = builder.child(
            events_index,
            EventPage,
            data.pop("slug"),
            start=start,
            end=end,
            registration_deadline=start - timedelta(days=2),
            **data,
        )
        if event.start <= timezone.now():  # a demo re-run weeks later: the event moves ahead again
            event.start, event.end, event.registration_deadline = start, end, start - timedelta(days=2)
            event.save_revision().publish()
        site.events.append(event)
        services.chamber_section_setup(section=section)

    overview = builder.child(
        home,
        StandardPage,
        "gefluechtete-einstellen",
        title="Geflüchtete einstellen: der Überblick",
        intro="Welche Schritte Betriebe gehen, wer hilft und was es kostet – kurz erklärt.",
        body=[
            ("heading", "In vier Schritten zur Einstellung"),
            (
                "paragraph",
                "<ol><li>Stelle in Lotse anlegen</li><li>Passende Bewerber*innen ansehen und "
                "auswählen</li><li>Vorstellungsgespräch mit Unterstützung des Jobcoaches</li>"
                "<li>Arbeitserlaubnis klären und starten</li></ol>",
            ),
            (
                "faq",
                {
                    "title": "Häufige Fragen",
                    "items": [
                        {
                            "question": "Was kostet Lotse?",
                            "answer": "<p>Nichts. Lotse ist ein Angebot der Kommune.</p>",
                        },
                        {
                            "question": "Gibt es Zuschüsse?",
                            "answer": "<p>Ja, zum Beispiel den Eingliederungszuschuss der Agentur für Arbeit oder die "
                            "Förderung einer Einstiegsqualifizierung. Der Arbeitgeberservice berät Sie.</p>",
                        },
                    ],
                },
            ),
            (
                "call_to_action",
                {
                    "title": "Jetzt Betrieb registrieren",
                    "text": "Legen Sie ein Konto an und registrieren Sie Ihren Betrieb. Nach der Prüfung "
                    "durch Kammer oder Kommune legen Sie Ihre erste Stelle an.",
                    "link_label": "Betrieb registrieren",
                    "page": None,
                    "url": "/accounts/signup/?next=/app/employers/register/",
                },
            ),
        ],
    )
    builder.child(
        home,
        StandardPage,
        "impressum",
        title="Impressum",
        body=[
            _p(
                "Landkreis Musterland, Integrationsmanagement, Rathausplatz 1, 34117 Kassel. "
                "Dies ist eine Demo-Installation von Lotse."
            )
        ],
    )
    builder.child(
        home,
        StandardPage,
        "datenschutz",
        title="Datenschutz",
        body=[
            _p(
                "Anmeldungen zu Veranstaltungen speichern wir nur, um die Veranstaltung zu organisieren, "
                "und geben sie nur an die Veranstalter*innen weiter. Auf den öffentlichen Seiten zeigt Lotse "
                "ausschließlich Gesamtzahlen, niemals Angaben zu einzelnen Personen."
            )
        ],
    )
    site.candidate_info = _candidate_info(builder, home)

    if home.employer_cta_page_id is None or home.candidate_cta_page_id is None:
        home.employer_cta_page = home.employer_cta_page or overview
        home.candidate_cta_page = home.candidate_cta_page or site.candidate_info
        home.save_revision().publish()
    _home_content(home)

    # Every language tree mirrors the German one (as aliases until translated), so /en/ihk/ or
    # /ar/ihk/ show the German page instead of a 404; new pages follow through the sync rows.
    german = Locale.objects.get(language_code="de")
    for code in ("en", "ar", "uk", "fa"):
        LocaleSynchronization.objects.get_or_create(
            locale=Locale.objects.get(language_code=code), defaults={"sync_from": german}
        )

    password_hash = make_password(password)
    for key, email, first, last, lead in EDITOR_LOGINS:
        _editor(
            organisation=chambers[key],
            email=email,
            first=first,
            last=last,
            lead=lead,
            password_hash=password_hash,
        )
    site.created = builder.created
    return site
