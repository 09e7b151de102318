from django.contrib import admin

from .models import WebhookDelivery


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "url",
        "attempts",
        "last_status_code",
        "delivered_at",
        "gave_up_at",
        "created_at",
    ]
    list_filter = ["event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
