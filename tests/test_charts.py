"""The SVG charts (factcheck.report.charts), read back with a real XML parser."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from factcheck.domain.scales import DEFAULT_RATINGS
from factcheck.rendering import inline_svg
from factcheck.report.charts import (
    GROUP_LIMIT,
    MAX_COLUMNS,
    NEUTRAL_COLOURS,
    TONE_COLOURS,
    reviews_over_time,
    scale_tones,
    time_buckets,
    verdict_distribution,
    verdicts_by_group,
)

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '</text><script>alert(1)</script><text>& "quoted" \'single\' <b>'
LABELS = [label for label, _, _ in DEFAULT_RATINGS]
COUNTS = [("True", 12), ("Mostly true", 3), ("Half true", 0), ("Mostly false", 7), ("False", 21), ("Unverifiable", 2),
          ("Not a claim", 1)]
DAY = dt.date(2025, 3, 3)  # a Monday


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    """What the chart writes as text, element by element (tooltips aside)."""
    return ["".join(element.itertext()) for element in root.iter(f"{NS}text")]


def bars(root: ET.Element, kind: str = "chart-bar") -> list[ET.Element]:
    return [rect for rect in root.iter(f"{NS}rect") if kind in rect.get("class", "").split()]


def every_chart() -> dict[str, str]:
    groups = [(f"Outlet {n}", [("True", n), ("False", 1)]) for n in range(15)]
    points = [(DAY + dt.timedelta(days=n), n % 4) for n in range(40)]
    return {
        "distribution": verdict_distribution(COUNTS, title="Verdicts", extra=[("In review", 5)]),
        "groups": verdicts_by_group(groups, ["True", "False"], title="By outlet"),
        "time": reviews_over_time(points, title="Over time"),
        "hostile distribution": verdict_distribution([(HOSTILE, 2)], title=HOSTILE),
        "hostile groups": verdicts_by_group([(HOSTILE, [(HOSTILE, 1)])], [HOSTILE], title=HOSTILE),
        "hostile time": reviews_over_time([(DAY, 1)], title=HOSTILE),
        "empty distribution": verdict_distribution([], title="Verdicts"),
        "empty groups": verdicts_by_group([], LABELS, title="By outlet"),
        "empty time": reviews_over_time([], title="Over time", start=DAY, end=DAY),
    }


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_is_a_standalone_accessible_svg_a_strict_csp_lets_in(name):
    svg = every_chart()[name]
    root = parse(svg)
    assert root.get("role") == "img" and root.get("width") == "100%" and root.get("height") is None
    assert root.get("viewBox").startswith("0 0 400 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    assert [child.tag for child in root[:2]] == [f"{NS}title", f"{NS}desc"]
    assert root[0].get("id") == title_id and root[1].get("id") == desc_id
    assert root[0].text and root[1].text
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert not any(key.startswith("on") or key.endswith("href") for key in element.attrib), element.attrib
        assert element.tag not in (f"{NS}style", f"{NS}script", f"{NS}foreignObject", f"{NS}image", f"{NS}a")
    assert "<style" not in svg and "url(" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert inline_svg(svg) == svg  # and the page's allowlist takes it as it is


def test_the_same_input_gives_the_same_bytes():
    assert every_chart() == every_chart()
    other = verdict_distribution(COUNTS[:-1], title="Verdicts")
    assert parse(other).get("aria-labelledby") != parse(every_chart()["distribution"]).get("aria-labelledby")


def test_a_distribution_draws_one_bar_per_verdict_in_the_order_given():
    root = parse(verdict_distribution(COUNTS, title="Signed-off verdicts", extra=[("In review", 5), ("Not yet reviewed", 40)]))
    drawn = bars(root)
    assert len(drawn) == len(COUNTS) + 2 and len(bars(root, "chart-extra")) == 2
    words = texts(root)
    labels = [label for label, _ in COUNTS] + ["In review", "Not yet reviewed"]
    assert [w for w in words if w in labels] == labels
    for label, count in COUNTS:
        assert words[words.index(label) + 1] == str(count)
    widths = [float(rect.get("width")) for rect in drawn]
    longest = max(widths)
    assert widths[-1] == longest  # 40, the largest
    assert widths[4] == pytest.approx(longest * 21 / 40, abs=0.1)
    assert widths[2] == 0  # Half true: 0, still its row
    colours = {label: rect.get("fill") for (label, _), rect in zip(COUNTS, drawn, strict=False)}
    assert colours["True"] == TONE_COLOURS[4][0] and colours["False"] == TONE_COLOURS[0][0]
    assert colours["Half true"] == TONE_COLOURS[2][0]
    assert colours["Unverifiable"] in NEUTRAL_COLOURS and colours["Not a claim"] in NEUTRAL_COLOURS
    assert root.find(f"{NS}desc").text == (
        "True: 12; Mostly true: 3; Half true: 0; Mostly false: 7; False: 21; Unverifiable: 2; Not a claim: 1; "
        "In review: 5; Not yet reviewed: 40. 46 verdicts in all."
    )
    assert "Signed-off verdicts" in words and {"0", "10", "20", "30", "40"} <= set(words)  # the ticks


def test_tones_come_from_the_scale():
    ratings = [{"label": label, "value": value, "best": label == "True", "worst": label == "False"}
               for label, value, _ in DEFAULT_RATINGS]
    tones = scale_tones(ratings)
    assert tones == {"True": 1.0, "Mostly true": 0.75, "Half true": 0.5, "Mostly false": 0.25, "False": 0.0,
                     "Unverifiable": None, "Not a claim": None}
    root = parse(verdict_distribution([("Holds up", 1), ("Falls apart", 1)], title="Custom",
                                      tones={"Holds up": 1.0, "Falls apart": 0.0}))
    assert [rect.get("fill") for rect in bars(root)] == [TONE_COLOURS[4][0], TONE_COLOURS[0][0]]
    unmarked = scale_tones([{"label": "Yes", "value": 1}, {"label": "No", "value": 0}])
    assert unmarked == {"Yes": None, "No": None}
    # Two labels of one tone in one chart are told apart.
    twins = parse(verdict_distribution([("True", 1), ("Correct Attribution", 1)], title="Snopes",
                                       tones={"True": 1.0, "Correct Attribution": 1.0}))
    assert len({rect.get("fill") for rect in bars(twins)}) == 2


@pytest.mark.parametrize("chart", ["distribution", "groups", "time"])
def test_hostile_labels_stay_text(chart):
    root = parse(every_chart()[f"hostile {chart}"])
    assert not [e for e in root.iter() if e.tag.removeprefix(NS) in ("script", "b")]
    assert root.find(f"{NS}title").text == HOSTILE  # the whole title, escaped, read back
    if chart != "time":
        assert any(HOSTILE[:15] in text for text in texts(root))


def test_characters_xml_cannot_hold_are_dropped():
    root = parse(verdict_distribution([("Nul\x00 and\x0b tab\ud800", 1)], title="Bad\x1b bytes"))
    assert root.find(f"{NS}title").text == "Bad bytes"
    assert "Nul and tab" in texts(root)


@pytest.mark.parametrize("counts", [[], [("True", 0), ("False", 0)]])
def test_nothing_to_draw_says_so(counts):
    root = parse(verdict_distribution(counts, title="Verdicts"))
    assert "No verdicts yet" in texts(root) and not bars(root)
    assert root.find(f"{NS}desc").text == "No verdicts yet."
    assert "No verdicts yet" in texts(parse(verdicts_by_group([("AP", [("True", 0)])], ["True"], title="x")))
    assert "No verdicts given in this period" in texts(parse(reviews_over_time([], title="x")))
    assert "Nothing" in texts(parse(reviews_over_time([(DAY, 0)], title="x", empty="Nothing")))


def test_groups_are_stacked_bars_with_a_legend():
    groups = [("Reuters", [("True", 5), ("False", 7)]), ("AP", [("Mostly true", 3), ("Unverifiable", 2)])]
    root = parse(verdicts_by_group(groups, LABELS, title="Verdicts by outlet"))
    rows = [g for g in root.iter(f"{NS}g") if g.get("class") == "chart-group"]
    assert [row.find(f"{NS}title").text for row in rows] == ["Reuters: 12", "AP: 5"]
    segments = [[rect.find(f"{NS}title").text for rect in bars(row, "chart-segment")] for row in rows]
    assert segments == [["Reuters, True: 5", "Reuters, False: 7"], ["AP, Mostly true: 3", "AP, Unverifiable: 2"]]
    reuters = sum(float(r.get("width")) for r in bars(rows[0], "chart-segment"))
    ap = sum(float(r.get("width")) for r in bars(rows[1], "chart-segment"))
    assert ap == pytest.approx(reuters * 5 / 12, abs=0.2)
    legend = [g.find(f"{NS}text").text for g in root.iter(f"{NS}g") if g.get("class") == "chart-legend-item"]
    assert legend == ["True", "Mostly true", "False", "Unverifiable"]  # the labels used, in scale order
    assert root.find(f"{NS}desc").text == "Reuters: 12 (True 5, False 7); AP: 5 (Mostly true 3, Unverifiable 2)."


def test_only_the_biggest_groups_get_a_row():
    groups = [(f"Outlet {n:02d}", [("True", n + 1)]) for n in range(GROUP_LIMIT + 3)]
    groups.append(("Other", [("True", 100)]))  # summed in SQL already: it joins the rest, last
    root = parse(verdicts_by_group(groups, ["True"], title="By outlet"))
    rows = [g.find(f"{NS}title").text for g in root.iter(f"{NS}g") if g.get("class") == "chart-group"]
    assert len(rows) == GROUP_LIMIT + 1
    assert rows[0] == f"Outlet {GROUP_LIMIT + 2:02d}: {GROUP_LIMIT + 3}"
    assert rows[-1] == f"Other: {100 + 1 + 2 + 3}"  # the three smallest, and the given Other
    tied = parse(verdicts_by_group([("B", [("True", 1)]), ("A", [("True", 1)]), ("C", [("True", 1)])], ["True"],
                                   title="Ties", limit=2, other="The rest"))
    assert [g.find(f"{NS}title").text for g in tied.iter(f"{NS}g") if g.get("class") == "chart-group"] == [
        "A: 1", "B: 1", "The rest: 1"]


def test_the_longest_preset_label_fits_and_a_longer_one_is_cut():
    labels = [("Originated as Satire", 2), ("A custom label written out at a length nobody should use", 1)]
    root = parse(verdict_distribution(labels, title="Snopes"))
    rows = [g for g in root.iter(f"{NS}g") if g.get("class") == "chart-bar-row"]
    assert [row.find(f"{NS}text").text for row in rows] == ["Originated as Satire", "A custom label writ…"]
    assert rows[1].find(f"{NS}title").text == "A custom label written out at a length nobody should use: 1"


def test_a_long_name_is_cut_with_its_full_name_in_the_tooltip():
    name = "The International Herald of Very Long Outlet Names, Weekend and Holiday Edition"
    root = parse(verdicts_by_group([(name, [("True", 1)])], ["True"], title="By outlet"))
    row = next(g for g in root.iter(f"{NS}g") if g.get("class") == "chart-group")
    shown = row.find(f"{NS}text").text
    assert shown.endswith("…") and name.startswith(shown[:-1]) and len(shown) < len(name)
    assert row.find(f"{NS}title").text == f"{name}: 1"


@pytest.mark.parametrize(
    "days, unit, columns",
    [(1, "day", 1), (10, "day", 10), (MAX_COLUMNS, "day", MAX_COLUMNS), (90, "week", 13), (365 * 3, "month", 37),
     (365 * 20, "year", 21)],  # from March: a 37th month, a 21st year,
)
def test_the_bucket_follows_the_range(days, unit, columns):
    end = DAY + dt.timedelta(days=days - 1)
    points = [(DAY, 2), (DAY, 1), (end, 4), (DAY - dt.timedelta(days=1), 50), (end + dt.timedelta(days=1), 50)]
    found_unit, buckets = time_buckets(points, DAY, end)
    assert (found_unit, len(buckets)) == (unit, columns)
    assert sum(count for _, count in buckets) == 7  # the same day's summed, those outside left out
    root = parse(reviews_over_time(points, title="Over time", start=DAY, end=end))
    assert len(bars(root, "chart-column")) == columns
    heights = [float(rect.get("height")) for rect in bars(root, "chart-column")]
    assert [height > 0 for height in heights] == [count > 0 for _, count in buckets]
    assert heights[0] > 0


def test_columns_carry_their_dates():
    points = [(DAY + dt.timedelta(days=n), n) for n in range(10)]
    root = parse(reviews_over_time(points, title="Verdicts per day"))
    words = texts(root)
    assert "3 Mar 2025" in words and "5 Mar" in words  # the year on the first date only
    tips = [rect.find(f"{NS}title").text for rect in bars(root, "chart-column")]
    assert tips[0] == "3 Mar 2025: 0" and tips[-1] == "12 Mar 2025: 9"
    assert "9" in words  # the busiest column's number
    assert root.find(f"{NS}desc").text == (
        "45 in all from 3 Mar 2025 to 12 Mar 2025, counted per day; the most, 9, in the day 12 Mar 2025. "
        "9 of 10 days had any."
    )
    weeks = parse(reviews_over_time([(DAY, 1)], title="Weekly", start=DAY, end=DAY + dt.timedelta(days=100)))
    assert bars(weeks, "chart-column")[0].find(f"{NS}title").text == "Week of 3 Mar 2025: 1"


def test_the_page_allowlist_refuses_what_charts_never_hold():
    good = every_chart()["distribution"]
    for bad in [
        good.replace("<desc", "<script>alert(1)</script><desc"),
        good.replace('role="img"', 'role="img" onload="alert(1)"'),
        good.replace('role="img"', 'role="img" style="color: red"'),
        good.replace("<desc", '<a href="https://example.org"><text>x</text></a><desc'),
        "<!DOCTYPE svg [<!ENTITY x 'y'>]>" + good,
        good.replace("</svg>", ""),
        '<html xmlns="http://www.w3.org/1999/xhtml"/>',
    ]:
        with pytest.raises(ValueError):
            inline_svg(bad)


def test_a_new_year_is_named_under_the_axis():
    root = parse(reviews_over_time([(dt.date(2024, 12, 20), 1)], title="Turn of the year", start=dt.date(2024, 12, 10),
                                   end=dt.date(2025, 1, 20)))
    labels = [t for t in texts(root) if t[:1].isdigit() and " " in t]
    assert labels[0] == "10 Dec 2024"
    assert any(label.endswith("2025") for label in labels[1:])
    assert sum(label.endswith(("2024", "2025")) for label in labels) == 2


def test_a_negative_count_draws_as_nothing():
    root = parse(verdict_distribution([("True", -3), ("False", 2)], title="Odd input"))
    assert [float(rect.get("width")) >= 0 for rect in bars(root)] == [True, True]
    assert float(bars(root)[0].get("width")) == 0
