"""Extraction throughput on real articles: read + clean + extract over the BBC corpus in
../shared/corpora/bbc (read in place, never copied). Prints articles/s per stage and the
peak memory of the process. Usage: python bench/extract_bbc.py [N]"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from generator.clean import clean, corpus_repeats
from generator.extract.article import extract_article
from generator.gazetteer import gazetteer
from generator.read import read_seed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bbc"


def main() -> int:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else None
    files = sorted(CORPUS.glob("*/*.txt"))[:limit]
    if not files:
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    gazetteer()
    load = time.perf_counter() - started
    t = time.perf_counter()
    raws = [read_seed(f) for f in files]
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    repeats = corpus_repeats(r.text for r in raws)
    docs = [clean(r, repeats) for r in raws]
    clean_s = time.perf_counter() - t
    t = time.perf_counter()
    quotes = sum(len(extract_article(d).quotes) for d in docs)
    extract_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(files)
    print(f"articles: {n}; quotes found: {quotes}")
    print("| stage | seconds | articles/s |")
    print("|---|---|---|")
    print(f"| gazetteer load (once) | {load:.2f} | |")
    for stage, seconds in (("read", read_s), ("clean", clean_s), ("extract", extract_s)):
        print(f"| {stage} | {seconds:.2f} | {n / seconds:.0f} |")
    print(f"peak memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
