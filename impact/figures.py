"""The figures staff see of each guide, for spans of the clinic's days (America/Mazatlan).

Read from three places: the daily totals of reading (DailyFigures, counting.py), patients' answers
to "Was this guide helpful?" (feedback) and the consultation requests that came from the guide
(consultations: each request records the guide whose link opened the form). Each guide is a page
of its own, in whatever language: a translation has figures of its own.
"""

import datetime
from dataclasses import dataclass, fields

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from consultations.models import ConsultationRequest
from feedback.models import GuideFeedback
from impact.models import DailyFigures
from pages.models import GuidePage

PERIODS = (30, 90)
WEEKS = 12


@dataclass
class Figures:
    views: int = 0
    readers: int = 0
    reached_end: int = 0
    helpful_yes: int = 0
    helpful_no: int = 0
    requests: int = 0

    def __add__(self, other):
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def answers(self):
        return self.helpful_yes + self.helpful_no

    @property
    def reached_end_share(self):
        """Per cent of the readers who reached the end; None with no readers."""
        return percent(self.reached_end, self.readers)

    @property
    def helpful_share(self):
        """Per cent of the answers that said yes; None with no answers."""
        return percent(self.helpful_yes, self.answers)


def percent(part, whole):
    return round(100 * part / whole) if whole else None


@dataclass
class Span:
    """A run of the clinic's days, first and last included."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def moments(self):
        """The span as aware moments, from the first day's midnight up to (not including) the next's after the last."""
        start = datetime.datetime.combine(self.first, datetime.time.min)
        end = datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(start), timezone.make_aware(end)


def last_days(count, today):
    return Span(today - datetime.timedelta(days=count - 1), today)


def days_before(span):
    return Span(span.first - datetime.timedelta(days=span.days), span.first - datetime.timedelta(days=1))


def weeks_to(today, count=WEEKS):
    """The last `count` weeks of seven days, oldest first; the last ends today."""
    return [
        Span(today - datetime.timedelta(days=7 * back + 6), today - datetime.timedelta(days=7 * back))
        for back in reversed(range(count))
    ]


def counting_began():
    """The first day anything was counted, or None: before it, views and readers are unknown, not nought."""
    return DailyFigures.objects.aggregate(first=Min("date"))["first"]


def daily(span, guide_ids=None):
    """{guide id: {day: Figures}} over the span, for the guides named (every guide when None)."""
    start, end = span.moments()
    found = {}

    def add(guide_id, day, **counts):
        day_figures = found.setdefault(guide_id, {}).setdefault(day, Figures())
        for name, value in counts.items():
            setattr(day_figures, name, getattr(day_figures, name) + value)

    reading = DailyFigures.objects.filter(date__range=(span.first, span.last))
    feedback = GuideFeedback.objects.filter(received_at__gte=start, received_at__lt=end)
    requests = ConsultationRequest.objects.filter(sent_from__isnull=False, received_at__gte=start, received_at__lt=end)
    if guide_ids is not None:
        reading = reading.filter(guide_id__in=guide_ids)
        feedback = feedback.filter(guide_id__in=guide_ids)
        requests = requests.filter(sent_from_id__in=guide_ids)
    for row in reading.values("guide_id", "date", "views", "readers", "reached_end"):
        add(row["guide_id"], row["date"], views=row["views"], readers=row["readers"], reached_end=row["reached_end"])
    # Days are the clinic's: TruncDate takes the current time zone.
    for row in (
        feedback.annotate(day=TruncDate("received_at"))
        .values("guide_id", "day")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
    ):
        add(row["guide_id"], row["day"], helpful_yes=row["yes"], helpful_no=row["no"])
    for row in requests.annotate(day=TruncDate("received_at")).values("sent_from_id", "day").annotate(n=Count("pk")):
        add(row["sent_from_id"], row["day"], requests=row["n"])
    return found


def total(days, span):
    """The Figures of the days (a {day: Figures}) that fall in the span."""
    summed = Figures()
    for day, figures in days.items():
        if span.first <= day <= span.last:
            summed = summed + figures
    return summed


@dataclass
class Period:
    label: str
    span: Span
    figures: Figures
    # Views, readers and the end were not counted yet for all (or some) of its days.
    uncounted: bool = False
    partly_counted: bool = False


@dataclass
class GuideImpact:
    guide: GuidePage
    periods: list
    weeks: list  # [Period], oldest first


def guide_impact(guides, today=None):
    """For each guide: the last 30 and 90 days and the days before each, and twelve weeks."""
    today = today or timezone.localdate()
    began = counting_began()
    spans = []
    for count in PERIODS:
        recent = last_days(count, today)
        spans += [(f"Last {count} days", recent), (f"{count} days before", days_before(recent))]
    weeks = weeks_to(today)
    earliest = min([span.first for _, span in spans] + [weeks[0].first])
    days = daily(Span(earliest, today), [guide.pk for guide in guides])
    found = []
    for guide in guides:
        guide_days = days.get(guide.pk, {})
        periods = [
            Period(
                label,
                span,
                total(guide_days, span),
                uncounted=began is None or span.last < began,
                partly_counted=began is not None and span.first < began <= span.last,
            )
            for label, span in spans
        ]
        found.append(
            GuideImpact(
                guide,
                periods,
                [
                    Period("", week, total(guide_days, week), uncounted=began is None or week.last < began)
                    for week in weeks
                ],
            )
        )
    return found


def guides_to_show(today=None):
    """Live guides, and any other guide with figures in the spans the report shows."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=2 * max(PERIODS))
    start, _ = Span(since, today).moments()
    with_figures = (
        set(DailyFigures.objects.filter(date__gte=since).values_list("guide_id", flat=True))
        | set(GuideFeedback.objects.filter(received_at__gte=start).values_list("guide_id", flat=True))
        | set(
            ConsultationRequest.objects.filter(received_at__gte=start, sent_from__isnull=False).values_list(
                "sent_from_id", flat=True
            )
        )
    )
    return list(
        GuidePage.objects.filter(Q(live=True) | Q(pk__in=with_figures)).select_related("locale").order_by("path")
    )


def month_so_far(today=None):
    """All guides together: this calendar month up to today, and the whole month before."""
    today = today or timezone.localdate()
    this_month = Span(today.replace(day=1), today)
    last_month_end = this_month.first - datetime.timedelta(days=1)
    last_month = Span(last_month_end.replace(day=1), last_month_end)
    days = daily(Span(last_month.first, today))
    every_day = {}
    for guide_days in days.values():
        for day, figures in guide_days.items():
            every_day[day] = every_day.get(day, Figures()) + figures
    return (this_month, total(every_day, this_month)), (last_month, total(every_day, last_month))


def since(guide, moment, today=None):
    """One guide's figures from its last medical review to today (its whole record if never reviewed).
    Reading is counted by day, from the review's day; consultation requests from its moment."""
    today = today or timezone.localdate()
    first = timezone.localtime(moment).date() if moment else (counting_began() or today)
    span = Span(min(first, today), today)
    found = total(daily(span, [guide.pk]).get(guide.pk, {}), span)
    if moment is not None:
        found.requests = ConsultationRequest.objects.filter(sent_from=guide, received_at__gte=moment).count()
    return span, found
