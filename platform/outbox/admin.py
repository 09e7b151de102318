from django.contrib import admin

from .models import OutboxJob


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    list_display = ("task", "created_at", "attempts", "next_attempt_at")
    readonly_fields = ("task", "args", "kwargs", "created_at", "attempts", "next_attempt_at", "last_error")
