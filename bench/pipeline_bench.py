"""Pipeline benchmark: `archive build` (everything but `mkdocs build`) from scratch on
synthetic archives of N articles (bench/make_corpus.py), stage by stage, with a plot.

    python bench/pipeline_bench.py 1000 10000 100000 [--jobs 2] [--json out.json] [--plot out.svg]
    python bench/pipeline_bench.py --from out.json --plot out.svg     # plot saved figures again
    python bench/pipeline_bench.py --from out.json --add-run build.log time.log --json out.json
        # add a run made by hand: `/usr/bin/time -v archive build --jobs 2 >build.log 2>time.log`

For each N: the corpus is written to a temporary folder, then `archive build --jobs J`
runs once from an empty archive. The table gives each stage's wall time, articles per
second and the build's peak memory after it (resident set of the main process, as the
build report prints it), the whole run's wall and CPU time, and the peak of the largest
process of the run (the extraction workers are separate processes). Clean and extract
are one stage: each worker cleans a seed and extracts it in one task. The plot (an SVG
with no script and no external resource) draws wall time and peak memory against N on
log scales."""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAGES = ("read", "clean+extract", "write articles", "write index pages", "whoosh index", "client index")
# With --jobs 2 or more the Whoosh index is made in a second process while the build writes
# the index pages and the client index; the build's last stage is the wait for it.
STAGES_BESIDE = ("read", "clean+extract", "write articles", "write index pages", "client index", "whoosh index wait")


def parse_report(text: str) -> dict:
    """Stage times and peaks from `archive build`'s report."""
    times = dict(re.findall(r"([a-z][a-z+ ]*?) ([\d.]+) s", text.split("stages:")[1].split(";")[0]))
    peaks = dict(re.findall(r"([a-z][a-z+ ]*?) ([\d.]+) MB", text.split("peak memory after each stage:")[1].splitlines()[0]))
    total = float(re.search(r"seed\(s\) in ([\d.]+) s", text).group(1))
    articles = int(re.search(r"archive: (\d+) article", text).group(1))
    beside = re.findall(r"^  ([a-z][a-z ]*?) in a second process, [^:]*: ([\d.]+) s, peak memory ([\d.]+) MB", text, re.M)
    return {"articles": articles, "seconds": total,
            "stages": {name.strip(): [float(times[name]), float(peaks[name])] for name in times},
            "beside": {name: [float(seconds), float(peak)] for name, seconds, peak in beside}}


