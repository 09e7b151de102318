"""Wagtail pages of the public website: the municipality's and the chambers' own words.

The tree (parent and subpage types keep editors from building anything else):

    HomePage (one per locale)
    ├── StandardPage, EmployerGuidePage, CandidateInfoPage (→ CandidateInfoPage)
    ├── SuccessStoryIndexPage → SuccessStoryPage
    ├── EventIndexPage → EventPage (with EventRegistration rows)
    ├── NewsIndexPage → NewsPage, AwardPage
    └── ChamberSectionPage (IHK, HWK: one per chamber organisation; its editors' territory)
        └── the same content and index pages as above
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from inputs.dates import stored_range_constraints

from .blocks import BodyBlock, CallToActionBlock

logger = logging.getLogger(__name__)

__all__ = ["CallToActionBlock"]  # re-exported: migration 0001 refers to cms.models.CallToActionBlock

# Where content pages may live: under the home page or inside a chamber's section.
CONTENT_PARENTS = ["cms.HomePage", "cms.ChamberSectionPage"]


class HomeBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Zwischenüberschrift"), form_classname="title", max_length=120)
    paragraph = blocks.RichTextBlock(label=_("Absatz"), features=["bold", "italic", "link", "ol", "ul"])
    call_to_action = CallToActionBlock()


class LotsePageMixin:
    """What every public page offers its templates: content language and Open Graph data."""

    og_type = "website"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["og"] = self.open_graph(request)
        context["language_notice"] = self.language_notice()
        return context

    def language_notice(self) -> dict | None:
        """For a visitor whose language this page is not written in (an untranslated copy, or the
        German page served under /ar/…): the real versions of it that exist elsewhere, so the page
        can say so in the visitor's language and link to them. None if the page speaks it."""
        visitor = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if self.content_locale.language_code == visitor:
            return None
        versions = (
            Page.objects.filter(translation_key=self.translation_key, alias_of__isnull=True)
            .live()
            .public()
            .exclude(pk=self.pk)
            .select_related("locale")
        )
        order = [code for code, _name in settings.LANGUAGES]
        ranked = sorted(
            versions,
            key=lambda v: (
                order.index(v.locale.language_code) if v.locale.language_code in order else len(order)
            ),
        )
        return {"versions": ranked}

    def teaser_language(self) -> dict:
        """What a teaser of this page shows a visitor: the version in the visitor's language where
        one exists, else this page, with the language its text is in (for ``lang``/``dir``) and,
        when that is not the visitor's, the name of that language for a note in the visitor's."""
        visitor = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        shown = self
        if self.content_locale.language_code != visitor:
            version = (
                Page.objects.filter(translation_key=self.translation_key, alias_of__isnull=True)
                .filter(locale__language_code=visitor)
                .live()
                .public()
                .first()
            )
            if version is not None:
                shown = version.specific
        info = get_language_info(shown.content_locale.language_code)
        return {
            "page": shown,
            "code": info["code"],
            "bidi": info["bidi"],
            "only_in": info["name_translated"] if info["code"] != visitor else "",
        }

    def open_graph(self, request) -> dict[str, str]:
        """Absolute addresses for og:url and og:image (link previews fetch them from elsewhere)."""
        data = {
            "title": self.seo_title or self.title,
            "description": self.og_description(),
            "type": self.og_type,
            "url": request.build_absolute_uri(self.get_url(request) or "/"),
            "locale": self.content_locale.language_code,
            "image": "",
            "image_alt": "",
        }
        image = self.og_image()
        if image is not None:
            try:
                rendition = image.get_rendition("fill-1200x630")
            except Exception:  # a missing or broken file must not break the page
                logger.warning("No Open Graph rendition for image %s", image.pk, exc_info=True)
            else:
                data["image"] = request.build_absolute_uri(rendition.url)
                data["image_alt"] = image.default_alt_text or image.title
        return data

    @property
    def content_locale(self) -> Locale:
        # An alias (an untranslated copy in another locale's tree) still speaks the source language.
        if self.alias_of_id:
            return self.alias_of.locale
        return self.locale

    def og_image(self):
        return getattr(self, "image", None)

    def og_description(self) -> str:
        return self.search_description or getattr(self, "intro", "") or getattr(self, "lead", "") or ""


