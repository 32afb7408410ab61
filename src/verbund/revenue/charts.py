"""Revenue charts drawn on the server as inline SVG (no JavaScript, no CDN, no inline style):
monthly bars with the previous year beside them, the top heads as horizontal bars, and a
treemap of the shares inside one head. Every chart has axis values, and every bar or tile a
tooltip (``<title>``) with the exact figures in the active language; every label is escaped.
Colours and sizes are SVG presentation attributes (allowed by the CSP, unlike inline style),
so the charts look the same on every page that includes them."""

import datetime as dt
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from verbund.core.formatting import format_eur, format_eur_whole, format_number, format_percent

THIS_COLOUR = "#4a6fa5"
PREVIOUS_COLOUR = "#b9c7da"
TILE_COLOURS = ("#1f4e79", "#4a6fa5", "#2e7d32", "#7a5a06", "#8e44ad", "#c0392b", "#5b9bd5")


def nice_ticks(low: int, high: int, count: int = 4) -> list[int]:
    """Axis values in cents (round steps of 1, 2 or 5 times a power of ten euros) covering
    [low, high], zero included."""
    low, high = min(low, 0), max(high, 0)
    span = (high - low) or 100
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(int(step), 1)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step:
        ticks.append(int(value))
        if value >= high:
            break
        value += step
    return ticks


def _axis_label(cents: int) -> str:
    return format_eur_whole(Decimal(cents) / 100)


def change_text(cents: int, previous: int) -> str:
    """ ", +12,5 %" against a positive previous figure (to follow it in a tooltip), else ""."""
    if previous <= 0:
        return ""
    pct = (Decimal(cents - previous) * 100 / Decimal(previous)).quantize(Decimal("0.1"))
    sign = "+" if pct > 0 else ""
    return f", {sign}{format_percent(pct, 1)}"


def _empty(title: str, width: int) -> SafeString:
    return format_html(
        '<svg class="revenue-chart" role="img" aria-label="{}" width="{}" height="20"></svg>',
        title,
        width,
    )


