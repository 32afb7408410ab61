"""A monthly bar chart drawn on the server as inline SVG (no JavaScript, no CDN)."""

import datetime as dt
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from verbund.core.formatting import format_eur


def month_bars(
    months: Sequence[tuple[dt.date, int]], *, title: str, width: int = 640, height: int = 180
) -> SafeString:
    """Bars per month (negative months point down); every label is escaped."""
    if not months:
        return format_html(
            '<svg class="revenue-chart" role="img" aria-label="{}" width="{}" height="20"></svg>',
            title,
            width,
        )
    top = max(0, max(c for _, c in months))
    bottom = min(0, min(c for _, c in months))
    span = (top - bottom) or 1
    plot_h = height - 30
    zero_y = 10 + plot_h * top / span
    step = width / len(months)
    bar_w = max(2.0, step * 0.7)
    bars = []
    for i, (month, cents) in enumerate(months):
        h = plot_h * abs(cents) / span
        y = zero_y - h if cents >= 0 else zero_y
        x = i * step + (step - bar_w) / 2
        abbr = date_format(month, "M")
        label = f"{abbr} {month.year}: {format_eur(cents)}"
        text = abbr if len(months) <= 24 else ""
        bars.append(
            (
                f"{x:.1f}",
                f"{y:.1f}",
                f"{bar_w:.1f}",
                f"{max(h, 0.5):.1f}",
                label,
                f"{x + bar_w / 2:.1f}",
                str(height - 6),
                text,
            )
        )
    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" fill="#4a6fa5"><title>{}</title></rect>'
        '<text x="{}" y="{}" font-size="9" text-anchor="middle">{}</text></g>',
        bars,
    )
    return format_html(
        '<svg class="revenue-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" height="{}">'
        '<line x1="0" x2="{}" y1="{}" y2="{}" stroke="#999" stroke-width="0.5"/>{}</svg>',
        title,
        width,
        height,
        height,
        width,
        f"{zero_y:.1f}",
        f"{zero_y:.1f}",
        body,
    )
