from django import forms
from django.utils.translation import gettext_lazy as _

from .services import EMAIL_DIGEST, EMAIL_ITEM


class EmailPreferenceForm(forms.Form):
    notification_email = forms.ChoiceField(
        label=_("E-Mail zu Benachrichtigungen"),
        choices=[
            (EMAIL_ITEM, _("sofort, eine E-Mail je Benachrichtigung")),
            (EMAIL_DIGEST, _("einmal täglich als Zusammenfassung")),
        ],
        widget=forms.RadioSelect,
    )
