"""Archive import: 14,231 Snopes fact-checks converted to factcheck's JSON lines, read back and timed.

Run it from the repository root:

    .venv/bin/python bench/archive_jsonl.py [--data DIR] [-o FILE]

DIR defaults to ../shared/data and holds ct22_claim_retrieval/vclaims.jsonl (CheckThat! 2022
task 2A: vclaim_id, vclaim, title, subtitle, page_url, author, date "26 May 2015"). Each line
becomes {"id": vclaim_id, "claim": vclaim, "title", "summary": subtitle, "url": page_url,
"published": YYYY-MM-DD, "publisher": "Snopes"}. `author` is the Snopes writer of the
fact-check, not who made the claim, so there is no "claimant". A date that is not "D Month
YYYY" (some are empty, two hold a sentence of the article) is left out: "published" is optional,
and a wrong date is worse than none. Empty fields are left out too.

The file (FILE, else a temporary one) is then read with factcheck.archive.formats.read_records;
every record must come out valid (exit 1 otherwise). Prints the conversion counts, then
records/s over the file, best of 5, beside the floor: `json.loads` of each line and nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from factcheck.archive.formats import ArchiveRecord, read_records  # noqa: E402

VCLAIMS = Path("ct22_claim_retrieval") / "vclaims.jsonl"
PASSES = 5
MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november december".split(), 1
    )
}
# "26 May 2015"; the data also has "21February 2009" and doubled spaces.
SNOPES_DATE = re.compile(r"([0-9]{1,2})\s*([A-Za-z]+)\s+([0-9]{4})")


def snopes_date(text: str) -> str | None:
    """The date as YYYY-MM-DD, or None if it is not a real "D Month YYYY" date."""
    match = SNOPES_DATE.fullmatch(text.strip())
    if match is None or match.group(2).lower() not in MONTHS:
        return None
    try:
        date = dt.date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:  # 30 February
        return None
    return date.isoformat()


def convert(source: Path, target: Path) -> Counter[str]:
    """Write the factcheck JSON lines of `source` to `target`; counts of what was done to dates."""
    counts: Counter[str] = Counter()
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for line in lines:
            snopes = json.loads(line)
            record = {
                "id": snopes["vclaim_id"],
                "claim": snopes["vclaim"],
                "title": snopes.get("title", ""),
                "summary": snopes.get("subtitle", ""),
                "url": snopes.get("page_url", ""),
                "published": snopes_date(snopes.get("date", "")),
                "publisher": "Snopes",
            }
            date = snopes.get("date", "").strip()
            if not date:
                counts["date empty: left out"] += 1
            elif record["published"] is None:
                counts["date not D Month YYYY: left out"] += 1
                print(f"  {record['id']}: date {date[:60]!r} left out", file=sys.stderr)
            elif not re.fullmatch(r"[0-9]+ [A-Za-z]+ [0-9]+", date):
                counts["date read despite odd spacing"] += 1
            counts["records"] += 1
            counts["with url"] += bool(record["url"])
            out.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n")
    return counts


def best_rate(read: Callable[[], int], records: int) -> float:
    """Records per second, the best of PASSES runs of `read`."""
    best = float("inf")
    for _ in range(PASSES):
        start = time.perf_counter()
        read()
        best = min(best, time.perf_counter() - start)
    return records / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="the shared data folder")
    parser.add_argument("-o", dest="output", type=Path, help="where to write the JSON lines (default: a temporary file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        target = args.output or Path(scratch) / "snopes.jsonl"
        counts = convert(args.data / VCLAIMS, target)
        for what, count in counts.items():
            print(f"{what}: {count:,}")

        with target.open("rb") as stream:
            results = list(read_records(stream, target.name))
        valid = sum(isinstance(r, ArchiveRecord) for r in results)
        dated = sum(isinstance(r, ArchiveRecord) and r.published is not None for r in results)
        print(f"read back: {valid:,} valid of {len(results):,}, {dated:,} dated, {target.stat().st_size:,} bytes")
        for problem in [r for r in results if not isinstance(r, ArchiveRecord)][:10]:
            print(f"  {problem}")

        def ours() -> int:
            with target.open("rb") as stream:
                return sum(1 for _ in read_records(stream, target.name))

        def plain() -> int:
            with target.open("rb") as stream:
                return sum(1 for line in stream if json.loads(line))

        rate, floor = best_rate(ours, len(results)), best_rate(plain, len(results))
        print(f"\n| reader | records/s | ratio |\n|---|---:|---:|\n| read_records | {rate:,.0f} | {rate / floor:.2f} |")
        print(f"| json.loads per line | {floor:,.0f} | 1.00 |")
    return 0 if valid == counts["records"] == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
