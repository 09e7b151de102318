"""Wagtail pages of the public website: the municipality's and the chambers' own words."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page


class CallToActionBlock(blocks.StructBlock):
    """A prominent link to where a visitor should go next (a page or an app address)."""

    title = blocks.CharBlock(label=_("Überschrift"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    link_label = blocks.CharBlock(label=_("Beschriftung des Links"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Seite"), required=False)
    url = blocks.CharBlock(
        label=_("oder Adresse"),
        required=False,
        help_text=_("Zum Beispiel /accounts/login/ oder eine vollständige Adresse."),
    )

    class Meta:
        icon = "link"
        label = _("Handlungsaufforderung")
        template = "cms/blocks/call_to_action.html"


class HomeBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Zwischenüberschrift"), form_classname="title", max_length=120)
    paragraph = blocks.RichTextBlock(label=_("Absatz"), features=["bold", "italic", "link", "ol", "ul"])
    call_to_action = CallToActionBlock()


class HomePage(Page):
    """The site root: what Lotse is, and the two ways in (employers, clients)."""

    lead = models.TextField(_("Einleitung"), blank=True)
    body = StreamField(HomeBodyBlock(), verbose_name=_("Inhalt"), blank=True)

    employer_cta_label = models.CharField(
        _("Beschriftung „Für Arbeitgeber“"), max_length=80, default="Für Arbeitgeber"
    )
    employer_cta_text = models.TextField(_("Text für Arbeitgeber"), blank=True)
    employer_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Zielseite für Arbeitgeber"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    candidate_cta_label = models.CharField(
        _("Beschriftung „Für Klient*innen“"), max_length=80, default="Für Klient*innen"
    )
    candidate_cta_text = models.TextField(_("Text für Klient*innen"), blank=True)
    candidate_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Zielseite für Klient*innen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        MultiFieldPanel(
            [
                FieldPanel("employer_cta_label"),
                FieldPanel("employer_cta_text"),
                FieldPanel("employer_cta_page"),
            ],
            heading=_("Für Arbeitgeber"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("candidate_cta_label"),
                FieldPanel("candidate_cta_text"),
                FieldPanel("candidate_cta_page"),
            ],
            heading=_("Für Klient*innen"),
        ),
        FieldPanel("body"),
    ]

    # The root of the site (one per locale): it sits right under Wagtail's own root.
    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["employer_cta_url"] = _cta_url(self.employer_cta_page, request)
        context["candidate_cta_url"] = _cta_url(self.candidate_cta_page, request)
        return context

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")


def _cta_url(page: Page | None, request) -> str:
    """The chosen page in the visitor's language, or the login when the editors chose none."""
    if page is not None and page.live:
        localized = page.localized
        return localized.get_url(request) or page.get_url(request) or ""
    return reverse("account_login")
