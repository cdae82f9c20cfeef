"""Charts as standalone SVG documents: verdict distribution, verdicts by group, reviews over time.

Pure functions, data in and text out (no Flask, no database), so the dashboard, the HTML report
and the Markdown export (an .svg file beside the report) draw the same picture. What they promise:

- the same input gives the same bytes (no clock, no locale, no randomness; ids come from a hash of
  the input), so exports can be compared and cached;
- every label is text, XML-escaped, with characters XML cannot hold dropped: a label such as
  ``</text><script>`` stays inert text, whether the file is opened alone or inlined into a page
  (factcheck.rendering.inline_svg checks the result against an allowlist before marking it safe);
- presentation attributes only (``fill=``, ``font-size=``...): no ``style`` attribute, no
  ``<style>``, no script, no link to anything outside the document, so a strict
  Content-Security-Policy (no 'unsafe-inline') lets it be inlined;
- accessible: ``role="img"``, labelled by its ``<title>`` and a ``<desc>`` that says the numbers in
  words; bars carry their numbers as text, so colour is never the only way to read them;
- ``viewBox`` with ``width="100%"``: it scales to its container, a phone's width included;
- nothing to draw gives a message ("No verdicts yet"), not an empty frame.

Colours read from best (green) to worst (red), as the review page's verdict colours do: a label's
*tone* is where it sits between its scale's worst (0) and best (1) value (`scale_tones`); labels
off that range ("Unverifiable", "Not a claim") and labels without a tone are neutral greys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

#: The drawing's width in viewBox units; the height follows from what it holds.
WIDTH = 400
MARGIN = 10
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
INK = "#1d232a"
MUTED = "#5b6470"
GRID = "#d8dde3"
COLUMN = "#1f5fbf"  # the app's accent: counts over time are activity, not a verdict

#: Colours by tone, worst to best (the review page's --false ... --true), each with variants for a
#: second and third label of the same tone in one chart (e.g. "True" and "Correct Attribution").
TONE_COLOURS: tuple[tuple[str, ...], ...] = (
    ("#c0262d", "#e0767a", "#8b1117"),
    ("#d9640f", "#f0a468", "#9c4508"),
    ("#b58900", "#dcc062", "#7d5f00"),
    ("#5e9e2f", "#9cc97a", "#3f6e1e"),
    ("#1b7f3b", "#6cbf85", "#0f5226"),
)
#: Labels without a tone: unverifiable, not a claim, a free-text conclusion, a custom label.
NEUTRAL_COLOURS = ("#6c6f93", "#8a8f98", "#a3a7c2", "#4f5560", "#b9bcc4")
#: Bars that are not verdicts ("In review", "Not yet reviewed"): pale, outlined, dashed.
EXTRA_FILL, EXTRA_STROKE = "#e3e6ea", "#8a8f98"

#: Tones of the usual labels (case-insensitive), for callers that pass no `tones`.
KNOWN_TONES: dict[str, float] = {
    "true": 1.0,
    "mostly true": 0.75,
    "half true": 0.5,
    "mixture": 0.5,
    "mostly false": 0.25,
    "false": 0.0,
    "pants on fire": 0.0,
}

NO_VERDICTS = "No verdicts yet"
NO_REVIEWS = "No verdicts given in this period"
#: At most this many groups get a row of their own in verdicts_by_group; the rest are summed.
GROUP_LIMIT = 12
#: Bucket sizes of reviews_over_time, smallest first: the first giving at most MAX_COLUMNS columns wins.
BUCKETS = ("day", "week", "month", "year")
MAX_COLUMNS = 62
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_TITLE_SIZE, _LABEL_SIZE, _SMALL_SIZE = 15, 13, 12
#: Rough width of a character as a share of the font size, for wrapping and truncating text
#: (a server cannot measure text; this errs on the wide side for Latin text).
_CHAR_WIDTH = 0.55
#: Characters XML 1.0 cannot hold (its Char production's complement).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- Public: the three charts -------------------------------------------------------------------


def verdict_distribution(
    counts: Sequence[tuple[str, int]],
    *,
    title: str,
    tones: Mapping[str, float | None] | None = None,
    extra: Sequence[tuple[str, int]] = (),
    empty: str = NO_VERDICTS,
) -> str:
    """Horizontal bars, one per verdict in the order given (a scale's order, best to worst), each
    with its count; then the `extra` bars ("In review", "Not yet reviewed"), pale and set apart.

    `tones` gives each label's place from worst (0) to best (1), or None for neutral (see
    `scale_tones`); without it the usual labels (KNOWN_TONES) are coloured and others are neutral.
    """
    counts = [(str(label), _count(count)) for label, count in counts]
    extra = [(str(label), _count(count)) for label, count in extra]
    every = counts + extra
    words = "; ".join(f"{label}: {_number(count)}" for label, count in every)
    total = sum(count for _, count in counts)
    summary = f"{words}. {_number(total)} verdict{_plural(total)} in all." if every else ""
    chart = _Chart("distribution", title, (counts, extra))
    if not any(count for _, count in every):
        return chart.empty(empty)
    colours = _colours([label for label, _ in counts], tones)
    label_width = 150  # "Originated as Satire", Snopes' longest label, fits
    left, right = label_width + 8, WIDTH - MARGIN - 42
    top = chart.y + 6
    row, bar = 24, 16
    heights = len(counts) * row + (10 + len(extra) * row if extra else 0)
    scale = _Scale(max(count for _, count in every), right - left)
    chart.grid(scale, left, top - 4, top + heights)
    y = top
    for rows, is_extra in ((counts, False), (extra, True)):
        if is_extra and rows:
            y += 10
        for label, count in rows:
            shown = _truncate(label, label_width, _LABEL_SIZE)
            width = scale.length(count)
            chart.add(f'<g class="chart-bar-row"><title>{_text(label)}: {_number(count)}</title>')
            chart.add(_text_element(left - 8, y + bar - 4, shown, anchor="end"))
            if is_extra:
                chart.add(_rect(left, y, width, bar, EXTRA_FILL, 'class="chart-bar chart-extra" '
                                f'stroke="{EXTRA_STROKE}" stroke-dasharray="3 2"'))
            else:
                chart.add(_rect(left, y, width, bar, colours[label], 'class="chart-bar"'))
            chart.add(_text_element(left + width + 4, y + bar - 4, _number(count), weight="600"))
            chart.add("</g>")
            y += row
    chart.y = y + 4
    chart.ticks(scale, left)
    return chart.done(summary)


def verdicts_by_group(
    groups: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    labels: Sequence[str],
    *,
    title: str,
    tones: Mapping[str, float | None] | None = None,
    limit: int = GROUP_LIMIT,
    other: str = "Other",
    empty: str = NO_VERDICTS,
) -> str:
    """Stacked horizontal bars, one per group (an outlet, a claimant, a reviewer), its verdicts in
    the order of `labels`, with a legend and each group's total.

    The `limit` groups with the most verdicts get a row each (ties: by name); the rest are summed
    into one row named `other`, last. A group already named `other` joins that row and takes no
    place among the top ones, so a caller that summed the rest in SQL may pass it as it is. Names
    too long for their line end in an ellipsis; the full name is the row's tooltip (<title>).
    """
    shown, rest = _top_groups(groups, limit, other)
    rows = shown + ([(other, rest)] if sum(rest.values()) else [])
    used = [label for label in labels if any(counts.get(label, 0) for _, counts in rows)]
    chart = _Chart("groups", title, ([(name, sorted(counts.items())) for name, counts in rows], list(labels), limit, other))
    if not used:
        return chart.empty(empty)
    colours = _colours(used, tones)
    summary = "; ".join(
        f"{name}: {_number(sum(counts.values()))} ("
        + ", ".join(f"{label} {_number(counts[label])}" for label in used if counts.get(label))
        + ")"
        for name, counts in rows
    ) + "."
    chart.legend([(label, colours[label]) for label in used])
    left, right = MARGIN, WIDTH - MARGIN - 42
    top = chart.y + 4
    row, bar = 40, 14
    scale = _Scale(max(sum(counts.values()) for _, counts in rows), right - left)
    chart.grid(scale, left, top + 18, top + len(rows) * row)
    y = top
    for name, counts in rows:
        total = sum(counts.values())
        chart.add(f'<g class="chart-group"><title>{_text(name)}: {_number(total)}</title>')
        chart.add(_text_element(left, y + 13, _truncate(name, right - left + 30, _LABEL_SIZE), weight="600"))
        x = left
        for label in used:
            count = counts.get(label, 0)
            if not count:
                continue
            width = scale.length(count)
            segment = _rect(x, y + 19, width, bar, colours[label], 'class="chart-segment"', close=False)
            chart.add(f"{segment}<title>{_text(name)}, {_text(label)}: {_number(count)}</title></rect>")
            x += width
        chart.add(_text_element(x + 4, y + 19 + bar - 3, _number(total)))
        chart.add("</g>")
        y += row
    chart.y = y
    chart.ticks(scale, left)
    return chart.done(summary)


def reviews_over_time(
    points: Sequence[tuple[dt.date, int]],
    *,
    title: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    empty: str = NO_REVIEWS,
) -> str:
    """Columns of counts over time, from `start` to `end` (default: the first and last point's
    dates), per day, week, month or year: the smallest bucket giving at most MAX_COLUMNS columns
    (see `time_buckets`). Days without a point count 0; points outside the range are left out."""
    unit, buckets = time_buckets(points, start, end)
    chart = _Chart("time", title, (unit, buckets))
    total = sum(count for _, count in buckets)
    if not total:
        return chart.empty(empty)
    busiest = max(buckets, key=lambda bucket: bucket[1])  # the first of equals: deterministic
    first, last = buckets[0][0], _bucket_end(buckets[-1][0], unit)
    summary = (
        f"{_number(total)} in all from {_long_date(first)} to {_long_date(last)}, counted per {unit}; "
        f"the most, {_number(busiest[1])}, in the {unit} {_bucket_words(busiest[0], unit)}. "
        f"{sum(1 for _, count in buckets if count)} of {len(buckets)} {unit}s had any."
    )
    left, right = MARGIN + 30, WIDTH - MARGIN
    top = chart.y + 14
    height = 150
    bottom = top + height
    scale = _Scale(busiest[1], height)
    for tick in scale.ticks:
        y = bottom - scale.length(tick)
        chart.add(_line(left, y, right, y, GRID))
        chart.add(_text_element(left - 4, y + 4, _number(tick), anchor="end", size=_SMALL_SIZE, fill=MUTED))
    step = (right - left) / len(buckets)
    gap = min(2.0, step * 0.2)
    numbered = step >= 7 * len(_number(busiest[1])) + 2
    for index, (start_day, count) in enumerate(buckets):
        x = left + index * step
        length = scale.length(count)
        words = _bucket_words(start_day, unit)
        words = f"{words[:1].upper()}{words[1:]}: {_number(count)}"
        column = _rect(x + gap / 2, bottom - length, step - gap, length, COLUMN, 'class="chart-column"', close=False)
        chart.add(f"{column}<title>{_text(words)}</title></rect>")
        if count and (numbered or (start_day, count) == busiest):
            chart.add(_text_element(x + step / 2, bottom - length - 3, _number(count), anchor="middle", size=_SMALL_SIZE))
    chart.add(_line(left, bottom, right, bottom, MUTED))
    previous: dt.date | None = None  # the last date labelled
    for index in _label_positions(len(buckets), int((right - left) // 62)):
        x = left + (index + 0.5) * step
        label = _axis_label(buckets[index][0], unit, previous)
        previous = buckets[index][0]
        half = len(label) * _SMALL_SIZE * _CHAR_WIDTH / 2  # kept inside the drawing at either end
        chart.add(_line(x, bottom, x, bottom + 4, MUTED))
        chart.add(_text_element(min(max(x, MARGIN + half), WIDTH - 2 - half), bottom + 16, label, anchor="middle",
                                size=_SMALL_SIZE, fill=MUTED))
    chart.y = bottom + 22
    return chart.done(summary)


# --- Public: helpers callers share --------------------------------------------------------------


def scale_tones(ratings: Iterable[Mapping[str, Any]]) -> dict[str, float | None]:
    """Each label's tone on its scale, from the record's rating dicts (label, value, best, worst):
    0 at the worst label's value, 1 at the best's, None outside that range or on a scale without
    both marked (neutral colours)."""
    ratings = list(ratings)
    best = next((r["value"] for r in ratings if r.get("best")), None)
    worst = next((r["value"] for r in ratings if r.get("worst")), None)
    tones: dict[str, float | None] = {}
    for rating in ratings:
        value = rating["value"]
        if best is None or worst is None or best == worst or not min(best, worst) <= value <= max(best, worst):
            tones[rating["label"]] = None
        else:
            tones[rating["label"]] = (value - worst) / (best - worst)
    return tones


def time_buckets(
    points: Sequence[tuple[dt.date, int]], start: dt.date | None = None, end: dt.date | None = None
) -> tuple[str, list[tuple[dt.date, int]]]:
    """The unit ("day", "week" from Monday, "month" or "year") and every bucket from `start` to `end`
    as (its first day, count), zeros included: what reviews_over_time draws, for a table of the same
    numbers. Without a range, the points' own; without points either, no buckets."""
    days = sorted(points)
    if start is None or end is None:
        if not days:
            return "day", []
        start = start or days[0][0]
        end = end or days[-1][0]
    if end < start:
        start, end = end, start
    unit = next(u for u in BUCKETS if _bucket_count(start, end, u) <= MAX_COLUMNS or u == BUCKETS[-1])
    sums: dict[dt.date, int] = {}
    first = _bucket_start(start, unit)
    bucket: dt.date | None = first
    while bucket is not None and bucket <= end:
        sums[bucket] = 0
        bucket = _next_bucket(bucket, unit)
    for day, count in days:
        if start <= day <= end:
            sums[_bucket_start(day, unit)] += _count(count)
    return unit, list(sums.items())


