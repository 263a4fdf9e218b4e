"""Write N realistic seeds built from the BBC corpus (../shared/corpora/bbc, read in
place): paragraphs recombined from real articles, page chrome of varied outlets above and
below, dates in varied formats, attributed quotations, bylines, some legacy encodings.
Deterministic for a given --seed. Usage:

    python bench/make_corpus.py OUT_DIR --count 1000 [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc"

# Synthetic bench data (not extraction rules): who says what in the generated seeds.
FIRST = ["Anna", "James", "Maria", "David", "Sofia", "Omar", "Elena", "Peter", "Aisha", "Carlos", "Yuki", "Ivan",
         "Fatima", "Lukas", "Grace", "Samuel", "Leila", "Tomas", "Nadia", "Hugo"]
LAST = ["Keller", "Okafor", "Lindqvist", "Moreau", "Haddad", "Novak", "Tanaka", "Ramos", "Petrov", "Walsh",
        "Mendes", "Kowalski", "Bianchi", "Osei", "Larsen", "Dubois", "Farah", "Jensen", "Costa", "Varga"]
ROLES = ["the finance minister", "a spokesman for the company", "the chief executive", "an analyst at a bank",
         "the opposition leader", "the city's mayor", "a senior official", "the head of the union"]
OUTLETS = [
    (["Home  /  News  /  World", "Menu"], ["Share this article", "Follow us on Twitter", "© {year} Daily Ledger. All rights reserved."], "Daily Ledger"),
    (["Skip to content", "World | Business | Tech"], ["Related stories", "Sign up to our newsletter", "Copyright {year} Metro Wire"], "Metro Wire"),
    (["Accept all cookies", "Latest News"], ["Comments (4)", "Most read", "The Courier © {year}"], "The Courier"),
    (["NEWS", "Subscribe"], ["SHARE THIS ARTICLE", "www.northpost.example", "Northern Post"], "Northern Post"),
]
DATE_FORMATS = ["%B %d, %Y", "%d %B %Y", "Published: %d %b %Y", "%a %b %d, %Y %I:%M%p", "Updated %Y-%m-%d"]


def load_articles() -> list[tuple[str, list[str]]]:
    articles = []
    for path in sorted(CORPUS.glob("*/*.txt")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > 3:
            articles.append((lines[0], lines[1:]))
    return articles


def make_seed(rng: random.Random, articles, n: int) -> tuple[str, bytes]:
    title, paragraphs = rng.choice(articles)
    extra = rng.choice(articles)[1]
    body = paragraphs[: rng.randint(3, 8)] + extra[: rng.randint(0, 3)]
    head, tail, outlet = rng.choice(OUTLETS)
    date = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000))
    speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    quote = rng.choice([s for s in " ".join(body).split(". ") if len(s.split()) > 8] or ["Nothing more to say"])
    insert = rng.randrange(1, len(body) + 1)
    body.insert(insert, f'"{quote.strip().rstrip(".")}," said {speaker}, {rng.choice(ROLES)}.')
    if rng.random() < 0.5:
        body.insert(insert + 1, f"{speaker.split()[-1]} added that talks would continue on {date.strftime('%A')}.")
    lines = head + ["", title, "", f"By {rng.choice(FIRST)} {rng.choice(LAST)}", date.strftime(rng.choice(DATE_FORMATS)), ""]
    lines += [p for para in body for p in (para, "")]
    lines += [t.format(year=date.year) for t in tail]
    text = "\n".join(lines) + "\n"
    encoding = "cp1252" if rng.random() < 0.1 else "utf-8"
    return f"{n:06d}_{outlet.split()[-1].lower()}.txt", text.encode(encoding, errors="replace")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    articles = load_articles()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in range(args.count):
        name, data = make_seed(rng, articles, n)
        (args.out / name).write_bytes(data)
    print(f"wrote {args.count} seeds to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