def month_bars(
    months: Sequence[tuple[dt.date, int]],
    *,
    title: str,
    previous: Sequence[int] | None = None,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """Bars per month (negative months point down); with ``previous`` (the same months a year
    before, in the same order), a lighter bar for the previous year beside each month's."""
    if not months:
        return _empty(title, width)
    prev = list(previous) if previous is not None else None
    values = [c for _, c in months] + (prev or [])
    ticks = nice_ticks(min(values), max(values))
    top, bottom = ticks[-1], ticks[0]
    span = (top - bottom) or 1
    left, top_pad, bottom_pad = 64, 10, 34
    plot_w, plot_h = width - left - 4, height - top_pad - bottom_pad

    def y_of(cents: int) -> float:
        return top_pad + plot_h * (top - cents) / span

    zero_y = y_of(0)
    step = plot_w / len(months)
    group_w = max(2.0, step * 0.75)
    bar_w = group_w / 2 if prev is not None else group_w
    axis = []
    for t in ticks:
        y = y_of(t)
        axis.append(
            (f"{y:.1f}", f"{width - 4}", f"{y:.1f}", f"{left - 4}", f"{y + 3:.1f}", _axis_label(t))
        )
    axis_svg = format_html_join(
        "",
        '<line stroke="#e3e7ed" stroke-width="0.5" x1="' + str(left) + '" y1="{}" x2="{}" y2="{}"/>'
        '<text font-size="9" fill="#5f6b7a" x="{}" y="{}" text-anchor="end">{}</text>',
        axis,
    )
    bars = []
    for i, (month, cents) in enumerate(months):
        x0 = left + i * step + (step - group_w) / 2
        name = date_format(month, "F Y")
        before = prev[i] if prev is not None else None
        if before is not None:
            tip = _("%(month)s: %(amount)s (previous year: %(previous)s%(change)s)") % {
                "month": name,
                "amount": format_eur(cents),
                "previous": format_eur(before),
                "change": change_text(cents, before),
            }
            bars.append(_bar(x0, bar_w, before, y_of, zero_y, PREVIOUS_COLOUR, tip))
            bars.append(_bar(x0 + bar_w, bar_w, cents, y_of, zero_y, THIS_COLOUR, tip))
        else:
            tip = f"{name}: {format_eur(cents)}"
            bars.append(_bar(x0, bar_w, cents, y_of, zero_y, THIS_COLOUR, tip))
    labels = []
    for i, (month, _c) in enumerate(months):
        if len(months) <= 24 or i % 3 == 0:
            labels.append(
                (
                    f"{left + i * step + step / 2:.1f}",
                    str(height - bottom_pad + 14),
                    date_format(month, "M"),
                )
            )
    labels_svg = format_html_join(
        "",
        '<text font-size="9" fill="#5f6b7a" x="{}" y="{}" text-anchor="middle">{}</text>',
        labels,
    )
    legend = ""
    if prev is not None and months:
        this_year, last_year = months[-1][0].year, months[-1][0].year - 1
        if months[0][0].year != months[-1][0].year:
            this_label = _("this period")
            last_label = _("a year before")
        else:
            this_label, last_label = str(this_year), str(last_year)
        legend = format_html(
            '<g class="chart-legend"><rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
            '<text font-size="9" fill="#5f6b7a" x="{}" y="{}">{}</text>'
            '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
            '<text font-size="9" fill="#5f6b7a" x="{}" y="{}">{}</text></g>',
            left,
            height - 12,
            PREVIOUS_COLOUR,
            left + 14,
            height - 3,
            last_label,
            left + 110,
            height - 12,
            THIS_COLOUR,
            left + 124,
            height - 3,
            this_label,
        )
    return format_html(
        '<svg class="revenue-chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}"'
        ' viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">{}'
        '<line stroke="#999" stroke-width="0.6" x1="{}" x2="{}" y1="{}" y2="{}"/>{}{}{}</svg>',
        title,
        width,
        height,
        axis_svg,
        left,
        width - 4,
        f"{zero_y:.1f}",
        f"{zero_y:.1f}",
        SafeString("".join(bars)),
        labels_svg,
        legend,
    )


def _bar(
    x: float,
    w: float,
    cents: int,
    y_of: Callable[[int], float],
    zero_y: float,
    colour: str,
    tip: str,
) -> str:
    # Built as text (two dozen bars per chart, several charts per file; format_html escaped
    # each number): the numbers are formatted floats, the colour a constant, the tip escaped.
    y = y_of(cents)
    top, h = (y, zero_y - y) if cents >= 0 else (zero_y, y - zero_y)
    return (
        f'<rect x="{x:.1f}" y="{top:.1f}" width="{max(w - 1, 1):.1f}" height="{max(h, 0.5):.1f}"'
        f' fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


# The characters of a bar's name that fit the label column (ellipsis included).
LABEL_CHARS = 26


def ranking_bars(
    rows: Sequence[tuple[str, int, int]], *, title: str, width: int = 960, row_h: int = 22
) -> SafeString:
    """Horizontal bars (name, this period, previous period in cents), largest first: this
    period dark, the previous year's thin bar below it, an axis of values at the bottom."""
    if not rows:
        return _empty(title, width)
    values = [v for _n, a, b in rows for v in (a, b)]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    label_w, right = 190, 48
    plot_w = width - label_w - right
    height = len(rows) * row_h + 30

    def x_of(cents: int) -> float:
        return label_w + plot_w * (cents - low) / span

    zero_x = x_of(0)
    parts = []
    for t in ticks:
        x = x_of(t)
        parts.append(
            format_html(
                '<line stroke="#e3e7ed" stroke-width="0.5" x1="{}" y1="0" x2="{}" y2="{}"/>'
                '<text font-size="11" fill="#5f6b7a" x="{}" y="{}" text-anchor="middle">{}</text>',
                f"{x:.1f}",
                f"{x:.1f}",
                height - 22,
                f"{x:.1f}",
                height - 8,
                _axis_label(t),
            )
        )
    for i, (name, cents, previous) in enumerate(rows):
        y = i * row_h + 2
        tip = _("%(name)s: %(amount)s (previous year: %(previous)s%(change)s)") % {
            "name": name,
            "amount": format_eur(cents),
            "previous": format_eur(previous),
            "change": change_text(cents, previous),
        }
        # The label column is 184 units wide: 30 characters of 12-unit text ran past its left
        # edge ("gricon Beteiligungsgesellsch…"); the tooltip keeps the whole name.
        short = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        x1, x2 = sorted((zero_x, x_of(cents)))
        p1, p2 = sorted((zero_x, x_of(previous)))
        parts.append(
            format_html(
                '<g><title>{}</title><text font-size="12" fill="#2b3440" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/></g>',
                tip,
                label_w - 6,
                f"{y + 11:.1f}",
                short,
                f"{x1:.1f}",
                f"{y:.1f}",
                f"{max(x2 - x1, 0.5):.1f}",
                row_h * 0.55,
                THIS_COLOUR,
                f"{p1:.1f}",
                f"{y + row_h * 0.58:.1f}",
                f"{max(p2 - p1, 0.5):.1f}",
                row_h * 0.25,
                PREVIOUS_COLOUR,
            )
        )
    return format_html(
        '<svg class="revenue-chart revenue-ranking-chart" xmlns="http://www.w3.org/2000/svg" role="img"'
        ' aria-label="{}" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">{}</svg>',
        title,
        width,
        height,
        SafeString("".join(str(p) for p in parts)),
    )


def _squarify(
    values: list[float], x: float, y: float, w: float, h: float
) -> list[tuple[float, float, float, float]]:
    """Squarified treemap rectangles for ``values`` (largest first, all positive) in the box."""
    rects: list[tuple[float, float, float, float]] = []
    items = list(values)
    while items:
        total = sum(items)
        if total <= 0 or w <= 0 or h <= 0:
            rects.extend((x, y, 0.0, 0.0) for _ in items)
            break
        short = min(w, h)
        row: list[float] = []

        def worst(
            row: list[float], total: float = total, area: float = w * h, short: float = short
        ) -> float:
            side = sum(row) / total * area / short
            return max(
                max((side * side) / (v / total * area), (v / total * area) / (side * side))
                for v in row
            )

        while items:
            candidate = [*row, items[0]]
            if row and worst(candidate) > worst(row):
                break
            row = candidate
            items.pop(0)
        share = sum(row) / total
        if w >= h:
            strip = w * share
            yy = y
            for v in row:
                hh = h * v / sum(row)
                rects.append((x, yy, strip, hh))
                yy += hh
            x, w = x + strip, w - strip
        else:
            strip = h * share
            xx = x
            for v in row:
                ww = w * v / sum(row)
                rects.append((xx, y, ww, strip))
                xx += ww
            y, h = y + strip, h - strip
    return rects


def treemap(
    rows: Sequence[tuple[str, int, str]],
    *,
    title: str,
    width: int = 960,
    height: int = 320,
    limit: int = 30,
) -> SafeString:
    """Tiles sized by each member's share of the head's positive revenue (name, cents, share
    text), largest first; the members beyond ``limit`` share one tile."""
    positive = [(n, c, s) for n, c, s in rows if c > 0]
    if not positive:
        return _empty(title, width)
    shown = positive[:limit]
    rest = positive[limit:]
    if rest:
        shown = [
            *shown,
            (_("%(n)s more") % {"n": format_number(len(rest))}, sum(c for _n, c, _s in rest), ""),
        ]
    rects = _squarify([float(c) for _n, c, _s in shown], 0, 0, width, height)
    tiles = []
    for i, ((name, cents, share), (x, y, w, h)) in enumerate(zip(shown, rects, strict=True)):
        tip = f"{name}: {format_eur(cents)}" + (f" ({share})" if share else "")
        label = name if w > 8 * min(len(name), 24) * 0.6 else ""
        label = label[:24]
        tiles.append(
            format_html(
                '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" stroke-width="1"/>'
                '<text font-size="12" fill="#fff" x="{}" y="{}">{}</text></g>',
                tip,
                f"{x:.1f}",
                f"{y:.1f}",
                f"{w:.1f}",
                f"{h:.1f}",
                TILE_COLOURS[i % len(TILE_COLOURS)],
                f"{x + 4:.1f}",
                f"{y + 14:.1f}",
                label if h > 18 else "",
            )
        )
    return format_html(
        '<svg class="revenue-chart revenue-treemap" xmlns="http://www.w3.org/2000/svg" role="img"'
        ' aria-label="{}" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">{}</svg>',
        title,
        width,
        height,
        SafeString("".join(str(t) for t in tiles)),
    )
