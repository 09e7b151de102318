from django.contrib import admin

from .models import Membership, MembershipInvitation, Municipality, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_lead", "is_active"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "ags", "postcode", "sms_appointments"]
    list_filter = ["sms_appointments"]
    search_fields = ["name", "ags", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["coordination_office"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "verification_status", "city"]
    list_filter = ["kind", "verification_status", "municipality"]
    search_fields = ["name", "city", "postcode", "email"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["verified_by"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_lead", "is_active"]
    list_filter = ["role", "is_lead", "is_active", "organisation__municipality"]
    search_fields = ["user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(MembershipInvitation)
class MembershipInvitationAdmin(admin.ModelAdmin):
    """Read only (deleting is allowed): a role comes from the person accepting, never from here."""

    list_display = ["email", "organisation", "role", "status", "expires_at"]
    list_filter = ["status", "role", "organisation__municipality"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["token"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
