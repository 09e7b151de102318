"""Django admin for staff: read and fix records. Day-to-day work happens in the app's own views."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import EmployerProfile, Placement, PlacementSkill


@admin.register(EmployerProfile)
class EmployerProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "sector", "size", "contact_name", "verification_status"]
    list_filter = ["sector", "size", "organisation__verification_status", "organisation__municipality"]
    search_fields = ["organisation__name", "contact_name", "contact_email", "register_number"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["organisation"]

    @admin.display(description=_("Prüfstatus"), ordering="organisation__verification_status")
    def verification_status(self, obj: EmployerProfile) -> str:
        return obj.organisation.get_verification_status_display()


class PlacementSkillInline(admin.TabularInline):
    model = PlacementSkill
    extra = 0
    # Thousands of ESCO skills: a raw id field instead of a huge select.
    raw_id_fields = ["skill"]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "employer",
        "kind",
        "occupation",
        "postcode",
        "city",
        "min_german_spoken",
        "offers_language_support",
        "openings",
        "status",
        "created_at",
    ]
    list_filter = ["status", "kind", "municipality", "offers_language_support", "min_german_spoken"]
    search_fields = ["title", "employer__organisation__name", "occupation__label_de", "city", "postcode"]
    raw_id_fields = ["employer", "occupation", "created_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PlacementSkillInline]
    list_select_related = ["employer__organisation", "occupation"]
