"""StreamField blocks shared by the page types (bakerydemo style: one place, one template each)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICHTEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]


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


class FigureBlock(blocks.StructBlock):
    """An image with its text alternative (Wagtail's ImageBlock) and an optional caption."""

    image = ImageBlock(label=_("Bild"))
    caption = blocks.CharBlock(label=_("Bildunterschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Bild")
        template = "cms/blocks/figure.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Frage"), max_length=250)
    answer = blocks.RichTextBlock(label=_("Antwort"), features=RICHTEXT_FEATURES)


class FaqBlock(blocks.StructBlock):
    """Questions and answers as native <details>/<summary>: keyboard and screen reader work as is."""

    title = blocks.CharBlock(label=_("Überschrift"), required=False, max_length=120)
    items = blocks.ListBlock(FaqItemBlock(), label=_("Fragen"))

    class Meta:
        icon = "help"
        label = _("Häufige Fragen")
        template = "cms/blocks/faq.html"


class ContactCardBlock(blocks.StructBlock):
    """Whom to ask: a desk of the municipality or a chamber (business contact data only)."""

    title = blocks.CharBlock(label=_("Überschrift"), default=_("Ihr Kontakt"), max_length=120)
    name = blocks.CharBlock(label=_("Name oder Stelle"), max_length=120)
    organisation = blocks.CharBlock(label=_("Organisation"), required=False, max_length=200)
    email = blocks.EmailBlock(label=_("E-Mail"), required=False)
    phone = blocks.CharBlock(label=_("Telefon"), required=False, max_length=40)
    address = blocks.TextBlock(label=_("Anschrift"), required=False)
    hours = blocks.CharBlock(label=_("Sprechzeiten"), required=False, max_length=200)

    class Meta:
        icon = "user"
        label = _("Kontaktkarte")
        template = "cms/blocks/contact_card.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Zitat"))
    attribution = blocks.CharBlock(label=_("Wer sagt das?"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Zitat")
        template = "cms/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    """The body of every content page."""

    heading = blocks.CharBlock(
        label=_("Zwischenüberschrift"),
        form_classname="title",
        max_length=120,
        template="cms/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Absatz"), features=RICHTEXT_FEATURES, template="cms/blocks/paragraph.html"
    )
    figure = FigureBlock()
    call_to_action = CallToActionBlock()
    faq = FaqBlock()
    contact = ContactCardBlock()
    quote = QuoteBlock()

    class Meta:
        label = _("Inhalt")
