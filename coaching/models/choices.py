"""The choices of the coaching models (enumerations at module level) and their constants.

Apart from the models that use them, so a form, filter, notice or the API reads a label without
importing a model module, and every model module imports them without a cycle. Choices that
belong to one model only stay nested in it (``SupportRequest.Status``, ``Referral.Status`` ...).
"""

from __future__ import annotations

from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

# --- follow-along log ----------------------------------------------------------------------------


class Mode(models.TextChoices):
    WORKPLACE = "workplace", _("am Arbeitsplatz")
    PHONE = "phone", _("Telefon")
    VIDEO = "video", _("Video")
    MESSAGE = "message", _("Nachricht")
    OFFICE = "office", _("im Büro")


class WithWhom(models.TextChoices):
    CANDIDATE = "candidate", _("Klient*in")
    EMPLOYER = "employer", _("Betrieb")
    BOTH = "both", _("beide")
    SCHOOL = "school", _("Berufsschule")


class Topic(models.TextChoices):
    TASKS = "tasks", _("Aufgaben und Fertigkeiten im Betrieb")
    WORKPLACE_LANGUAGE = "workplace_language", _("Sprache am Arbeitsplatz")
    TECHNICAL_LANGUAGE = "technical_language", _("Fachsprache")
    EXAM = "exam", _("Prüfungsvorbereitung")
    CONFLICT = "conflict", _("Konflikt")
    PERMITS = "permits", _("Aufenthalt und Papiere")
    HOUSING = "housing", _("Wohnen")
    HEALTH = "health", _("Gesundheit")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    MONEY = "money", _("Geld")


class NextStep(models.TextChoices):
    """What the 6- and 12-month follow-ups of a helper job ask (issue 20: careers, not just jobs)."""

    NOT_DISCUSSED = "not_discussed", _("nicht besprochen")
    NOT_NOW = "not_now", _("besprochen: im Moment kein nächster Schritt")
    INTERESTED = "interested", _("möchte weiterkommen: Weg zum Zielberuf planen")
    STARTED = (
        "started",
        _("Schritt begonnen (Kurs, Teilqualifizierung, Anpassungsqualifizierung, Ausbildung)"),
    )


# --- language support ----------------------------------------------------------------------------


class LanguageArea(models.TextChoices):
    WORKPLACE = "workplace", _("Sprache am Arbeitsplatz")
    TECHNICAL = "technical", _("Fachsprache")
    EXAM = "exam", _("Prüfungsvorbereitung")


class LanguageMeasure(models.TextChoices):
    BERUFSSPRACHKURS = "berufssprachkurs", _("Berufssprachkurs (DeuFöV)")
    EMPLOYER_COURSE = "employer_course", _("Kurs des Betriebs")
    VOCATIONAL_SCHOOL = "vocational_school", _("Förderung an der Berufsschule")
    VOLUNTEER_TUTORING = "volunteer_tutoring", _("ehrenamtliche Sprachpatenschaft")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("offen")
    PLANNED = "planned", _("geplant")
    IN_PROGRESS = "in_progress", _("läuft")
    DONE = "done", _("abgeschlossen")
    CANCELLED = "cancelled", _("entfallen")


OPEN_NEED_STATUSES = (NeedStatus.OPEN, NeedStatus.PLANNED)


class Funding(models.TextChoices):
    UNCLEAR = "unclear", _("noch offen")
    BAMF = "bamf", _("BAMF")
    JOBCENTER = "jobcenter", _("Jobcenter / Agentur für Arbeit")
    EMPLOYER = "employer", _("Betrieb")
    FREE = "free", _("kostenfrei")
    OTHER = "other", _("andere")


# --- risks ---------------------------------------------------------------------------------------


class RiskKind(models.TextChoices):
    DROPOUT = "dropout", _("Abbruchgefahr")
    EXAM = "exam", _("Prüfung gefährdet")
    CONFLICT = "conflict", _("Konflikt")
    PERMIT = "permit", _("Aufenthaltserlaubnis läuft ab")
    HEALTH = "health", _("Gesundheit")


class Severity(models.TextChoices):
    LOW = "low", _("gering")
    MEDIUM = "medium", _("mittel")
    HIGH = "high", _("hoch")


# --- employer support requests ("heißer Draht") --------------------------------------------------


class RequestTopic(models.TextChoices):
    LANGUAGE = "language", _("Sprache und Verständigung")
    TASKS = "tasks", _("Aufgaben und Einarbeitung")
    CONFLICT = "conflict", _("Konflikt im Team")
    PERMITS = "permits", _("Aufenthalt, Arbeitserlaubnis, Papiere")
    SCHOOL = "school", _("Berufsschule und Prüfung")
    FUNDING = "funding", _("Förderung und Zuschüsse")
    OTHER = "other", _("Sonstiges")


# --- volunteers ----------------------------------------------------------------------------------


