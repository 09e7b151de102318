"""Views of the monitoring app: thin — parse the filters, check the scope, read (cached) figures, render.

Anonymous → login; a role without figures (employer, volunteer, chamber editor, candidate) → 403.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inputs.fields_html import fields_html
from organisations import access
from organisations.kept_page import Keep, kept_page

from . import cache, comparison, exports, quality, selectors, services
from .forms import DashboardFilterForm, ReportForm, SettingsForm
from .selectors import Figure, Filters, Scope


def _scope(request: HttpRequest) -> Scope:
    return selectors.scope_for(user=request.user)


def _filter_form(request: HttpRequest, scope: Scope) -> DashboardFilterForm:
    return DashboardFilterForm(
        request.GET or None,
        organisations=selectors.filter_organisations(scope=scope),
        shown=selectors.filter_organisation_rows(scope=scope),
    )


def _filter_scope(form: DashboardFilterForm) -> str:
    """What the filter's markup depends on besides the input, language and day: the organisations
    it offers (a municipality's, as read now)."""
    field = form.fields.get("organisation")
    choices = () if field is None else tuple((str(v), str(label)) for v, label in field.widget.choices)
    return f"monitoring:dashboard:{choices!r}"


@functools.lru_cache(maxsize=256)
def _reversed(url_name: str, urlconf: str | None, prefix: str, language: str | None) -> str | None:
    """``reverse(url_name)``, None where it does not resolve; worked out once per process for the
    same URLconf, prefix and language (the address carries it: /en/app/…); every dashboard asks
    for some twenty."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


@receiver(setting_changed)
def _forget_reversed(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":  # (tests that swap the URLconf: Django's own caches go too)
        _reversed.cache_clear()


def _links(figures: list[Figure], user) -> dict[str, dict]:
    """For each figure the list behind it, if this user may open that list and its URL resolves."""
    out = {}
    for figure in figures:
        if figure.link is None:
            continue
        url_name, params, roles = figure.link
        if not access.has_role(user=user, roles=roles):
            continue
        url = _reversed(url_name, get_urlconf(), get_script_prefix(), get_language())
        if url is None:
            continue
        entry = {"url": url + (f"?{urlencode(params)}" if params else "")}
        if figure.key == "phases":
            from candidates.models import CasePhase

            entry["rows"] = [url + "?" + urlencode({**params, "phase": value}) for value in CasePhase.values]
        out[figure.key] = entry
    return out


def table_rows(figure: Figure, urls: list[str] | None = None) -> list[dict]:
    return [
        {"label": row[0], "values": row[1:], "url": urls[i] if urls and i < len(urls) else None}
        for i, row in enumerate(figure.rows)
    ]


def _chart(figure: Figure) -> dict:
    """What charts.js needs: labels, one dataset per value column, the chart type and a target line."""
    return {
        "type": figure.chart,
        "labels": [str(r[0]) for r in figure.rows],
        "datasets": [
            {"label": str(column), "data": [r[i] for r in figure.rows]}
            for i, column in enumerate(figure.columns[1:], start=1)
            if not (figure.target is not None and i == len(figure.columns) - 1)
        ],
        "target": figure.target,
        "targetLabel": _("Zielwert"),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # Drawn again only when a row it read or the cached computation it shows changed
    # (organisations.kept_page): a coordinator comes back to it from every list it links to.
    return kept_page(request, name="monitoring.dashboard", draw=lambda keep: _dashboard(request, keep))


def _dashboard(request: HttpRequest, keep: Keep) -> HttpResponse:
    scope = _scope(request)
    form = _filter_form(request, scope)
    context = {
        "form": form,
        # The form's fields as includes/form_field.html renders them, composed in Python (the
        # includes and the organisation list's option templates cost a quarter of the page) and
        # remembered per process for the same choices, input, language and day.
        "filter_fields": fields_html(form, form.fields, scope=_filter_scope(form), between="\n      "),
        "scope": scope,
        "query": request.GET.urlencode(),
        "is_coordinator": scope.kind == "municipality",
    }
    if form.is_bound and not form.is_valid():
        return render(request, "monitoring/dashboard.html", {**context, "invalid": True}, status=400)
    filters = form.filters()
    data = cache.dashboard(scope=scope, filters=filters)
    # The figures come from the cache, which the rows' digest cannot see: kept while still current.
    keep.watch(functools.partial(cache.token_at, data.key), data.token)
    figures = data.figures
    links = _links(figures, request.user)

    def items() -> list[dict]:
        # Called by the template only when the cached fragment is missing (a callable in the context
        # is called when it is read): a warm page builds no chart or table data.
        return [
            {
                "figure": f,
                "chart": _chart(f),
                "link": links.get(f.key),
                "chart_id": f"chart-{f.key}",
                "data_id": f"chart-{f.key}-data",
                "rows": table_rows(f, (links.get(f.key) or {}).get("rows")),
            }
            for f in figures
        ]

    context.update(
        fragment_key=cache.fragment_key(data=data, links=links, query=context["query"]),
        filters=filters,
        computed_at=data.computed_at,
        from_cache=data.from_cache,
        all_empty=all(f.is_empty for f in figures if f.period_bound),
        equity=data.equity,
        equity_columns=quality.column_labels(),
        threshold=comparison.THRESHOLD,
        children_note=quality.CHILDREN_NOTE,
        figures=items,
    )
    return render(request, "monitoring/dashboard.html", context)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = _filter_form(request, scope)
    cache.dashboard(scope=scope, filters=form.filters(), refresh=True)
    messages.success(request, _("Die Kennzahlen wurden neu berechnet."))
    return redirect(reverse("monitoring:dashboard") + (f"?{request.GET.urlencode()}" if request.GET else ""))


@login_required
def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    scope = _scope(request)
    if key not in selectors.FIGURE_KEYS or fmt not in ("csv", "xlsx"):
        raise Http404
    form = _filter_form(request, scope)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Der Export war nicht möglich: bitte korrigieren Sie die Filter."))
        return redirect(reverse("monitoring:dashboard") + f"?{request.GET.urlencode()}")
    filters = form.filters()
    figure = next(f for f in cache.dashboard(scope=scope, filters=filters).figures if f.key == key)
    basis = selectors.data_basis(scope=scope, filters=filters)
    name = f"lotse-{key}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            exports.figure_csv(figure, filters, basis), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.figure_xlsx(figure, filters, basis),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _report(request: HttpRequest):
    scope = _scope(request)
    form = ReportForm(request.GET or None)
    today = timezone.localdate()
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    year = year or today.year - (1 if today.month < 3 else 0)  # early in the year, last year's report
    filters = Filters(start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))
    data = cache.dashboard(scope=scope, filters=filters)
    return scope, form, filters, data


def _equity(scope: Scope, filters: Filters) -> list[quality.EquityTable]:
    """The equity tables of the report year, as of its end (or today, for the current year)."""
    return quality.equity_tables(scope=scope, filters=filters, today=min(timezone.localdate(), filters.end))


@login_required
def report(request: HttpRequest) -> HttpResponse:
    scope, form, filters, data = _report(request)
    return render(
        request,
        "monitoring/report.html",
        {
            "form": form,
            "filters": filters,
            "computed_at": data.computed_at,
            "basis": selectors.data_basis(scope=scope, filters=filters),
            "year": filters.start.year,
            "figures": [{"figure": f, "rows": table_rows(f)} for f in data.figures],
            "equity": _equity(scope, filters),
            "equity_columns": quality.column_labels(),
            "threshold": comparison.THRESHOLD,
            "children_note": quality.CHILDREN_NOTE,
        },
        status=400 if form.errors else 200,
    )


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    scope, form, filters, data = _report(request)
    if form.errors:
        messages.error(request, _("Bitte ein gültiges Berichtsjahr angeben."))
        return redirect("monitoring:report")
    pdf = exports.report_pdf(
        title=_("Jahresbericht Integration in Arbeit %(y)s") % {"y": filters.start.year},
        period=f"{filters.start:%d.%m.%Y} – {filters.end:%d.%m.%Y}",
        basis=selectors.data_basis(scope=scope, filters=filters),
        figures=data.figures,
        equity=quality.printable(_equity(scope, filters)),
        equity_notes=[
            _(
                "Zellen mit weniger als %(n)s Personen sind unterdrückt (–), dazu so viele weitere "
                "Zellen derselben Spalte, dass sich keine unterdrückte Zahl zurückrechnen lässt."
            )
            % {"n": comparison.THRESHOLD},
            str(quality.CHILDREN_NOTE),
        ],
        computed_at=formats.date_format(timezone.localtime(data.computed_at), "DATETIME_FORMAT"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lotse-jahresbericht-{filters.start.year}.pdf"'
    return response


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope.kind != "municipality":
        raise PermissionDenied
    form = _filter_form(request, scope)
    if form.is_bound and not form.is_valid():
        return render(request, "monitoring/compare.html", {"form": form, "invalid": True}, status=400)
    filters = form.filters()
    participants, tables = comparison.comparison_tables(scope=scope, filters=filters)
    opted_in = selectors.settings_for(municipality_id=scope.municipality_id).comparison_opt_in
    return render(
        request,
        "monitoring/compare.html",
        {
            "form": form,
            "filters": filters,
            "participants": participants,
            "tables": tables,
            "opted_in": opted_in,
            "threshold": comparison.THRESHOLD,
        },
    )


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope.kind != "municipality":
        raise PermissionDenied
    instance = selectors.settings_for(municipality_id=scope.municipality_id)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.monitoring_settings_save(
            actor=request.user, municipality_id=scope.municipality_id, **form.cleaned_data
        )
        messages.success(request, _("Die Einstellungen wurden gespeichert."))
        return redirect("monitoring:settings")
    return render(
        request, "monitoring/settings.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
def job_quality(request: HttpRequest) -> HttpResponse:
    """Job quality and equity figures for the user's scope (the same as the dashboard's)."""
    scope = _scope(request)
    form = _filter_form(request, scope)
    if form.is_bound and not form.is_valid():
        return render(request, "monitoring/quality.html", {"form": form, "invalid": True}, status=400)
    filters = form.filters()
    today = timezone.localdate()
    return render(
        request,
        "monitoring/quality.html",
        {
            "form": form,
            "filters": filters,
            "summary": quality.job_quality_summary(scope=scope, filters=filters, today=today),
            "tables": quality.equity_tables(scope=scope, filters=filters, today=today),
            "columns": quality.column_labels(),
            "children_note": quality.CHILDREN_NOTE,
            "threshold": comparison.THRESHOLD,
            "basis": selectors.data_basis(scope=scope, filters=filters),
        },
    )