def measure(n: int, work: Path, jobs: int) -> dict:
    project = work / f"archive-{n}"
    (project / "docs").mkdir(parents=True)
    say(f"{n:,} articles: writing the corpus")
    subprocess.run([sys.executable, ROOT / "bench" / "make_corpus.py", project / "seeds", "--count", str(n)], check=True, capture_output=True)
    say(f"{n:,} articles: archive build --jobs {jobs}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    build = subprocess.Popen([BIN / "archive", "build", "--jobs", str(jobs)], cwd=project, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    tree_peak = [0.0]
    sampler = threading.Thread(target=_sample_tree, args=(build, tree_peak), daemon=True)
    sampler.start()
    out, _ = build.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if build.returncode:
        raise SystemExit(f"archive build failed at {n:,} articles (exit {build.returncode}):\n{out}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    row = parse_report(out)
    row.update(n=n, jobs=jobs, wall=wall, cpu=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
               largest_process_mb=after.ru_maxrss / 1024, tree_peak_mb=tree_peak[0])
    return row


def _sample_tree(process: subprocess.Popen, peak: list[float]) -> None:
    """The largest sum, sampled twice a second, of the resident sets of the build and
    every process under it (its extraction workers)."""
    page_mb = os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    while process.poll() is None:
        parents, rss = {}, {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry.name)], rss[int(entry.name)] = int(fields[1]), int(fields[21])
        tree, grew = {process.pid}, True
        while grew:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grew = bool(more)
        peak[0] = max(peak[0], sum(rss.get(pid, 0) for pid in tree) * page_mb)
        time.sleep(0.5)


def from_logs(report: Path, timing: Path, jobs: int) -> dict:
    """A run made by hand under `/usr/bin/time -v`: its report and time's figures."""
    row = parse_report(report.read_text())
    text = timing.read_text()

    def number(label: str) -> float:
        return float(re.search(re.escape(label) + r": ([\d.:]+)", text).group(1).split(":")[-1])

    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    wall = sum(float(part) * 60 ** i for i, part in enumerate(reversed(clock.split(":"))))
    row.update(n=row["articles"], jobs=jobs, wall=wall, cpu=number("User time (seconds)") + number("System time (seconds)"),
               largest_process_mb=number("Maximum resident set size (kbytes)") / 1024)
    return row


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table(rows: list[dict]) -> str:
    lines = ["| articles | stage | wall time | articles / s | peak memory after it |", "|---|---|---|---|---|"]
    for r in rows:
        n = r["articles"]
        for name, (seconds, peak) in r["stages"].items():
            lines.append(f"| {r['n']:,} | {name} | {seconds:.1f} s | {n / seconds if seconds else float('inf'):,.0f} | {peak:.0f} MB |")
        for name, (seconds, peak) in r.get("beside", {}).items():
            lines.append(f"| {r['n']:,} | {name} (second process, beside the index pages and client index) | {seconds:.1f} s "
                         f"| {n / seconds if seconds else float('inf'):,.0f} | {peak:.0f} MB (its own peak) |")
        lines.append(f"| {r['n']:,} | **whole pipeline** | **{r['seconds']:.1f} s** ({r['cpu']:.0f} s CPU) | {n / r['seconds']:,.0f} "
                     f"| **{max(p for _, p in r['stages'].values()):.0f} MB** (largest process: {r['largest_process_mb']:.0f} MB; "
                     f"build and workers together: {r.get('tree_peak_mb', float('nan')):.0f} MB) |")
    return "\n".join(lines)


def plot(rows: list[dict]) -> str:
    """Wall time (s, left axis) and peak memory (MB, right axis: the main process, and the
    build with its workers) against N, all axes logarithmic, as SVG. The issue's goals
    are drawn dashed: 60 s at 10,000 articles, 1 GB of memory."""
    from math import floor, log10

    rows = sorted(rows, key=lambda r: r["n"])
    width, height, left, right, top, bottom = 680, 400, 70, 70, 66, 50
    ns = [r["n"] for r in rows]
    time_values = [r["seconds"] for r in rows]
    main_memory = [max(p for _, p in r["stages"].values()) for r in rows]
    tree_memory = [r.get("tree_peak_mb") or m for r, m in zip(rows, main_memory)]

    def span(values):
        lo, hi = floor(log10(min(values))), floor(log10(max(values))) + 1
        return lo, max(hi, lo + 1)

    def scale(values):
        lo, hi = span(values)
        return lo, hi, lambda v: height - bottom - (log10(v) - lo) / (hi - lo) * (height - top - bottom)

    xlo, xhi = span(ns)
    x = lambda v: left + (log10(v) - xlo) / (xhi - xlo) * (width - left - right)
    tlo, thi, ty = scale(time_values + [60])
    mlo, mhi, my = scale(main_memory + tree_memory + [1000])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-labelledby="t">'
           '<title id="t">Pipeline wall time and peak memory against the number of articles (log scales)</title>',
           '<style>text{font:12px sans-serif;fill:#333}</style>',
           f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" fill="none" stroke="#999"/>']
    for e in range(xlo, xhi + 1):
        out.append(f'<line x1="{x(10 ** e):.1f}" x2="{x(10 ** e):.1f}" y1="{top}" y2="{height - bottom}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{x(10 ** e):.1f}" y="{height - bottom + 16}" text-anchor="middle">{10 ** e:,}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">articles</text>')
    blue, red = "#1f5fa8", "#b5471b"
    for e in range(tlo, thi + 1):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty(10 ** e):.1f}" y2="{ty(10 ** e):.1f}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{left - 6}" y="{ty(10 ** e) + 4:.1f}" text-anchor="end" fill="{blue}">{10 ** e:,} s</text>')
    for e in range(mlo, mhi + 1):
        out.append(f'<text x="{width - right + 6}" y="{my(10 ** e) + 4:.1f}" fill="{red}">{10 ** e:,} MB</text>')
    if xlo <= 4 <= xhi:
        out.append(f'<line x1="{x(10 ** 4) - 12:.1f}" x2="{x(10 ** 4) + 12:.1f}" y1="{ty(60):.1f}" y2="{ty(60):.1f}" stroke="{blue}" stroke-dasharray="3 2"/>')
        out.append(f'<text x="{x(10 ** 4) + 16:.1f}" y="{ty(60) + 4:.1f}" fill="{blue}">goal: 60 s</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{my(1000):.1f}" y2="{my(1000):.1f}" stroke="{red}" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{width - right - 6}" y="{my(1000) - 5:.1f}" text-anchor="end" fill="{red}">goal: 1 GB</text>')
    for label, colour, values, y, dash in (("wall time", blue, time_values, ty, ""),
                                           ("peak memory, main process", red, main_memory, my, ""),
                                           ("peak memory, build and workers", red, tree_memory, my, ' stroke-dasharray="2 3"')):
        points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in zip(ns, values))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for n, v in zip(ns, values):
            out.append(f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}"><title>{label}, {n:,} articles: {v:,.0f}</title></circle>')
    legend = [("wall time (s, left)", blue, ""), ("peak memory, main process (MB, right)", red, ""),
              ("peak memory, build and its workers (MB, right)", red, ' stroke-dasharray="2 3"')]
    for i, (label, colour, dash) in enumerate(legend):
        ly = 14 + 16 * i
        out.append(f'<line x1="{left}" x2="{left + 20}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{left + 26}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="save the figures (JSON)")
    parser.add_argument("--plot", type=Path, help="write the plot (SVG)")
    parser.add_argument("--keep", type=Path, help="build the archives in this folder and keep them (to search them afterwards)")
    parser.add_argument("--from", dest="source", type=Path, help="use figures saved with --json instead of running")
    parser.add_argument("--add-run", nargs=2, type=Path, metavar=("REPORT", "TIME_V"), help="add a run made by hand (see above)")
    args = parser.parse_args()
    rows = json.loads(args.source.read_text())["runs"] if args.source else []
    if args.add_run:
        row = from_logs(*args.add_run, args.jobs)
        rows = sorted([r for r in rows if r["n"] != row["n"]] + [row], key=lambda r: r["n"])
    if args.sizes or not (args.source or args.add_run):
        with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp:
            work = args.keep or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            for n in args.sizes or [1000, 10000]:
                rows = [r for r in rows if r["n"] != n] + [measure(n, work, args.jobs)]
    rows.sort(key=lambda r: r["n"])
    print(table(rows))
    machine = f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, {platform.platform()}"
    print(f"\nmachine: {machine}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "runs": rows}, indent=1) + "\n")
    if args.plot:
        args.plot.write_text(plot(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
