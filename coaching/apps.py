from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Begleitung (Coaching)")

    def ready(self) -> None:
        from .notices import register_kinds

        register_kinds()
        # The follow-along plan is made at hire without the employers app knowing about coaching.
        from . import signals  # noqa: F401

        # GDPR export and erasure of coaching records through the privacy registry.
        from .privacy import register_privacy

        register_privacy()

        # The consent pages name the signed cooperation agreements with the organisation a person
        # lets see their case data (issue 23), without candidates importing us.
        from candidates.hooks import ConsentParty, register_consent_party

        from .agreement_selectors import consent_labels, no_consequences, nothing_to_close

        register_consent_party(
            ConsentParty(labels=consent_labels, consequences=no_consequences, revoked=nothing_to_close)
        )
