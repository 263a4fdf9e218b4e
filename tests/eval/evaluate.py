"""Extraction quality against tests/eval/gold.yml: precision and recall of speakers and
places, title/date/outlet/original-source accuracy, page chrome kept in the body and
article text lost. A report, not a test: `make eval` or `python -m tests.eval.evaluate`.
"""

from __future__ import annotations

import argparse
import re
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.clean import clean, corpus_repeats
from generator.extract.article import extract_article
from generator.extract.sources import outlet_named
from generator.extract.text import fold
from generator.gazetteer import gazetteer
from generator.model import Article
from generator.read import read_seed

ROOT = Path(__file__).resolve().parents[2]
GOLD = Path(__file__).with_name("gold.yml")
HELDOUT = Path(__file__).with_name("heldout.yml")
HELDOUT3 = Path(__file__).with_name("heldout3.yml")
SUFFIXES = re.compile(r"\s+(?:jr|sr|ii|iii|iv)\.?$")


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], gold: set[str], optional: set[str] = frozenset()) -> tuple[set, set]:
        extra = predicted - gold - optional
        missed = gold - predicted
        self.tp += len(predicted & gold)
        self.fp += len(extra)
        self.fn += len(missed)
        return extra, missed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    n: int = 0
    right: dict[str, int] = field(default_factory=lambda: {"title": 0, "date": 0, "outlet": 0, "original_source": 0})
    speakers: Tally = field(default_factory=Tally)
    places: Tally = field(default_factory=Tally)
    chrome_probes: int = 0
    chrome_kept: int = 0
    text_probes: int = 0
    text_lost: int = 0
    notes: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(str(text).split())


def _place_key(name: str) -> str:
    candidate = gazetteer().lookup(name)
    return fold(candidate.place.name if candidate else name)


def _outlet_key(name: str | None) -> str | None:
    if name is None:
        return None
    return fold(outlet_named(name) or name)


def extract_all(entries: list[dict]) -> dict[str, Article]:
    seeds = [e["file"] for e in entries if e["file"].startswith("seeds/")]
    raws = {name: read_seed(ROOT / name) for name in seeds}
    repeats = corpus_repeats(r.text for r in raws.values())
    out = {name: extract_article(clean(raw, repeats)) for name, raw in raws.items()}
    for entry in entries:
        if entry["file"] not in out:
            out[entry["file"]] = extract_article(clean(read_seed(ROOT / entry["file"])))
    return out


def evaluate(entries: list[dict]) -> Report:
    report = Report()
    articles = extract_all(entries)
    for entry in entries:
        name = entry["file"]
        article = articles[name]
        report.n += 1
        gold_date = entry.get("date")
        gold_date = gold_date.isoformat() if isinstance(gold_date, dt.date) else gold_date
        checks = {
            "title": _norm(article.title or "") == _norm(entry["title"]),
            "date": (article.date.date.isoformat() if article.date.date else None) == gold_date,
            "outlet": _outlet_key(article.outlet) == _outlet_key(entry.get("outlet")),
            "original_source": _outlet_key(article.original_source) == _outlet_key(entry.get("original_source")),
        }
        for key, ok in checks.items():
            report.right[key] += ok
            if not ok:
                got = {
                    "title": article.title,
                    "date": article.date.date,
                    "outlet": article.outlet,
                    "original_source": article.original_source,
                }[key]
                report.notes.append(f"{name}: {key} {got!r}, gold {entry.get(key)!r}")
        extra, missed = report.speakers.add(
            {SUFFIXES.sub("", fold(s.name)) for s in article.speakers}, {SUFFIXES.sub("", fold(s)) for s in entry["speakers"]}
        )
        if extra or missed:
            report.notes.append(f"{name}: speakers extra {sorted(extra)} missed {sorted(missed)}")
        extra, missed = report.places.add(
            {_place_key(p.name) for p in article.places},
            {_place_key(p) for p in entry["places"]},
            {_place_key(p) for p in entry.get("places_optional", [])},
        )
        if extra or missed:
            report.notes.append(f"{name}: places extra {sorted(extra)} missed {sorted(missed)}")
        body = [_norm(p) for p in article.paragraphs] + [_norm(c) for c in article.captions]
        for probe in entry.get("chrome", []):
            probe = _norm(probe)
            report.chrome_probes += 1
            kept = any(p == probe or (len(probe) >= 25 and p.startswith(probe)) for p in body)
            if kept:
                report.chrome_kept += 1
                report.notes.append(f"{name}: chrome kept: {probe!r}")
        for probe in entry.get("keep", []):
            probe = _norm(probe)
            report.text_probes += 1
            if not any(probe in p for p in body):
                report.text_lost += 1
                report.notes.append(f"{name}: article text lost: {probe!r}")
    return report


def print_report(title: str, report: Report) -> None:
    print(f"\n## {title} ({report.n} articles)\n")
    print("| measure | value |")
    print("|---|---|")
    for key in ("title", "date", "outlet", "original_source"):
        print(f"| {key} accuracy | {report.right[key]}/{report.n} ({report.right[key] / report.n:.0%}) |")
    for label, tally in (("speakers", report.speakers), ("places", report.places)):
        print(f"| {label} precision | {tally.precision:.1%} ({tally.tp} right, {tally.fp} extra) |")
        print(f"| {label} recall | {tally.recall:.1%} ({tally.tp} of {tally.tp + tally.fn}) |")
    print(f"| chrome lines kept in body | {report.chrome_kept}/{report.chrome_probes} |")
    print(f"| article text lost | {report.text_lost}/{report.text_probes} |")
    if report.notes:
        print("\nDifferences from the gold file:")
        for note in report.notes:
            print(f"- {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    args = parser.parse_args(argv)
    entries = yaml.safe_load(args.gold.read_text(encoding="utf-8"))
    seeds = [e for e in entries if e["file"].startswith("seeds/")]
    tuning = [e for e in entries if not e["file"].startswith("seeds/")]
    print_report("Seeds", evaluate(seeds))
    if tuning:
        print_report("Evaluation set 1 (written after the first rules; used for tuning since)", evaluate(tuning))
    if args.heldout.exists():
        held_out = yaml.safe_load(args.heldout.read_text(encoding="utf-8"))
        print_report("Evaluation set 2 (written after set 1's fixes; used for tuning since)", evaluate(held_out))
    if HELDOUT3.exists():
        print_report("Evaluation set 3 (written after set 2's fixes; tuned since)", evaluate(yaml.safe_load(HELDOUT3.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
