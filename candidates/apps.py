from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("Klient*innen")

    def ready(self) -> None:
        from .notices import register_kinds

        register_kinds()
        # Registers the matching source and the signal handlers that keep indexes fresh, and
        # those that give the browse page's cached count a new token on every listing change.
        from . import listing, matching  # noqa: F401

        # GDPR export and erasure of candidate data through the privacy registry.
        from .services import register_privacy

        register_privacy()

        # The readable export names this app's keys in the reader's language.
        from .export_labels import register as register_export_labels

        register_export_labels()

        # The audit log names candidates' records and finds them by name, reference, birth date.
        from privacy.registry import record_types

        from .audit_names import candidate_find, candidate_names

        record_types.register(
            "candidates.candidate", label=_("Klient*in"), describe=candidate_names, find=candidate_find
        )
