from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from inputs.dates import formfield_callback
from organisations.models import Membership

from .models import User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "is_lead", "is_active"]


class LotseUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class LotseUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        formfield_callback = formfield_callback  # last login and joined keep a window


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Django's user admin, with the e-mail address as login and no username."""

    form = LotseUserChangeForm
    add_form = LotseUserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_candidate", "is_staff", "is_active", "last_login"]
    list_filter = ["is_candidate", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {"fields": ("display_name", "first_name", "last_name", "preferred_language", "is_candidate")},
        ),
        (
            _("Berechtigungen"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Daten"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_inlines(self, request, obj):
        # As in Django's own user admin, the add page only sets e-mail and password.
        return self.inlines if obj is not None else []