# --- The drawing --------------------------------------------------------------------------------


class _Chart:
    """An SVG document being written top to bottom: its title first, `y` where the next part goes."""

    def __init__(self, kind: str, title: str, data: object) -> None:
        digest = hashlib.sha256(repr((kind, title, data)).encode("utf-8", "replace")).hexdigest()
        self.id = f"chart-{kind}-{digest[:10]}"
        self.title = title
        self.parts: list[str] = []
        lines = _wrap(title, WIDTH - 2 * MARGIN, _TITLE_SIZE)
        for number, line in enumerate(lines):
            self.parts.append(_text_element(MARGIN, 20 + number * 19, line, size=_TITLE_SIZE, weight="700"))
        self.y = 20 + (len(lines) - 1) * 19 + 10

    def add(self, part: str) -> None:
        self.parts.append(part)

    def grid(self, scale: _Scale, left: float, top: float, bottom: float) -> None:
        """Vertical lines at the value ticks, behind the bars."""
        for tick in scale.ticks:
            x = left + scale.length(tick)
            self.add(_line(x, top, x, bottom, GRID))

    def ticks(self, scale: _Scale, left: float) -> None:
        """The value axis under the bars: a label at each tick."""
        for tick in scale.ticks:
            self.add(_text_element(left + scale.length(tick), self.y + 10, _number(tick), anchor="middle",
                                   size=_SMALL_SIZE, fill=MUTED))
        self.y += 16

    def legend(self, entries: Sequence[tuple[str, str]]) -> None:
        """Swatches with their labels, in rows as wide as the chart."""
        x, y = MARGIN, self.y + 6
        for label, colour in entries:
            shown = _truncate(label, 150, _SMALL_SIZE)
            width = 16 + len(shown) * _SMALL_SIZE * _CHAR_WIDTH + 12
            if x > MARGIN and x + width > WIDTH - MARGIN:
                x, y = MARGIN, y + 18
            self.add(f'<g class="chart-legend-item"><title>{_text(label)}</title>')
            self.add(_rect(x, y, 11, 11, colour, ""))
            self.add(_text_element(x + 15, y + 10, shown, size=_SMALL_SIZE))
            self.add("</g>")
            x += width
        self.y = y + 20

    def empty(self, message: str) -> str:
        """The document saying there is nothing to draw."""
        self.add(f'<rect x="{MARGIN}" y="{_n(self.y)}" width="{WIDTH - 2 * MARGIN}" height="60" rx="4" fill="#f7f8fa" '
                 f'stroke="{GRID}"/>')
        self.add(_text_element(WIDTH / 2, self.y + 35, message, anchor="middle", size=_LABEL_SIZE, fill=MUTED,
                               extra='class="chart-empty"'))
        self.y += 70
        return self.done(f"{message}.")

    def done(self, summary: str) -> str:
        height = self.y + 6
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" '
            f'aria-labelledby="{self.id}-title {self.id}-desc" class="chart" font-family="{FONT_FAMILY}" '
            f'font-size="{_LABEL_SIZE}" fill="{INK}">'
        )
        return "\n".join(
            [head, f'<title id="{self.id}-title">{_text(self.title)}</title>',
             f'<desc id="{self.id}-desc">{_text(summary)}</desc>', *self.parts, "</svg>"]
        ) + "\n"