class HomePage(LotsePageMixin, RoutablePageMixin, Page):
    """The site root: what Lotse is, live figures, and the two ways in (employers, clients)."""

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
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]

    # The root of the site (one per locale): it sits right under Wagtail's own root.
    parent_page_types = ["wagtailcore.Page"]
    template = "cms/home_page.html"

    def get_context(self, request, *args, **kwargs):
        from .figures import live_figures  # figures reads other apps' tables: only when rendering

        context = super().get_context(request, *args, **kwargs)
        context["employer_cta_url"] = _cta_url(self.employer_cta_page, request)
        context["candidate_cta_url"] = _cta_url(self.candidate_cta_page, request)
        context["figures"] = live_figures()
        context["sections"] = ChamberSectionPage.objects.child_of(self).live().order_by("title")
        context["upcoming_events"] = (
            EventPage.objects.descendant_of(self)
            .live()
            .filter(start__gte=timezone.now())
            .order_by("start")[:3]
        )
        return context

    def route(self, request, path_components):
        """A page that has no copy in the visitor's language tree (/ar/impressum/ while the Arabic
        tree holds only translated pages) is served from the German tree instead of a 404: the
        language switcher keeps the page, and the page says it is German (language_notice)."""
        try:
            return super().route(request, path_components)
        except Http404:
            german = self.get_translation_or_none(Locale.get_default())
            if german is None or german.pk == self.pk or not german.live:
                raise
            return german.specific.route(request, path_components)

    @path("suche/", name="search")
    def search(self, request):
        """Site search (Wagtail search, database backend) over the visitor's language tree."""
        query = request.GET.get("q", "").strip()[:200]
        results = Page.objects.none()
        if query:
            results = (
                Page.objects.live()
                .public()
                .descendant_of(self, inclusive=True)
                .filter(locale=self.locale)
                .specific()
                .search(query)
            )
        page_number = request.GET.get("seite", "1")
        paginator = Paginator(results, 10)
        return TemplateResponse(
            request,
            "cms/search.html",
            {
                "page": self,
                "self": self,
                "query": query,
                "results": paginator.get_page(page_number),
                "result_count": paginator.count,
            },
        )

    class Meta:
        verbose_name = _("Startseite")
        verbose_name_plural = _("Startseiten")


def _cta_url(page: Page | None, request) -> str:
    """The chosen page in the visitor's language, or the login when the editors chose none."""
    if page is not None and page.live:
        localized = page.localized
        return localized.get_url(request) or page.get_url(request) or ""
    return reverse("account_login")


