"""How documents print dates and times: the date styles packetgen.yml may choose, and the footer's
"generated" line in the project's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

DATE_STYLES = {
    "2 Jun 2026": "{d} {b} {Y}",
    "02/06/2026": "{dd}/{mm}/{Y}",
    "06/02/2026": "{mm}/{dd}/{Y}",
    "2026-06-02": "{Y}-{mm}-{dd}",
}
"""How a date reads on every document, named by how 2 June 2026 looks. The first never confuses a
US reader with a European one; the others match the forms an office already uses."""


DEFAULT_DATE_STYLE = "2 Jun 2026"


def format_date(day: dt.date, style: str = DEFAULT_DATE_STYLE) -> str:
    """A date in the project's style (``DATE_STYLES``)."""
    return DATE_STYLES[style].format(
        d=day.day, dd=f"{day.day:02d}", b=f"{day:%b}", mm=f"{day.month:02d}", Y=f"{day.year:04d}"
    )


def generated_text(moment: dt.datetime, time_zone: str = "UTC") -> str:
    """The 'generated' stamp printed on documents, in the project's time zone: '2026-06-02 14:05 EDT'.
    Always year-month-day, whatever the date style: it is a stamp to match copies by, not prose."""
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