class VolunteerFocus(models.TextChoices):
    LANGUAGE = "language", _("Sprachpatenschaft")
    MENTORING = "mentoring", _("Mentoring")
    BUDDY = "buddy", _("Alltagsbegleitung")


# --- services directory (after Open Referral HSDS) -----------------------------------------------


class ServiceCategory(models.TextChoices):
    LANGUAGE_COURSE = "language_course", _("Sprachkurs")
    RECOGNITION = "recognition", _("Anerkennungsberatung")
    PSYCHOSOCIAL = "psychosocial", _("psychosoziale Beratung")
    HOUSING = "housing", _("Wohnungshilfe")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    MIGRATION_COUNSELLING = "migration_counselling", _("Migrationsberatung (MBE/JMD)")
    TRAINING = "training", _("Qualifizierung")
    # issue 15 §3: where a report of discrimination can be referred to.
    ANTI_DISCRIMINATION = "anti_discrimination", _("Antidiskriminierungsberatung")
    OTHER = "other", _("Sonstiges")


class Cost(models.TextChoices):
    FREE = "free", _("kostenlos")
    REDUCED = "reduced", _("ermäßigt / gefördert möglich")
    PAID = "paid", _("kostenpflichtig")


class Weekday(models.IntegerChoices):
    # ISO 8601 numbering (Monday 1), as HSDS 3.0 ``byday`` and ``wkst`` start the week on Monday.
    # The names are Django's own, translated in every language Lotse speaks.
    MONDAY = 1, WEEKDAYS[0]
    TUESDAY = 2, WEEKDAYS[1]
    WEDNESDAY = 3, WEEKDAYS[2]
    THURSDAY = 4, WEEKDAYS[3]
    FRIDAY = 5, WEEKDAYS[4]
    SATURDAY = 6, WEEKDAYS[5]
    SUNDAY = 7, WEEKDAYS[6]


# RFC 5545 day codes for HSDS ``byday``, by ISO weekday.
BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


# --- the network level (issue 23) ----------------------------------------------------------------


class BarrierCategory(models.TextChoices):
    INTEGRATION_COURSE_WAIT = "integration_course_wait", _("Wartezeit Integrationskurs")
    LANGUAGE_COURSE_WAIT = "language_course_wait", _("Wartezeit Berufssprachkurs")
    RECOGNITION_SLOW = "recognition_slow", _("Anerkennung dauert")
    NO_CHILDCARE = "no_childcare", _("kein Kita-Platz")
    IMMIGRATION_OFFICE_SILENT = "immigration_office_silent", _("ABH antwortet nicht")
    WORK_PERMIT_SLOW = "work_permit_slow", _("Beschäftigungserlaubnis dauert")
    HOUSING = "housing", _("Wohnung")
    MOBILITY = "mobility", _("Mobilität und Nahverkehr")
    OTHER = "other", _("Sonstiges")


class RoundKind(models.TextChoices):
    CORE_GROUP = "core_group", _("Bündniskerngruppe (mit Kammern und Jobcenter)")
    IMMIGRATION_OFFICE = "immigration_office", _("Runde mit der Ausländerbehörde")
    EMPLOYERS = "employers", _("Arbeitgeberrunde")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SIGNED = "signed", _("unterzeichnet")
    ENDED = "ended", _("beendet")


class PracticeKind(models.TextChoices):
    HANDOVER_CHECKLIST = "handover_checklist", _("Übergabe-Checkliste")
    ASSESSMENT_GUIDE = "assessment_guide", _("Leitfaden zur Einschätzung")
    EVENT_FORMAT = "event_format", _("Veranstaltungsformat")
    PRACTICE_NOTE = "practice_note", _("Praxisnotiz")


# --- reporting discrimination (issue 15 §3) ------------------------------------------------------


class DiscriminationSetting(models.TextChoices):
    BUSINESS = "business", _("bei einem Betrieb / Arbeitgeber")
    OFFICE = "office", _("bei einem Amt / einer Behörde")
    HOUSING = "housing", _("bei der Wohnungssuche / beim Wohnen")
    EDUCATION = "education", _("in einem Kurs / einer Schule")
    PUBLIC = "public", _("im öffentlichen Raum")
    OTHER = "other", _("anderswo")


class DiscriminationGround(models.TextChoices):
    ETHNIC = "ethnic", _("Herkunft / Rassismus")
    RELIGION = "religion", _("Religion")
    GENDER = "gender", _("Geschlecht")
    DISABILITY = "disability", _("Behinderung")
    AGE = "age", _("Alter")
    SEXUAL_IDENTITY = "sexual_identity", _("sexuelle Identität")
    LANGUAGE = "language", _("Sprache")
    RESIDENCE_STATUS = "residence_status", _("Aufenthaltsstatus")
    OTHER = "other", _("anderer Grund")


class ReporterKind(models.TextChoices):
    CANDIDATE = "candidate", _("betroffene Person selbst")
    STAFF = "staff", _("Fachkraft")
    VOLUNTEER = "volunteer", _("Ehrenamtliche*r")
