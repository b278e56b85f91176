"""The operations dashboard in the admin (staff only): figures, charts and a CSV export of each table."""

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from operations.forms import DashboardForm
from operations.selectors import Dashboard, Table, dashboard_figures

# Seeing the dashboard takes the right to see appointments (ADMIN and OPERATIONS: users/roles.py).
VIEW_PERMISSION = "appointments.view_appointment"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """A spreadsheet must not run a name as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def table_csv(table: Table, dashboard: Dashboard) -> HttpResponse:
    city = f"-{dashboard.city}" if dashboard.city else ""
    name = f"opd-{table.key}-{dashboard.start}-{dashboard.end}{city}.csv".replace(" ", "_")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(table.headers)
    writer.writerows([[_csv_cell(cell) for cell in row] for row in table.rows])
    return response


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """GET ?start=YYYY-MM-DD&end=YYYY-MM-DD&city=...[&export=<table>]. Wrapped in admin_site.admin_view (urls)."""
    if not request.user.has_perm(VIEW_PERMISSION):  # type: ignore[union-attr]  # admin_view: a signed-in user
        raise PermissionDenied
    form = DashboardForm(request.GET)
    dashboard = None
    if form.is_valid():
        data = form.cleaned_data
        dashboard = dashboard_figures(start=data["start"], end=data["end"], city=data["city"] or None)
        export = request.GET.get("export")
        if export:
            table = dashboard.tables.get(export)
            if table is None:
                return HttpResponse("No such table.", status=400, content_type="text/plain")
            return table_csv(table, dashboard)
    context = {
        **admin.site.each_context(request),
        "title": "Operations dashboard",
        "form": form,
        "dashboard": dashboard,
        "tables": list(dashboard.tables.values()) if dashboard else [],
        "chart_data": dashboard.chart_data() if dashboard else None,
        "export_query": urlencode(
            {"start": dashboard.start, "end": dashboard.end, "city": dashboard.city or ""} if dashboard else {}
        ),
    }
    return TemplateResponse(request, "admin/operations/dashboard.html", context)
