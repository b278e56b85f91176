from datetime import date, timedelta
from typing import cast

from django import forms

from core import clock
from operations.selectors import MAX_DAYS, dashboard_cities

MSG_END_BEFORE_START = "The end date must be on or after the start date."
MSG_RANGE_TOO_LONG = f"Choose at most {MAX_DAYS} days."
DEFAULT_DAYS = 14


class DashboardForm(forms.Form):
    """The dashboard's range and city (GET). Unbound: the last DEFAULT_DAYS days up to today, every city."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    city = forms.ChoiceField(label="City", required=False)

    def __init__(self, data: dict | None = None) -> None:
        today = clock.local_today()
        initial = {"start": today - timedelta(days=DEFAULT_DAYS - 1), "end": today, "city": ""}
        super().__init__(data if data and ("start" in data or "end" in data) else {**initial}, initial=initial)
        city = cast(forms.ChoiceField, self.fields["city"])
        city.choices = [("", "All cities")] + [(name, name) for name in dashboard_cities()]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(MSG_END_BEFORE_START)
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(MSG_RANGE_TOO_LONG)
        return cleaned
