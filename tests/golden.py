"""Golden files for extraction: each case beside `<case>.expected.json`.

Regenerate every golden file with `python -m tests.golden`, then read the diff: a golden
file states what is right, so a change in it must be one you would defend."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from generator.clean import clean, corpus_repeats
from generator.extract.article import extract_article
from generator.model import Article
from generator.pipeline import discover
from generator.read import read_seed

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
SEED_GOLDEN = ROOT / "tests" / "golden_seeds"


def summarize(article: Article) -> dict:
    return {
        "title": article.title,
        "date": article.date.date.isoformat() if article.date.date else None,
        "date_source": article.date.source,
        "outlet": article.outlet,
        "original_source": article.original_source,
        "authors": list(article.authors),
        "dateline": article.dateline,
        "speakers": [s.name for s in article.speakers],
        "quotes": [[q.speaker, q.kind, q.text] for q in article.quotes],
        "places": [p.name for p in article.places],
        "organizations": list(article.organizations),
        "paragraphs": list(article.paragraphs),
        "captions": list(article.captions),
    }


def fixture_cases() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_file() and not p.name.endswith(".expected.json"))


def seed_cases() -> list[Path]:
    return discover(SEEDS)


def extract_fixture(path: Path) -> dict:
    """A fixture stands alone: no corpus to learn repeated template lines from."""
    return summarize(extract_article(clean(read_seed(path))))


def extract_seeds() -> dict[str, dict]:
    """Seeds are extracted together, as `archive build` does (repeated lines count)."""
    raws = [read_seed(p) for p in seed_cases()]
    repeats = corpus_repeats(r.text for r in raws)
    return {raw.name: summarize(extract_article(clean(raw, repeats))) for raw in raws}


def expected_path(case: Path) -> Path:
    if case.parent == SEEDS:
        return SEED_GOLDEN / (case.name + ".expected.json")
    return case.with_name(case.name + ".expected.json")


def dump(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    SEED_GOLDEN.mkdir(exist_ok=True)
    for case in fixture_cases():
        expected_path(case).write_text(dump(extract_fixture(case)), encoding="utf-8")
    for name, data in extract_seeds().items():
        expected_path(SEEDS / name).write_text(dump(data), encoding="utf-8")
    print("golden files rewritten; review them with `git diff tests/`", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
