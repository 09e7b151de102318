"""The message form (issue 22): text, and at most one attachment that is really a PDF, PNG or JPEG
(by its first bytes, not its name) and not larger than the setting allows."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from organisations.forms import KernFormMixin

# The first bytes of each accepted kind, and the file endings that may carry it.
SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)


def sniff(upload) -> str:
    """The content type the file's bytes say it is, or "" when it is none of the accepted kinds."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "").lower()
    for magic, kind, endings in SIGNATURES:
        if head.startswith(magic) and name.endswith(endings):
            return kind
    return ""


class MessageForm(KernFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Ihre Nachricht"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    attachment = forms.FileField(
        label=_("Anhang (PDF, PNG oder JPEG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()
        self.kind = ""
        limit = filesizeformat(settings.MESSAGE_ATTACHMENT_MAX_BYTES)
        self.fields["attachment"].help_text = _("höchstens {limit}").format(limit=limit)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > settings.MESSAGE_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist zu groß (höchstens {limit}).").format(
                    limit=filesizeformat(settings.MESSAGE_ATTACHMENT_MAX_BYTES)
                )
            )
        self.kind = sniff(upload)
        if not self.kind:
            raise forms.ValidationError(
                _("Nur PDF-, PNG- oder JPEG-Dateien können angehängt werden. Diese Datei ist keine davon.")
            )
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("attachment") and not self.errors:
            raise forms.ValidationError(
                _("Bitte schreiben Sie eine Nachricht oder hängen Sie eine Datei an.")
            )
        return data
