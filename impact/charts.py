"""Small bar charts drawn on the server as inline SVG: no script and no inline style, so they show
under the admin's Content-Security-Policy, in print and with scripts off. Colours come from the
admin's own stylesheet (static/css/admin.css), so they follow its light and dark themes.

A chart is a picture of figures that the page also gives in a table, for screen readers; the
picture itself is hidden from them (aria-hidden) so nothing is read twice.
"""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 300, 140
TOP, BASELINE = 18, 118  # room above the tallest bar for its label; the axis
SIDE = 4
BAR_SHARE = 0.68  # of each week's slot


def short_number(value):
    """A figure short enough to stand over a narrow bar: 999, 1.2k, 35k."""
    if value is None:
        return "–"
    if value < 1000:
        return str(value)
    if value < 10_000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{round(value / 1000)}k"


def bar_chart(values, first_label, last_label, percent=False):
    """Bars for values (None: no bar, a dash), labelled with their figures; percentages share one
    scale of 0–100 (the chart's caption says they are per cent), counts are scaled to the largest."""
    top = 100 if percent else max([value for value in values if value is not None] + [1])
    slot = (WIDTH - 2 * SIDE) / len(values)
    bar = slot * BAR_SHARE
    parts = []
    for index, value in enumerate(values):
        centre = SIDE + slot * index + slot / 2
        height = 0 if value is None else (BASELINE - TOP) * value / top
        if height:
            parts.append(
                format_html(
                    '<rect class="impact-chart__bar" x="{}" y="{}" width="{}" height="{}"></rect>',
                    _number(centre - bar / 2),
                    _number(BASELINE - height),
                    _number(bar),
                    _number(height),
                )
            )
        label = short_number(value)
        parts.append(
            format_html(
                '<text class="impact-chart__figure" x="{}" y="{}" text-anchor="middle">{}</text>',
                _number(centre),
                _number(BASELINE - height - 4),
                label,
            )
        )
    return format_html(
        '<svg class="impact-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true" focusable="false">'
        '<line class="impact-chart__axis" x1="{side}" y1="{base}" x2="{right}" y2="{base}"></line>'
        "{bars}"
        '<text class="impact-chart__date" x="{side}" y="{h_label}" text-anchor="start">{first}</text>'
        '<text class="impact-chart__date" x="{right}" y="{h_label}" text-anchor="end">{last}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        side=SIDE,
        right=WIDTH - SIDE,
        base=BASELINE,
        bars=format_html_join("", "{}", ((part,) for part in parts)),
        h_label=HEIGHT - 6,
        first=first_label,
        last=last_label,
    )


def _number(value):
    return f"{value:.1f}".rstrip("0").rstrip(".")
