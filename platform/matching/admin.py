from django.contrib import admin

from .models import RerankerModel


@admin.register(RerankerModel)
class RerankerModelAdmin(admin.ModelAdmin):
    list_display = ("version", "created_at", "samples", "positives", "auc", "is_active")
    list_filter = ("is_active",)
    readonly_fields = (
        "version",
        "created_at",
        "features",
        "coefficients",
        "intercept",
        "samples",
        "positives",
        "auc",
    )
