"""Figures as CSV and XLSX, and the funders' report as PDF. Every file states period and data basis."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from .selectors import Figure, Filters


def _head(figure: Figure, filters: Filters, basis: str) -> list[list[str]]:
    return [
        [figure.title],
        [_("Zeitraum"), f"{filters.start:%d.%m.%Y} – {filters.end:%d.%m.%Y}"],
        [_("Datengrundlage"), basis],
        *([[_("Hinweis"), figure.note]] if figure.note else []),
        [],
    ]


def _body(figure: Figure) -> list[list]:
    rows = [list(figure.columns), *[list(r) for r in figure.rows]]
    if figure.summary:
        rows.append([])
        rows.extend([label, value] for label, value in figure.summary)
    if figure.is_empty:
        rows.append([])
        rows.append([_("Im gewählten Zeitraum gibt es dazu keine Daten.")])
    return rows


def figure_csv(figure: Figure, filters: Filters, basis: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # German Excel opens ";" directly
    writer.writerows(_head(figure, filters, basis) + _body(figure))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def figure_xlsx(figure: Figure, filters: Filters, basis: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = figure.key[:31]
    head = _head(figure, filters, basis)
    for row in head:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = len(head) + 1
    for row in _body(figure):
        sheet.append(row)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 45
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(
    *,
    title: str,
    period: str,
    basis: str,
    figures: Iterable[Figure],
    computed_at: str,
    equity: Iterable[tuple[str, list[str], list[list[str]]]] = (),
    equity_notes: Iterable[str] = (),
) -> bytes:
    """The yearly report for funders: title, period, data basis, every figure as a table, then the
    equity tables (issue 20; already suppressed, as text) with their notes."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=title, author="Lotse", leftMargin=2 * cm, rightMargin=2 * cm
    )
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(f"<b>{escape(_('Zeitraum'))}:</b> {escape(period)}", styles["Normal"]),
        Paragraph(f"<b>{escape(_('Datengrundlage'))}:</b> {escape(basis)}", styles["Normal"]),
        Paragraph(f"<b>{escape(_('Stand der Zahlen'))}:</b> {escape(computed_at)}", styles["Normal"]),
        Spacer(1, 0.5 * cm),
    ]
    for figure in figures:
        data = [[Paragraph(escape(str(c)), styles["BodyText"]) for c in figure.columns]]
        data += [[escape(str(v)) for v in row] for row in figure.rows]
        table = Table(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                    ("FONTSIZE", (0, 1), (-1, -1), 9),
                ]
            )
        )
        block = [
            Paragraph(escape(figure.title), styles["Heading2"]),
            Paragraph(escape(figure.description), styles["BodyText"]),
            table,
        ]
        for label, value in figure.summary:
            block.append(Paragraph(f"{escape(label)}: {escape(value)}", styles["BodyText"]))
        if figure.is_empty:
            block.append(
                Paragraph(escape(_("Im Berichtszeitraum gibt es dazu keine Daten.")), styles["Italic"])
            )
        if figure.note:
            block.append(Paragraph(escape(figure.note), styles["Italic"]))
        story.append(KeepTogether(block))
        story.append(Spacer(1, 0.4 * cm))
    equity = list(equity)
    if equity:
        story.append(Paragraph(escape(_("Chancengleichheit")), styles["Heading2"]))
        story.extend(Paragraph(escape(note), styles["BodyText"]) for note in equity_notes)
        small = styles["BodyText"].clone("lotse-small", fontSize=7, leading=8)
    for table_title, header, rows in equity:
        data = [[Paragraph(escape(str(c)), small) for c in header]]
        data += [[Paragraph(escape(str(v)), small) for v in row] for row in rows]
        table = Table(
            data, repeatRows=1, hAlign="LEFT", colWidths=[2.6 * cm] + [1.6 * cm] * (len(header) - 1)
        )
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ]
            )
        )
        story.append(KeepTogether([Paragraph(escape(table_title), styles["Heading3"]), table]))
        story.append(Spacer(1, 0.3 * cm))
    doc.build(story)
    return out.getvalue()
