"""Admin: above all the handover kinds and their checklists (configurable per kind) and the directory."""

from django.contrib import admin

from .models import HandoverChecklistTemplate, HandoverKind, Service, ServiceLocation, ServiceOrganisation


class ChecklistInline(admin.TabularInline):
    model = HandoverChecklistTemplate
    extra = 1


@admin.register(HandoverKind)
class HandoverKindAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    inlines = [ChecklistInline]
    prepopulated_fields = {"slug": ("name",)}


class LocationInline(admin.TabularInline):
    model = ServiceLocation
    extra = 0


@admin.register(ServiceOrganisation)
class ServiceOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality")
    list_filter = ("municipality",)
    inlines = [LocationInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "category", "cost", "is_active")
    list_filter = ("municipality", "category", "cost", "is_active")
    filter_horizontal = ("locations",)
