"""A small server-rendered SVG bar chart: no JavaScript, no CDN, readable without CSS."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from audit.dashboard import HourBar

WIDTH, HEIGHT, PAD = 720, 160, 24


def bar_chart(bars: list[HourBar]) -> SafeString:
    """One bar per hour, each a link to the published jobs of that hour."""
    if not bars:
        return SafeString("")
    peak = max(bar.count for bar in bars)
    top = peak or 1  # scale; an empty day draws no bars
    slot = (WIDTH - 2 * PAD) / len(bars)
    plot = HEIGHT - 2 * PAD

    def parts():
        for i, bar in enumerate(bars):
            h = round(plot * bar.count / top, 1)
            x = round(PAD + i * slot + 1, 1)
            y = round(HEIGHT - PAD - h, 1)
            label = f"{bar.start:%H}:00 UTC: {bar.count} published"
            yield (bar.url, label, x, y, round(slot - 2, 1), h, bar.count,
                   x + (slot - 2) / 2, HEIGHT - PAD + 14, f"{bar.start:%H}")  # fmt: skip

    rects = format_html_join(
        "",
        '<a href="{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" '
        'data-count="{}" fill="#417690"></rect>'
        '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text></a>',
        parts(),
    )
    return format_html(
        '<svg class="publish-chart" role="img" aria-label="Publishes per hour, last 24 hours" '
        'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}">'
        '<text x="{}" y="14" font-size="11">max {} per hour</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"></line>{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, PAD, peak, PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD,
        rects,
    )  # fmt: skip
