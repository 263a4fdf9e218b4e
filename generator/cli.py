"""`archive`: build the archive from seeds/ (and more commands as the project grows)."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from pathlib import Path

from generator import __version__
from generator.pipeline import BuildLocked, BuildOptions, BuildReport, build
from generator.write import clean_outputs

EPILOG = """\
exit codes:
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
    b.add_argument("--jobs", type=_positive, default=1, help="worker processes for extraction (default: 1)")
    b.add_argument("--strict", action="store_true", help="fail (exit 1) on any warning or bad seed")
    b.add_argument("-q", "--quiet", action="store_true", help="print only the report")
    b.add_argument("--wait", type=float, default=60.0, help="seconds to wait for another running build (default: 60)")
    cl = sub.add_parser(
        "clean",
        help="remove every file the archive wrote (listed in DOCS/.archive-manifest.json) and the index",
    )
    cl.add_argument("--docs", type=Path, default=Path("docs"), help="MkDocs docs folder (default: docs)")
    cl.add_argument("--index", type=Path, default=Path(".archive/index"), help="Whoosh index folder (default: .archive/index)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "clean":
        removed, kept = clean_outputs(args.docs)
        if args.index.is_dir():
            shutil.rmtree(args.index)
        print(f"archive: removed {len(removed)} generated file(s) from {args.docs}/ and the index {args.index}/")
        for relpath in kept:
            print(f"  kept    {args.docs / relpath}: edited by hand since the archive wrote it")
        return 0
    if args.command == "build":
        options = BuildOptions(seeds=args.seeds, docs=args.docs, index=args.index, jobs=args.jobs, strict=args.strict)
        progress = None if args.quiet else (lambda message: print(message, file=sys.stderr, flush=True))
        try:
            report = build(options, progress, wait=args.wait)
        except BuildLocked as err:
            print(f"archive: {err}", file=sys.stderr)
            return 4
        print_report(report, options)
        return report.exit_code
    return 2


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
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
    if report.index:
        i = report.index
        print(f"  index {options.index}: {i['added']} added, {i['updated']} updated, {i['unchanged']} unchanged, {i['removed']} removed", file=out)
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