class ContentPage(LotsePageMixin, Page):
    """Abstract base: a lead paragraph and a StreamField body."""

    intro = models.TextField(_("Einleitung"), blank=True, max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("Inhalt"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        abstract = True


class StandardPage(ContentPage):
    """Any page of text: rich text, images, calls to action, FAQ, contact cards."""

    parent_page_types = [*CONTENT_PARENTS, "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    template = "cms/standard_page.html"

    class Meta:
        verbose_name = _("Inhaltsseite")
        verbose_name_plural = _("Inhaltsseiten")


class ChamberSectionPage(ContentPage):
    """The root of a chamber's own section (IHK, HWK). Its editors may edit below it only."""

    # SET_NULL: the section (public content) outlives the organisation record; without a chamber
    # it simply has no editors of its own any more.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("Kammer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "chamber"},
    )

    content_panels = [
        *ContentPage.content_panels[:1],
        FieldPanel("organisation"),
        *ContentPage.content_panels[1:],
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types = [
        "cms.StandardPage",
        "cms.EmployerGuidePage",
        "cms.SuccessStoryIndexPage",
        "cms.EventIndexPage",
        "cms.NewsIndexPage",
        "cms.AwardPage",
    ]
    template = "cms/chamber_section_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = EmployerGuidePage.objects.child_of(self).live().order_by("title")
        context["stories"] = (
            SuccessStoryPage.objects.descendant_of(self).live().order_by("-first_published_at")[:3]
        )
        context["events"] = (
            EventPage.objects.descendant_of(self)
            .live()
            .filter(start__gte=timezone.now())
            .order_by("start")[:3]
        )
        context["more"] = (
            self.get_children().live().public().not_type(EmployerGuidePage).specific().order_by("title")
        )
        return context

    class Meta:
        verbose_name = _("Kammerbereich")
        verbose_name_plural = _("Kammerbereiche")


class GuideTopic(models.TextChoices):
    WORK_PERMIT = "work_permit", _("Arbeitserlaubnis")
    DULDUNG = "duldung", _("Ausbildungsduldung und Beschäftigungsduldung")
    RECOGNITION = "recognition", _("Anerkennung von Berufsabschlüssen")
    LANGUAGE = "language", _("Sprachförderung im Betrieb")
    SUBSIDIES = "subsidies", _("Förderung und Zuschüsse")
    OTHER = "other", _("Weiteres")


class EmployerGuidePage(ContentPage):
    """A guide for employers on one topic of hiring refugees."""

    topic = models.CharField(_("Thema"), max_length=20, choices=GuideTopic.choices)

    content_panels = [*ContentPage.content_panels[:1], FieldPanel("topic"), *ContentPage.content_panels[1:]]
    search_fields = [*ContentPage.search_fields, index.FilterField("topic")]
    parent_page_types = CONTENT_PARENTS
    subpage_types: list[str] = []
    template = "cms/employer_guide_page.html"

    class Meta:
        verbose_name = _("Ratgeber für Arbeitgeber")
        verbose_name_plural = _("Ratgeber für Arbeitgeber")


class SuccessStoryIndexPage(ContentPage):
    parent_page_types = CONTENT_PARENTS
    subpage_types = ["cms.SuccessStoryPage"]
    template = "cms/index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = SuccessStoryPage.objects.child_of(self).live().order_by("-first_published_at")
        return context

    class Meta:
        verbose_name = _("Übersicht Erfolgsgeschichten")
        verbose_name_plural = _("Übersichten Erfolgsgeschichten")


class PlacementKindChoice(models.TextChoices):
    JOB = "job", _("Arbeitsstelle")
    AUSBILDUNG = "ausbildung", _("Ausbildung")
    PRAKTIKUM = "praktikum", _("Praktikum")
    EQ = "eq", _("Einstiegsqualifizierung (EQ)")


class SuccessStoryPage(ContentPage):
    """An employer's portrait: who hired, into what kind of placement, in their own words."""

    og_type = "article"

    company_name = models.CharField(_("Betrieb"), max_length=200)
    sector = models.CharField(_("Branche"), max_length=120, blank=True)
    placement_kind = models.CharField(
        _("Art der Stelle"),
        max_length=16,
        choices=PlacementKindChoice.choices,
        default=PlacementKindChoice.JOB,
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quote = models.TextField(_("Zitat"), blank=True)
    quote_author = models.CharField(_("Zitat von"), max_length=200, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("company_name"),
                FieldRowPanel([FieldPanel("sector"), FieldPanel("placement_kind")]),
                FieldPanel("image"),
            ],
            heading=_("Betrieb"),
        ),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("quote"), FieldPanel("quote_author")], heading=_("Zitat")),
        FieldPanel("body"),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("company_name", boost=2),
        index.SearchField("sector"),
        index.SearchField("quote"),
    ]
    parent_page_types = ["cms.SuccessStoryIndexPage"]
    subpage_types: list[str] = []
    template = "cms/success_story_page.html"

    class Meta:
        verbose_name = _("Erfolgsgeschichte")
        verbose_name_plural = _("Erfolgsgeschichten")


class EventIndexPage(ContentPage):
    parent_page_types = CONTENT_PARENTS
    subpage_types = ["cms.EventPage"]
    template = "cms/index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = (
            EventPage.objects.child_of(self).live().filter(start__gte=timezone.now()).order_by("start")
        )
        context["past_items"] = (
            EventPage.objects.child_of(self).live().filter(start__lt=timezone.now()).order_by("-start")[:10]
        )
        return context

    class Meta:
        verbose_name = _("Übersicht Veranstaltungen")
        verbose_name_plural = _("Übersichten Veranstaltungen")