class _Scale:
    """Counts to lengths, with round ticks: 0 up to the first tick at or above the largest count."""

    def __init__(self, largest: int, length: float) -> None:
        step = 1
        for candidate in _steps():
            if largest <= candidate * 5:
                step = candidate
                break
        top = max(step, -(-largest // step) * step)
        self.ticks = list(range(0, top + 1, step))
        self.top = top
        self.full = length

    def length(self, count: int) -> float:
        return self.full * count / self.top


def _steps() -> Iterable[int]:
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            yield multiple * magnitude
        magnitude *= 10


# --- Groups and colours -------------------------------------------------------------------------


def _top_groups(
    groups: Sequence[tuple[str, Sequence[tuple[str, int]]]], limit: int, other: str
) -> tuple[list[tuple[str, dict[str, int]]], dict[str, int]]:
    """The `limit` biggest groups (most first, then by name) and the summed counts of the rest."""
    merged: dict[str, dict[str, int]] = {}
    for name, counts in groups:
        into = merged.setdefault(str(name), {})
        for label, count in counts:
            into[str(label)] = into.get(str(label), 0) + _count(count)
    rest = merged.pop(other, {})
    ranked = sorted(merged.items(), key=lambda group: (-sum(group[1].values()), group[0]))
    ranked = [group for group in ranked if sum(group[1].values())]
    shown, dropped = ranked[: max(0, limit)], ranked[max(0, limit):]
    rest = dict(rest)
    for _, counts in dropped:
        for label, count in counts.items():
            rest[label] = rest.get(label, 0) + count
    return shown, rest


def _colours(labels: Sequence[str], tones: Mapping[str, float | None] | None) -> dict[str, str]:
    """A colour per label by its tone; a second label of the same tone gets the next variant."""
    used: dict[int, int] = {}
    colours: dict[str, str] = {}
    for label in labels:
        if label in colours:
            continue
        tone = tones.get(label) if tones is not None else KNOWN_TONES.get(label.casefold())
        if tone is None:
            index, palette = -1, NEUTRAL_COLOURS
        else:
            index = min(4, max(0, int(float(tone) * 4 + 0.5)))
            palette = TONE_COLOURS[index]
        turn = used.get(index, 0)
        used[index] = turn + 1
        colours[label] = palette[turn % len(palette)]
    return colours


# --- Time ---------------------------------------------------------------------------------------


def _bucket_start(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def _next_bucket(day: dt.date, unit: str) -> dt.date | None:
    """The first day of the bucket after `day`'s; None past the calendar's end (year 9999)."""
    try:
        if unit == "week":
            return day + dt.timedelta(days=7)
        if unit == "month":
            return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if unit == "year":
            return dt.date(day.year + 1, 1, 1)
        return day + dt.timedelta(days=1)
    except (OverflowError, ValueError):
        return None


def _bucket_end(day: dt.date, unit: str) -> dt.date:
    following = _next_bucket(day, unit)
    return following - dt.timedelta(days=1) if following is not None else dt.date.max


def _bucket_count(start: dt.date, end: dt.date, unit: str) -> int:
    if unit == "day":
        return (end - start).days + 1
    if unit == "week":
        return (_bucket_start(end, "week") - _bucket_start(start, "week")).days // 7 + 1
    if unit == "month":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return end.year - start.year + 1


def _long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _bucket_words(day: dt.date, unit: str) -> str:
    if unit == "week":
        return f"week of {_long_date(day)}"
    if unit == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    if unit == "year":
        return str(day.year)
    return _long_date(day)


def _axis_label(day: dt.date, unit: str, previous: dt.date | None) -> str:
    """A short date under a column; the year on the first label and where it changes since the last."""
    if unit == "year":
        return str(day.year)
    short = MONTHS[day.month - 1] if unit == "month" else f"{day.day} {MONTHS[day.month - 1]}"
    return f"{short} {day.year}" if previous is None or previous.year != day.year else short


def _label_positions(columns: int, most: int) -> list[int]:
    """Which columns get a date under them: evenly spread, at most `most`, the first always."""
    most = max(1, most)
    if columns <= most:
        return list(range(columns))
    every = -(-columns // most)
    return list(range(0, columns, every))


# --- SVG text -----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text XML 1.0 can hold: control characters (but tab and newline), lone surrogates and the
    non-characters U+FFFE/U+FFFF are dropped, so the document always parses."""
    return _NOT_XML.sub("", text)


def _text(text: str) -> str:
    """Text escaped for XML element content and attribute values alike."""
    return escape(_clean(text), {'"': "&quot;", "'": "&apos;"})


def _n(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zero, so output is short and stable."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _count(value: int) -> int:
    """A count as drawn: a whole number, never below 0 (a bar cannot be shorter than nothing)."""
    return max(0, int(value))


def _number(count: int) -> str:
    return f"{count:,}"


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _wrap(text: str, width: float, size: int) -> list[str]:
    chars = max(8, int(width / (size * _CHAR_WIDTH)))
    return textwrap.wrap(" ".join(_clean(text).split()), chars) or [""]


def _truncate(text: str, width: float, size: int) -> str:
    """The text cut to fit `width` (roughly), ending in an ellipsis when cut."""
    text = " ".join(_clean(text).split())
    chars = max(4, int(width / (size * _CHAR_WIDTH)))
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _text_element(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int | None = None,
    weight: str | None = None,
    fill: str | None = None,
    extra: str = "",
) -> str:
    attributes = [f'x="{_n(x)}"', f'y="{_n(y)}"']
    if anchor != "start":
        attributes.append(f'text-anchor="{anchor}"')
    if size is not None:
        attributes.append(f'font-size="{size}"')
    if weight is not None:
        attributes.append(f'font-weight="{weight}"')
    if fill is not None:
        attributes.append(f'fill="{fill}"')
    if extra:
        attributes.append(extra)
    return f"<text {' '.join(attributes)}>{_text(text)}</text>"


def _rect(x: float, y: float, width: float, height: float, fill: str, extra: str, *, close: bool = True) -> str:
    tail = "/>" if close else ">"
    extra = f" {extra}" if extra else ""
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="{fill}"{extra}{tail}'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" stroke-width="1"/>'
