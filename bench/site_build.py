"""Site build benchmark: the archive's `mkdocs build` against plain MkDocs building the
same article Markdown (Material theme, no plugin, no index pages), side by side in one
run, for synthetic corpora made by bench/make_corpus.py from the BBC corpus.

    python bench/site_build.py 1000 10000      # prints a Markdown table

For each N: the pipeline (`archive build`), then, alternating REPS times (default 3):
our `mkdocs build` (generation off: the pipeline just ran), plain MkDocs on a copy of
docs/articles/*.md only with MkDocs' default plugins (Material's search), and the same
with no plugin at all (in reverse order every other round). Each build starts from an
empty site/ after a `sync`; the table gives the median wall time and the median CPU time
(user + system) of each, and the median over rounds of each round's ratio. This
machine's disk makes the system time of a build vary by up to 3x from run to run, so the
CPU column is the steadier comparison.

SITE_ROOT=/dev/shm writes each build's site/ under that folder instead (a memory file
system): what is left is the builds' own work, without the disk's cost per file created
(our site has 3.5 times the pages of the plain one, and on this machine's disk a new file
and its folder cost 0.3 to 1.2 ms).

FRESH_SITES=1 builds each time into a folder no build has used, and deletes the sites only
after all the rounds of an N. Deleting a site just before the next build (the default)
makes that build's files dearer on ext4: its inode allocator passes over every inode
freed in the last minutes (`recently_deleted` in fs/ext4/ialloc.c, the largest kernel
item in a profile of our build), and our site frees 3.5 times as many as the plain one.
A first build, as on a fresh clone, meets no such cost; a rebuild (MkDocs empties site/
first) meets it. The two settings measure those two cases."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PLAIN_CONFIG = """site_name: Plain
theme:
  name: material
  font: false
nav:
  - Home: index.md
not_in_nav: |
  /articles/*.md
"""


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> float:
    return timed(cmd, cwd, env)[0]


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def site_dir(project: Path, site_root: Path | None, fresh: int | None = None) -> Path:
    """Where a project's site is built: its own site/, or a folder of its own under
    site_root; with `fresh` (a round), a folder of that round's."""
    site = site_root / f"site-{project.name}" if site_root else project / "site"
    return site if fresh is None else site.with_name(f"{site.name}-{fresh}")


def site_build(project: Path, site_root: Path | None = None, fresh: int | None = None) -> tuple[float, float]:
    """One `mkdocs build` from an empty site/ (under site_root if given), the disk settled
    first: the site of the previous build deleted, or (fresh: the round) a new folder."""
    site = site_dir(project, site_root, fresh)
    if fresh is None:
        shutil.rmtree(site, ignore_errors=True)
    subprocess.run(["sync"], check=False)
    time.sleep(1)
    return timed([str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(site)], project)


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench(n: int, work: Path, jobs: int, reps: int, site_root: Path | None = None, fresh: bool = False) -> dict:
    project = work / f"archive-{n}"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write("\n")
    text = (project / "mkdocs.yml").read_text().replace("  - archive\n", "  - archive:\n      generate: never\n")
    (project / "mkdocs.yml").write_text(text)
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(project / "seeds"), "--count", str(n)], project)
    pipeline = run([str(BIN / "archive"), "build", "-q", "--jobs", str(jobs)], project)

    # Plain MkDocs gets the articles as Markdown (our pages' text is HTML, made by the
    # pipeline: generator/article_html.py); the same seeds, from the same extraction cache.
    markdown = work / f"markdown-{n}"
    run([str(BIN / "archive"), "build", "-q", "--jobs", str(jobs), "--markdown-bodies", "--docs", str(markdown / "docs"),
         "--index", str(project / ".archive" / "index-markdown")], project)
    plain = work / f"plain-{n}"
    (plain / "docs").mkdir(parents=True)
    shutil.copytree(markdown / "docs" / "articles", plain / "docs" / "articles", ignore=shutil.ignore_patterns("index.md", "page-*.md"))
    shutil.rmtree(markdown)
    (plain / "docs" / "index.md").write_text("# Plain\n")
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG)
    bare = work / f"bare-{n}"
    shutil.copytree(plain, bare)
    (bare / "mkdocs.yml").write_text(PLAIN_CONFIG + "plugins: []\n")
    builds = {"ours": project, "plain": plain, "bare": bare}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in builds}
    for rep in range(reps):
        order = list(builds.items())
        for name, where in order if rep % 2 == 0 else reversed(order):  # drift falls on each alike
            times[name].append(site_build(where, site_root, rep if fresh else None))
    row = {"n": n, "pipeline": pipeline, "reps": reps}
    # The machine's speed drifts within a run: each round's builds ran side by side, so the
    # median of the rounds' ratios is steadier than the ratio of the medians.
    for name in ("plain", "bare"):
        row["ratio_" + name] = statistics.median(ours[0] / other[0] for ours, other in zip(times["ours"], times[name]))
    for name, where in builds.items():
        row[name] = statistics.median(wall for wall, _ in times[name])
        row[name + "_cpu"] = statistics.median(cpu for _, cpu in times[name])
        sites = [site_dir(where, site_root, rep) for rep in range(reps)] if fresh else [site_dir(where, site_root)]
        row[name + "_pages"] = sum(1 for _ in sites[-1].rglob("index.html"))
        if site_root or fresh:
            for site in sites:
                shutil.rmtree(site, ignore_errors=True)
    return row


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    jobs = int(os.environ.get("JOBS", "2"))
    reps = int(os.environ.get("REPS", "3"))
    site_root = Path(os.environ["SITE_ROOT"]) if os.environ.get("SITE_ROOT") else None
    fresh = os.environ.get("FRESH_SITES") == "1"
    rows = []
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as tmp:
        for n in sizes:
            rows.append(bench(n, Path(tmp), jobs, reps, site_root, fresh))
            print(f"done {n}", file=sys.stderr)
    where = f"sites written under {site_root}" if site_root else "sites written beside the projects, on disk"
    where += ", each build into a folder not used before" if fresh else ", each build after deleting the previous site"
    print(f"Medians of {reps} alternating builds each ({where}); wall time, then CPU time (user + system).\n")
    print(f"| articles | pipeline (--jobs {jobs}) | our mkdocs build | pages | plain MkDocs (default plugins) | plain, no plugin | pages "
          "| ours / plain: wall | CPU | ours / no plugin: wall | CPU | median of the rounds' ratios (wall): ours / plain | ours / no plugin "
          "| whole build / plain (wall) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['pipeline']:.1f} s | {r['ours']:.1f} s ({r['ours_cpu']:.1f} s CPU) | {r['ours_pages']:,} "
            f"| {r['plain']:.1f} s ({r['plain_cpu']:.1f} s CPU) | {r['bare']:.1f} s ({r['bare_cpu']:.1f} s CPU) | {r['plain_pages']:,} "
            f"| {r['ours'] / r['plain']:.2f}x | {r['ours_cpu'] / r['plain_cpu']:.2f}x "
            f"| {r['ours'] / r['bare']:.2f}x | {r['ours_cpu'] / r['bare_cpu']:.2f}x "
            f"| {r['ratio_plain']:.2f}x | {r['ratio_bare']:.2f}x "
            f"| {(r['pipeline'] + r['ours']) / r['plain']:.2f}x |"
        )
    print(f"peak memory of any child process: {children_peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