class EventKind(models.TextChoices):
    BREAKFAST = "breakfast", _("Unternehmensfrühstück")
    JOB_FAIR = "job_fair", _("Jobmesse")
    SPEED_DATING = "speed_dating", _("Azubi-Speed-Dating")
    INFO = "info", _("Informationsveranstaltung")
    OTHER = "other", _("Veranstaltung")


class EventPage(ContentPage):
    """An event with a registration form; registrations are stored and the organiser is told."""

    og_type = "article"

    kind = models.CharField(_("Art"), max_length=20, choices=EventKind.choices, default=EventKind.INFO)
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=200)
    address = models.TextField(_("Anschrift"), blank=True)
    capacity = models.PositiveIntegerField(
        _("Plätze"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn die Teilnehmendenzahl nicht begrenzt ist."),
    )
    registration_deadline = models.DateTimeField(
        _("Anmeldeschluss"), null=True, blank=True, help_text=_("Leer lassen: Anmeldung bis zum Beginn.")
    )
    organiser_email = models.EmailField(
        _("E-Mail der Veranstalter*innen"), help_text=_("Hierhin geht die Nachricht über jede Anmeldung.")
    )
    registration_open = models.BooleanField(_("Anmeldung über Lotse"), default=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("place"),
                FieldPanel("address"),
            ],
            heading=_("Wann und wo"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_open"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("registration_deadline")]),
                FieldPanel("organiser_email"),
            ],
            heading=_("Anmeldung"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("place"), index.FilterField("start")]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []
    template = "cms/event_page.html"

    @property
    def closes_at(self):
        return self.registration_deadline or self.start

    def registration_is_open(self, now=None) -> bool:
        return self.registration_open and (now or timezone.now()) < self.closes_at

    def seats_taken(self) -> int:
        return self.registrations.aggregate(total=models.Sum("people"))["total"] or 0

    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken(), 0)

    def registration_target(self) -> EventPage:
        """The page registrations are counted on: the German original of an alias or translation,
        so that /en/… and /ar/… share one list and one capacity."""
        if self.alias_of_id:
            return EventPage.objects.get(pk=self.alias_of_id)
        if self.locale.language_code != settings.LANGUAGE_CODE:
            original = EventPage.objects.filter(
                translation_key=self.translation_key, locale__language_code=settings.LANGUAGE_CODE
            ).first()
            if original is not None:
                return original
        return self

    def serve(self, request, *args, **kwargs):
        # Registration posts to the page's own address; the service decides, the form explains.
        from .forms import EventRegistrationForm
        from .services import RegistrationRefused, event_registration_create
        from .throttle import Throttled, registration_admit, seats_release

        event = self.registration_target()
        form = EventRegistrationForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                seats = registration_admit(
                    request=request, event_id=event.pk, email=data["email"], people=data["people"]
                )
            except Throttled as throttled:
                form.add_error(None, throttled.message)
                status = 429
            else:
                try:
                    event_registration_create(event=event, **data)
                except RegistrationRefused as refused:
                    seats_release(key=seats, people=data["people"])
                    form.add_error(refused.field, refused.message)
                else:
                    return redirect(f"{self.get_url(request)}?angemeldet=1#anmeldung")
        context = self.get_context(request, *args, **kwargs)
        context["event"] = event
        context["form"] = form
        context["registered"] = request.GET.get("angemeldet") == "1" and request.method != "POST"
        return TemplateResponse(request, self.get_template(request, *args, **kwargs), context, status=status)

    class Meta:
        constraints = stored_range_constraints(
            "eventpage", datetimes=["start", "end", "registration_deadline"]
        )
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")


