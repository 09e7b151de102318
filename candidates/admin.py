"""Django admin for staff: read and fix records. Day-to-day work happens in the app's own views."""

from django.contrib import admin

from .models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    CaseNote,
    Consent,
    Goal,
    Invitation,
    LanguageSkill,
    PermitExpiryWarning,
    Qualification,
    Step,
)


class CandidateOccupationInline(admin.TabularInline):
    model = CandidateOccupation
    extra = 0
    # Thousands of ESCO occupations: a raw id field instead of a huge select.
    raw_id_fields = ["occupation"]


class CandidateSkillInline(admin.TabularInline):
    model = CandidateSkill
    extra = 0
    raw_id_fields = ["skill"]


class LanguageSkillInline(admin.TabularInline):
    model = LanguageSkill
    extra = 0


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "municipality",
        "postcode",
        "city",
        "residence_status",
        "work_permission",
        "created_at",
    ]
    list_filter = ["municipality", "residence_status", "work_permission", "gender"]
    search_fields = ["last_name", "first_name", "email", "postcode", "city"]
    raw_id_fields = ["user", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [CandidateOccupationInline, CandidateSkillInline, LanguageSkillInline, QualificationInline]
    list_select_related = ["municipality"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "candidate",
        "municipality",
        "responsible_organisation",
        "case_manager",
        "phase",
        "legal_circle",
        "opened_at",
        "closed_at",
    ]
    list_filter = ["municipality", "phase", "legal_circle", "responsible_organisation"]
    search_fields = ["candidate__last_name", "candidate__first_name", "case_manager__email"]
    raw_id_fields = ["candidate", "case_manager"]
    # The phase changes only through the services: closing needs its evaluation (issue 14 §4).
    readonly_fields = ["phase", "closed_at", "created_at", "updated_at"]
    list_select_related = ["candidate", "municipality", "responsible_organisation", "case_manager"]
    date_hierarchy = "opened_at"


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = [
        "candidate",
        "scope",
        "recipient_organisation",
        "recipient_user",
        "granted_at",
        "revoked_at",
        "source",
    ]
    list_filter = ["scope", "source", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["candidate__last_name", "candidate__first_name", "reference", "paper_form_reference"]
    raw_id_fields = ["candidate", "recipient_organisation", "recipient_user", "recorded_by"]
    list_select_related = ["candidate", "recipient_organisation", "recipient_user"]
    date_hierarchy = "granted_at"


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["title", "candidate", "kind", "country", "year", "recognition_status"]
    list_filter = ["kind", "recognition_status"]
    search_fields = ["title", "candidate__last_name", "recognition_authority"]
    raw_id_fields = ["candidate"]


@admin.register(LanguageSkill)
class LanguageSkillAdmin(admin.ModelAdmin):
    list_display = ["candidate", "language", "spoken", "written", "is_native", "exam", "exam_level"]
    list_filter = ["language", "spoken", "written", "is_native", "exam"]
    search_fields = ["candidate__last_name", "candidate__first_name"]
    raw_id_fields = ["candidate"]


class StepInline(admin.TabularInline):
    model = Step
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ("title", "case", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("case",)
    inlines = [StepInline]


@admin.register(CaseNote)
class CaseNoteAdmin(admin.ModelAdmin):
    list_display = ("case", "author", "created_at")
    raw_id_fields = ("case", "author")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("candidate", "email", "created_at", "accepted_at")
    raw_id_fields = ("candidate", "created_by")


@admin.register(PermitExpiryWarning)
class PermitExpiryWarningAdmin(admin.ModelAdmin):
    list_display = ("candidate", "kind", "expires_on", "sent_to", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("candidate", "sent_to")
