"""Calendar months, as the clinic counts review intervals and how long it keeps what patients send."""

import calendar


def add_months(day, months):
    """The same day `months` later (or earlier, if negative); a day the month lacks becomes its last
    (29 Feb 2024 + 12 = 28 Feb 2025)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
