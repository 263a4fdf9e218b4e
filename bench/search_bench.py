"""Search benchmark: the archive's client index against Pagefind on the same built site,
and the Whoosh index's query times, for synthetic corpora from bench/make_corpus.py.

    python bench/search_bench.py 1000 10000        # prints Markdown tables

For each N, in one run: the pipeline (`archive build --jobs 2`, which writes both indexes;
its per-stage times come from the build report), `mkdocs build`, then Pagefind
(pagefind-bin 1.5.2 from PyPI, `make bench` installs it) over the same site, with the
article metadata marked as Pagefind filters (speaker, place, outlet) and the article text
as its body. Bytes per query are measured in Debian's Chromium: a fresh page loads each
engine's own script and runs the query, and every response is counted at its gzip size
(what a server sends; Pagefind's files and our result texts are compressed already). The
site is served by a server that answers range requests, as static hosts do: our result
texts come one range each. "Results" means the display data of the first 10 hits. Whoosh: 95th percentile over the query set, in-process,
with snippets; the start-up of `archive search` is reported separately."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"

QUERIES = {
    "one word": ("government", None),
    "two words": ("bank growth", None),
    "phrase": ('"interest rates"', None),
    "facet only": ("", {"outlet": "The Courier"}),
}

HARNESS = """<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body>
<script src="assets/search.js"></script>
<script type="module">
window.runOurs = async (query, filters) => {
  const engine = new ArchiveSearch.Engine((path, v) => fetch("search/" + path).then(r => r.json()), ArchiveSearch.rangeFetcher("search/"));
  const t0 = performance.now();
  const options = filters ? {filters: Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, [v]]))} : {};
  let r;
  try { r = await engine.search(query, options); } catch (e) { return {error: e.message}; }
  const rows = await engine.documents(r.ids.slice(0, 10));
  return {total: r.total, shown: rows.length, ms: performance.now() - t0};
};
window.runPagefind = async (query, filters) => {
  const pagefind = await import("./pagefind/pagefind.js");
  const t0 = performance.now();
  const r = await pagefind.search(query || null, filters ? {filters} : {});
  const rows = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  return {total: r.results.length, shown: rows.length, ms: performance.now() - t0};
};
window.timeOurs = async (query, filters) => {   // shards already loaded: query time only
  const engine = new ArchiveSearch.Engine((path) => fetch("search/" + path).then(r => r.json()));
  const options = filters ? {filters: Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, [v]]))} : {};
  await engine.search(query, options);
  const times = [];
  for (let i = 0; i < 20; i++) { const t0 = performance.now(); await engine.search(query, options); times.push(performance.now() - t0); }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
};
</script></body></html>"""


def run(cmd, cwd, env=None) -> tuple[float, float, str]:
    """Wall time, peak RSS (MB) and stdout of a command."""
    start = time.perf_counter()
    wrapped = ["/usr/bin/time", "-f", "%M", *map(str, cmd)] if Path("/usr/bin/time").exists() else list(map(str, cmd))
    result = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    if result.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    seconds = time.perf_counter() - start
    lines = result.stderr.strip().splitlines()
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, result.stdout


def prepare_for_pagefind(site: Path) -> None:
    """Mark each article's text as Pagefind's body and its metadata as Pagefind filters."""
    sections = {"Speakers": "speaker", "Places": "place", "Outlet": "outlet"}
    for page in (site / "articles").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        html = html.replace('<article class="md-content__inner md-typeset">', '<article class="md-content__inner md-typeset" data-pagefind-body>', 1)
        for label, name in sections.items():
            html = re.sub(
                rf"(<dt>{label}</dt><dd>)(.*?)(</dd>)",
                lambda m, name=name: m.group(1) + m.group(2).replace("<a ", f'<a data-pagefind-filter="{name}" ') + m.group(3),
                html,
                count=1,
            )
        page.write_text(html, encoding="utf-8")


def serve(directory: Path):
    """A static server that answers range requests, as static hosts do."""
    sys.path.insert(0, str(ROOT))
    from tests.http_range import RangeHandler

    handler = functools.partial(RangeHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def measure_queries(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    (site / "bench.html").write_text(HARNESS, encoding="utf-8")
    server, url = serve(site)
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for engine in ("ours", "pagefind"):
                for label, (query, filters) in QUERIES.items():
                    context = browser.new_context()
                    page = context.new_page()
                    sizes: dict[str, tuple[int, int]] = {}

                    def record(response, sizes=sizes, engine=engine):
                        path = response.url.removeprefix(url).split("?")[0]
                        mine = ("search/", "assets/search.js") if engine == "ours" else ("pagefind/",)
                        key = path + (response.request.headers.get("range") or "")  # each text range counts
                        if path.startswith(mine) and key not in sizes:
                            try:
                                body = response.body()
                            except Exception:  # the page was closed while a late response arrived
                                return
                            sizes[key] = (len(body), min(len(body), len(gzip.compress(body, 9))))

                    page.on("response", record)
                    page.goto(url + "bench.html")
                    page.wait_for_load_state("networkidle")
                    result = page.evaluate(f"([q, f]) => run{'Ours' if engine == 'ours' else 'Pagefind'}(q, f)", [query, filters])
                    if "error" in result:
                        raise SystemExit(f"{engine} could not run {query!r}: {result['error']}")
                    page.wait_for_load_state("networkidle")
                    timing = page.evaluate("([q, f]) => timeOurs(q, f)", [query, filters]) if engine == "ours" else None
                    code = sum(g for path, (_, g) in sizes.items() if path.endswith((".js", ".wasm")) or "wasm" in path)
                    data = sum(g for path, (_, g) in sizes.items()) - code
                    shown = sum(g for path, (_, g) in sizes.items() if path.startswith(("search/d/", "pagefind/fragment/")))
                    out[(engine, label)] = {"total": result["total"], "files": len(sizes), "data_gz": data, "code_gz": code,
                                            "results_gz": shown,
                                            "first_ms": result["ms"], "warm_ms": timing}
                    context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def whoosh_times(index: Path, queries: list[str]) -> dict:
    sys.path.insert(0, str(ROOT))
    from generator.index import open_searcher
    from generator.search import Vocabulary, run_query

    times = []
    vocab = Vocabulary.load(index)
    with open_searcher(index) as searcher:  # as a long-running process (a Python user) would
        run_query(searcher, vocab, "warm up", limit=10)
        for q in queries:
            for _ in range(3):
                start = time.perf_counter()
                run_query(searcher, vocab, q, limit=10)
                times.append((time.perf_counter() - start) * 1000)
    times.sort()
    startup, _, _ = run([BIN / "archive", "search", "--index", index, "government", "--limit", "10"], ROOT)
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "max": times[-1], "cli": startup * 1000}


def files_and_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def bench(n: int, work: Path) -> dict:
    project = work / f"archive-{n}"
    project.mkdir()
    config = (ROOT / "mkdocs.yml").read_text().replace("  - archive\n", "  - archive:\n      generate: never\n")
    (project / "mkdocs.yml").write_text(config)
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    shutil.copy(ROOT / "docs" / "benchmarks.md", project / "docs" / "benchmarks.md")
    run([sys.executable, ROOT / "bench" / "make_corpus.py", project / "seeds", "--count", n], project)
    pipeline, pipeline_peak, report = run([BIN / "archive", "build", "-q", "--jobs", "2"], project)
    stages = dict(re.findall(r"(\w[\w+ ]*?) ([\d.]+) s", report.split("stages:")[1].split(";")[0]))
    mkdocs, _, _ = run([BIN / "mkdocs", "build", "-q"], project)
    ours_files, ours_bytes = files_and_bytes(project / "docs" / "search")
    site = project / "site"
    prepare_for_pagefind(site)
    try:
        import pagefind_bin
    except ImportError:
        raise SystemExit("pagefind is not installed: run `make bench` (it installs pagefind-bin 1.5.2 from PyPI)") from None
    pagefind_bin = Path(pagefind_bin.__file__).parent / "pagefind"
    pf_seconds, pf_peak, _ = run([pagefind_bin, "--site", site], project)
    pf_files, pf_bytes = files_and_bytes(site / "pagefind")
    queries = measure_queries(site)
    parity = json.loads((ROOT / "tests" / "parity_queries.json").read_text())
    return {
        "n": n, "pipeline": pipeline, "pipeline_peak": pipeline_peak, "stages": stages, "mkdocs": mkdocs,
        "ours_files": ours_files, "ours_bytes": ours_bytes, "client_index_s": float(stages.get("client index", 0)),
        "pf_seconds": pf_seconds, "pf_peak": pf_peak, "pf_files": pf_files, "pf_bytes": pf_bytes,
        "queries": queries, "whoosh": whoosh_times(project / ".archive" / "index", parity),
    }


def report(rows: list[dict]) -> None:
    print("| N | engine | files written | index size | index build time | peak memory |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | ours (client index stage) | {r['ours_files']:,} | {r['ours_bytes'] / 1e6:.1f} MB | {r['client_index_s']:.1f} s | {r['pipeline_peak']:.0f} MB (whole pipeline) |")
        print(f"| {r['n']:,} | Pagefind 1.5.2 | {r['pf_files']:,} | {r['pf_bytes'] / 1e6:.1f} MB | {r['pf_seconds']:.1f} s | {r['pf_peak']:.0f} MB |")
    print()
    print("| N | query | ours: KB (gzip) data (of which results) + code, requests | Pagefind: KB (gzip) data (of which results) + code, requests | ours / Pagefind (data) | matches ours / Pagefind | ours in-browser query time after the shards arrived |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        for label in QUERIES:
            o, p = r["queries"][("ours", label)], r["queries"][("pagefind", label)]
            ratio = o["data_gz"] / p["data_gz"] if p["data_gz"] else float("nan")
            print(f"| {r['n']:,} | {label} | {o['data_gz'] / 1024:.1f} ({o['results_gz'] / 1024:.1f}) + {o['code_gz'] / 1024:.1f}, {o['files']} | "
                  f"{p['data_gz'] / 1024:.1f} ({p['results_gz'] / 1024:.1f}) + {p['code_gz'] / 1024:.1f}, {p['files']} | {ratio:.2f} | "
                  f"{o['total']} / {p['total']} | {o['warm_ms']:.1f} ms |")
    print()
    print("| N | pipeline | stages | mkdocs build | Whoosh query p50 / p95 / max (in-process, with snippets) | `archive search` start-up + query |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        w = r["whoosh"]
        stages = ", ".join(f"{k} {float(v):.1f} s" for k, v in r["stages"].items())
        print(f"| {r['n']:,} | {r['pipeline']:.1f} s | {stages} | {r['mkdocs']:.1f} s | {w['p50']:.1f} / {w['p95']:.1f} / {w['max']:.1f} ms | {w['cli']:.0f} ms |")


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        rows = []
        for n in sizes:
            print(f"benchmarking {n:,} articles ...", file=sys.stderr, flush=True)
            rows.append(bench(n, Path(tmp)))
        report(rows)
    print(f"\nmachine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {sys.platform}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
