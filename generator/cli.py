"""`archive`: build the archive from seeds/ (and more commands as the project grows)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from generator import __version__
from generator.freshness import record_path
from generator.pipeline import BuildLocked, BuildOptions, BuildReport, ExecutorError, build
from generator.write import clean_outputs

EPILOG = """\
exit codes of `archive build`:
  0  the archive was built (bad seeds, if any, are listed in the report)
  1  --strict was given and there were warnings or bad seeds
  2  the command line was wrong
  3  nothing could be built: no seeds, or every seed failed
  4  another build of the same archive was running (after --wait seconds)

Every problem names its file and says what to do. Seeds are never modified; the
generator only replaces or removes files it wrote itself (docs/.archive-manifest.json).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="archive",
        description="Turn raw news-page dumps into a searchable static archive.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"archive {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="extract every seed into DOCS/articles/*.md and update the search index",
        description="Extract every seed into DOCS/articles/<slug>.md and update the Whoosh index.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of raw seeds (default: seeds)")
    b.add_argument("--docs", type=Path, default=Path("docs"), help="MkDocs docs folder (default: docs)")
    b.add_argument("--index", type=Path, default=Path(".archive/index"), help="Whoosh index folder (default: .archive/index)")
    b.add_argument("--jobs", type=_positive, default=1, help="worker processes for extraction; from 2, the Whoosh index is made in a second process too (default: 1)")
    b.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where extraction runs: local processes (--jobs) or a Dask cluster (--scheduler)")
    b.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    b.add_argument("--strict", action="store_true", help="fail (exit 1) on any warning or bad seed")
    b.add_argument("--markdown-bodies", action="store_true",
                   help="write each article's text as Markdown, for tools that read the pages (MkDocs then renders it through Markdown, slower); default: as HTML")
    b.add_argument("-q", "--quiet", action="store_true", help="print only the report")
    b.add_argument("--wait", type=float, default=60.0, help="seconds to wait for another running build (default: 60)")
    cl = sub.add_parser(
        "clean",
        help="remove every file the archive wrote (listed in DOCS/.archive-manifest.json) and the index",
    )
    cl.add_argument("--docs", type=Path, default=Path("docs"), help="MkDocs docs folder (default: docs)")
    cl.add_argument("--index", type=Path, default=Path(".archive/index"), help="Whoosh index folder (default: .archive/index)")
    se = sub.add_parser(
        "search",
        help="search the archive's index (the same query language as the site)",
        description="Search the Whoosh index written by `archive build`.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    se.add_argument("query", help='the query, e.g. \'ceasefire speaker:"john kerry" date:2016\'')
    se.add_argument("--index", type=Path, default=Path(".archive/index"), help="Whoosh index folder (default: .archive/index)")
    se.add_argument("--limit", type=_at_least_one, default=10, help="number of results to print (default: 10)")
    se.add_argument("--sort", choices=("relevance", "date"), default="relevance", help="best match first, or newest first")
    se.add_argument("--json", action="store_true", help="print the results as JSON (for scripts)")
    se.add_argument("--facets", action="store_true", help="also print counts by speaker, place, outlet and year")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "clean":
        removed, kept = clean_outputs(args.docs)
        if args.index.is_dir():
            shutil.rmtree(args.index)
        record_path(args.index).unlink(missing_ok=True)
        print(f"archive: removed {len(removed)} generated file(s) from {args.docs}/ and the index {args.index}/")
        for relpath in kept:
            print(f"  kept    {args.docs / relpath}: edited by hand since the archive wrote it")
        return 0
    if args.command == "search":
        return run_search(args)
    if args.command == "build":
        if args.executor == "dask" and not args.scheduler:
            parser.error("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
        options = BuildOptions(seeds=args.seeds, docs=args.docs, index=args.index, jobs=args.jobs, strict=args.strict,
                               executor=args.executor, scheduler=args.scheduler, markdown_bodies=args.markdown_bodies)
        progress = None if args.quiet else (lambda message: print(message, file=sys.stderr, flush=True))
        try:
            report = build(options, progress, wait=args.wait)
        except BuildLocked as err:
            print(f"archive: {err}", file=sys.stderr)
            return 4
        except ExecutorError as err:
            print(f"archive: {err}", file=sys.stderr)
            return 2
        print_report(report, options)
        return report.exit_code
    return 2


QUERY_HELP = """\
query language (the same on the site's search page):
  words            all must match          "exact phrase"    words in this order
  a OR b           either                  NOT word, -word   must not match
  prefix*          words starting so       ( ... )           grouping
  speaker: place: outlet: source: org: title: quote:         one field only
  date:2016  date:2016-02  date:2016-02-29  date:[2016-01-01 to 2016-03-31]
Case, accents and word endings do not matter.

exit codes: 0 results printed (possibly none), 1 the query cannot be run (the message
says why), 2 the command line was wrong, 3 there is no index (run `archive build`).
"""


def run_search(args) -> int:
    from generator.query import QueryError
    from generator.search import IndexMissing, search

    interactive = sys.stdout.isatty() and not args.json
    marks = ("\x1b[1m", "\x1b[0m") if interactive else ("«", "»")
    try:
        results = search(args.index, args.query, limit=args.limit, sort=args.sort, facets=args.facets, marks=marks)
    except QueryError as err:
        print(f"archive search: {err}", file=sys.stderr)
        return 1
    except IndexMissing as err:
        print(f"archive search: {err}", file=sys.stderr)
        return 3
    if args.json:
        payload = {
            "query": results.query,
            "total": results.total,
            "results": [dict(vars(hit), speakers=list(hit.speakers), places=list(hit.places)) for hit in results.hits],
        }
        if args.facets:
            payload["facets"] = {name: [{"value": v, "count": n} for v, n in counts] for name, counts in results.facets.items()}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{results.total} article(s) match {args.query!r}" + (f"; the first {len(results.hits)}:" if results.total > len(results.hits) else ":" if results.hits else "."))
    for n, hit in enumerate(results.hits, 1):
        print(f"\n{n}. {hit.title}")
        print("   " + " · ".join(x for x in (hit.date or "undated", hit.outlet, ", ".join(hit.speakers[:4])) if x))
        print(f"   articles/{hit.slug}.md")
        if hit.snippet:
            print(f"   {hit.snippet}")
    if args.facets:
        for name, counts in results.facets.items():
            print(f"\n{name}: " + ("; ".join(f"{value} ({count})" for value, count in counts) or "none"))
    return 0


def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _positive(value: str) -> int:
    """A job count: 1 or more; absurd counts are cut to the number of CPUs."""
    number = _at_least_one(value)
    return min(number, os.cpu_count() or 1) if number > 64 else number


def print_report(report: BuildReport, options: BuildOptions) -> None:
    out = sys.stdout
    print(
        f"archive: {report.articles} article(s) from {report.seeds} seed(s) in {report.seconds:.1f} s "
        f"({report.extracted} extracted, {report.cached} from the cache) "
        f"({report.written} written, {report.unchanged} unchanged, {report.removed} removed); "
        f"{report.warning_count} warning(s), {len(report.errors)} bad seed(s)",
        file=out,
    )
    if report.up_to_date:
        print("  nothing changed since the last build (seeds, curation files, pages and index as it left them): its findings stand", file=out)
    if report.index:
        i = report.index
        print(f"  index {options.index}: {i['added']} added, {i['updated']} updated, {i['unchanged']} unchanged, {i['removed']} removed", file=out)
    if report.stages:
        print("  stages: " + ", ".join(f"{name} {seconds:.1f} s" for name, (seconds, _) in report.stages.items())
              + f"; peak memory {max(peak for _, peak in report.stages.values()):.0f} MB", file=out)
        print("  peak memory after each stage: " + ", ".join(f"{name} {peak:.0f} MB" for name, (_, peak) in report.stages.items()), file=out)
    for name, (seconds, peak) in report.beside.items():
        print(f"  {name} in a second process, beside the index pages and the client index: {seconds:.1f} s, "
              f"peak memory {peak:.0f} MB (counting what it shares with the build)", file=out)
    for name, message in sorted(report.errors.items()):
        print(f"  error   {message}", file=out)
    for name, messages in sorted(report.warnings.items()):
        for message in messages:
            print(f"  warning {name}: {message}", file=out)
    if report.exit_code == 3:
        print(f"  nothing was built: check that {options.seeds}/ holds readable text or HTML seeds", file=out)
    elif report.exit_code == 1:
        print("  --strict: failing because of the problems above", file=out)


if __name__ == "__main__":
    raise SystemExit(main())
