"""The minutes of a coordination round as a PDF (issue 23).

A small builder of its own: coaching may not import monitoring (the import-linter contracts), so the
funders' report's builder is not reused; the look follows it (reportlab's sample styles, Helvetica,
the same table style). Helvetica covers Latin-1/WinAnsi, so German umlauts, „“ and – print as they
are. The minutes hold what the round's page shows and nothing more: the agenda is counts only (with
the page's suppression), the actions name their owner (a member of staff), never a person of a case.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.text import slugify
from django.utils.translation import gettext as _

from .barrier_selectors import Agenda
from .models import CoordinationRound, RoundAction

SUPPRESSED = "–"


@dataclass
class ActionLine:
    text: str
    owner: str
    deadline: datetime.date
    status: str


def action_status(*, action: RoundAction, today: datetime.date) -> str:
    """As the round's page says it: erledigt, überfällig (deadline passed, not done) or offen."""
    if action.done_at:
        return _("erledigt")
    if action.deadline < today:
        return _("überfällig")
    return _("offen")


def minutes_filename(*, coordination_round: CoordinationRound, today: datetime.date) -> str:
    """protokoll-<slug of the name>-<date the round met, else today>.pdf (ASCII only)."""
    slug = slugify(coordination_round.name) or f"runde-{coordination_round.pk}"
    day = coordination_round.last_held_on or today
    return f"protokoll-{slug}-{day:%Y-%m-%d}.pdf"


def _date(value: datetime.date | None, missing: str) -> str:
    return value.strftime("%d.%m.%Y") if value else missing


def _count(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def minutes_pdf(
    *,
    coordination_round: CoordinationRound,
    members: Iterable[str],
    agenda: Agenda,
    actions: Iterable[RoundAction],
    today: datetime.date,
) -> bytes:
    """Name and kind, municipality, held and next date, members, the agenda, the actions."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    title = _("Protokoll: %(name)s") % {"name": coordination_round.name}
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=title, author="Lotse", leftMargin=2 * cm, rightMargin=2 * cm
    )
    table_style = TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTSIZE", (0, 1), (-1, -1), 9),
        ]
    )

    def line(label: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["Normal"])

    def cell(text: str) -> Paragraph:
        return Paragraph(escape(text), styles["BodyText"])

    story = [
        Paragraph(escape(title), styles["Title"]),
        line(_("Art der Runde"), str(coordination_round.get_kind_display())),
        line(_("Kommune"), str(coordination_round.municipality)),
        line(_("getagt am"), _date(coordination_round.last_held_on, _("noch nicht getagt"))),
        line(_("nächster Termin"), _date(coordination_round.next_date, _("noch nicht festgelegt"))),
        line(_("Stand"), _date(today, "")),
        Paragraph(escape(_("Mitglieder (Partnerorganisationen)")), styles["Heading2"]),
    ]
    names = list(members)
    story += [Paragraph(escape(n), styles["Bullet"]) for n in names] or [cell("–")]

    story.append(Paragraph(escape(_("Tagesordnung: gemeldete Hürden")), styles["Heading2"]))
    story.append(
        cell(
            _("Hürden, die seit dem %(since)s aus Fällen gemeldet wurden (nur Anzahlen).")
            % {"since": _date(agenda.since, "")}
        )
    )
    rows = [[cell(_("Art der Hürde")), cell(_("Anzahl"))]]
    rows += [[cell(label), _count(value)] for label, value in agenda.rows]
    rows.append([cell(_("gesamt")), _count(agenda.total)])
    table = Table(rows, colWidths=[12 * cm, 3 * cm], repeatRows=1, hAlign="LEFT")
    table.setStyle(table_style)
    table.setStyle(TableStyle([("ALIGN", (1, 1), (1, -1), "RIGHT")]))
    story += [table, cell(_("Zellen mit weniger als 5 Hürden sind unterdrückt (–)."))]

    story.append(Paragraph(escape(_("Beschlüsse und Maßnahmen")), styles["Heading2"]))
    lines = [
        ActionLine(
            text=a.text,
            owner=str(a.owner) if a.owner_id else "–",
            deadline=a.deadline,
            status=action_status(action=a, today=today),
        )
        for a in actions
    ]
    if lines:
        rows = [
            [
                cell(_("Beschluss und Maßnahme")),
                cell(_("verantwortlich")),
                cell(_("Frist")),
                cell(_("Status")),
            ]
        ]
        rows += [[cell(a.text), cell(a.owner), _date(a.deadline, ""), cell(a.status)] for a in lines]
        table = Table(rows, colWidths=[7.5 * cm, 4 * cm, 2.2 * cm, 2.5 * cm], repeatRows=1, hAlign="LEFT")
        table.setStyle(table_style)
        story.append(table)
    else:
        story.append(cell(_("Noch keine Maßnahme.")))
    story.append(Spacer(1, 0.4 * cm))
    doc.build(story)
    return out.getvalue()