class EventRegistration(models.Model):
    """One registration for an event. Business contact data only, kept for the event's organisers."""

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("Veranstaltung")
    )
    name = models.CharField(_("Name"), max_length=120)
    email = models.EmailField(_("E-Mail"))
    organisation = models.CharField(_("Betrieb oder Organisation"), max_length=200, blank=True)
    people = models.PositiveSmallIntegerField(_("Personen"), default=1)
    consent_at = models.DateTimeField(_("Einwilligung am"))
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    organiser_notified_at = models.DateTimeField(_("Veranstalter*innen informiert am"), null=True, blank=True)
    # The organisation that registered itself (through the API, issue 17); empty for the website's
    # form, where a visitor names their business as free text above.
    registered_by = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("angemeldet von (Organisation)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at"]
        constraints = [
            # The e-mail is stored lower-cased, so this also catches "Anna@…" after "anna@…".
            models.UniqueConstraint(fields=["event", "email"], name="event_registration_unique_email"),
            # One registration per event and organisation (the API's registrations; NULLs are distinct).
            models.UniqueConstraint(
                fields=["event", "registered_by"], name="event_registration_unique_organisation"
            ),
            models.CheckConstraint(condition=models.Q(people__gte=1), name="event_registration_people_ge_1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.event}"


class NewsIndexPage(ContentPage):
    parent_page_types = CONTENT_PARENTS
    subpage_types = ["cms.NewsPage", "cms.AwardPage"]
    template = "cms/index_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.get_children().live().specific().order_by("-first_published_at")
        return context

    class Meta:
        verbose_name = _("Übersicht Neuigkeiten")
        verbose_name_plural = _("Übersichten Neuigkeiten")


class NewsPage(ContentPage):
    og_type = "article"
    date = models.DateField(_("Datum"), default=timezone.localdate)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "cms/article_page.html"

    class Meta:
        constraints = stored_range_constraints("newspage", dates=["date"])
        verbose_name = _("Neuigkeit")
        verbose_name_plural = _("Neuigkeiten")


class AwardPage(ContentPage):
    """An award for employers who hire and train refugees (e.g. the chamber's Integrationspreis)."""

    og_type = "article"

    year = models.PositiveSmallIntegerField(_("Jahr"))
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Bild"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    winners = StreamField(
        [
            (
                "winner",
                blocks.StructBlock(
                    [
                        ("company", blocks.CharBlock(label=_("Betrieb"), max_length=200)),
                        ("reason", blocks.TextBlock(label=_("Begründung der Jury"))),
                    ],
                    label=_("Preisträger*in"),
                ),
            )
        ],
        verbose_name=_("Preisträger*innen"),
        blank=True,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("year"),
        FieldPanel("image"),
        FieldPanel("intro"),
        FieldPanel("winners"),
        FieldPanel("body"),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("winners")]
    parent_page_types = [*CONTENT_PARENTS, "cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "cms/article_page.html"

    class Meta:
        verbose_name = _("Auszeichnung")
        verbose_name_plural = _("Auszeichnungen")


class CandidateInfoPage(ContentPage):
    """Information for candidates, translated into their languages (Arabic, Ukrainian, Farsi)."""

    parent_page_types = ["cms.HomePage", "cms.CandidateInfoPage"]
    subpage_types = ["cms.CandidateInfoPage"]
    template = "cms/candidate_info_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        # The same page in the other languages, for a visitor who landed in the wrong one.
        context["translations"] = self.get_translations().live().select_related("locale")
        return context

    class Meta:
        verbose_name = _("Information für Klient*innen")
        verbose_name_plural = _("Informationen für Klient*innen")


class ChamberGroups(models.Model):
    """The Wagtail groups and workflow that belong to one chamber's section (made by services)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("Kammer")
    )
    section = models.ForeignKey(
        ChamberSectionPage, on_delete=models.CASCADE, related_name="+", verbose_name=_("Kammerbereich")
    )
    editors = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("Redaktion")
    )
    leads = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("Leitung")
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow", on_delete=models.PROTECT, related_name="+", verbose_name=_("Freigabeprozess")
    )

    class Meta:
        verbose_name = _("Kammer-Redaktionsgruppen")
        verbose_name_plural = _("Kammer-Redaktionsgruppen")

    def __str__(self) -> str:
        return str(self.organisation)

    @cached_property
    def group_ids(self) -> set[int]:
        return {self.editors_id, self.leads_id}
