from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Arbeitgeber und Stellen")

    def ready(self) -> None:
        from candidates.hooks import ConsentParty, register_consent_party, register_status_provider

        from .notices import register_kinds

        register_kinds()

        from .services import register_privacy

        register_privacy()

        from .speeddating import register_privacy as register_speed_dating_privacy

        register_speed_dating_privacy()

        from .services import register_business_privacy

        register_business_privacy()

        from .selectors import candidate_status_items, consent_labels, revocation_consequences
        from .services import introductions_close_for_revoked_consent

        # Candidates see their introductions in plain words without candidates importing us.
        register_status_provider(candidate_status_items)
        # Consent pages name the introduction a grant is for; revoking closes it.
        register_consent_party(
            ConsentParty(
                labels=consent_labels,
                consequences=revocation_consequences,
                revoked=introductions_close_for_revoked_consent,
            )
        )
