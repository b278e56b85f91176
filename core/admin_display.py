"""Readable views of embedded documents for Django admin: small HTML tables and one-line summaries."""

from collections.abc import Iterable, Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.validators import DAYS_OF_WEEK

EMPTY = "—"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> SafeString | str:
    """An HTML table (escaped cells), or a dash when there are no rows."""
    rows = [[EMPTY if cell in (None, "") else cell for cell in row] for row in rows]
    if not rows:
        return EMPTY
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    return format_html('<table class="embedded"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body)


def hours_summary(operating_hours: object) -> str:
    """ "Mon-Fri 08:00-20:00, Sat 09:00-18:00, Sun closed": runs of days with the same hours, in one line."""
    if operating_hours is None:
        return EMPTY
    runs: list[tuple[str, str, str]] = []  # (first day, last day, hours)
    for day in DAYS_OF_WEEK:
        hours = operating_hours.for_day(day)
        text = str(hours) if hours else "no hours"
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    return ", ".join(f"{first[:3]}{'' if first == last else '-' + last[:3]} {text}" for first, last, text in runs)
