"""The one orchestrator: read -> clean -> extract -> write -> site -> index, in order
(with two jobs or more, the Whoosh index is made in a second process beside the site's
index pages and the client index).

No stage knows about another; only this module knows the order. One bad seed never stops
the archive: its problem is recorded against its file name and the build goes on."""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import logging
import multiprocessing
import os
import pickle
import resource
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

from generator.cache import ExtractionCache
from generator.cache import key as cache_key
from generator.clean import RepeatCounter, clean
from generator.curate import curation_path, is_curation_file, load_curation
from generator.extract.article import extract_article
from generator.freshness import Freshness
from generator.gazetteer import use_cache_dir as use_gazetteer_cache
from generator.client_index import FOLDER as CLIENT_FOLDER
from generator.client_index import build_client_index
from generator.index import fingerprint, update_index
from generator.model import Article, RawDocument
from generator.read import SeedError, read_seed
from generator.slug import disambiguate, reserved, slugify
from generator.stamps import CLIENT_INDEX, INDEX_PAGES, PAGE_STAMPS, Stamps, article_page_inputs, canonical, digest_of
from generator.site import entity_links, iter_site
from generator.search import VOCABULARY
from generator.write import OutputWriter, OwnershipError, atomic_write, front_matter, render_page

log = logging.getLogger(__name__)

EXTRACTION_FAILED = "extraction failed"
IGNORED_NAMES = {"readme", "readme.md", "readme.txt", ".gitkeep", ".ds_store", "thumbs.db"}


@dataclass(frozen=True)
class BuildOptions:
    seeds: Path = Path("seeds")
    docs: Path = Path("docs")
    index: Path = Path(".archive/index")
    cache: Path | None = None  # default: next to the index, .archive/cache
    jobs: int = 1
    strict: bool = False
    executor: str = "local"  # "local" (processes on this machine) or "dask"
    scheduler: str | None = None  # the Dask scheduler's address, for executor "dask"
    markdown_bodies: bool = False  # article text as Markdown rather than HTML (write.render_page)

    @property
    def cache_dir(self) -> Path:
        return self.cache or self.index.parent / "cache"


@dataclass
class BuildReport:
    strict: bool = False
    seeds: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    articles: int = 0
    extracted: int = 0
    cached: int = 0
    warnings: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    stages: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (seconds, peak RSS MB so far)
    beside: dict[str, tuple[float, float]] = field(default_factory=dict)  # stages run in a second process: name -> (seconds, its peak RSS MB)
    up_to_date: bool = False  # nothing had changed since the last build: its report stands (generator/freshness.py)

    _lap: float = field(default_factory=time.perf_counter, repr=False)

    def lap(self, stage: str) -> None:
        """Record the time since the previous lap as `stage`, with the peak memory so far."""
        now = time.perf_counter()
        self.stages[stage] = (now - self._lap, peak_mb())
        self._lap = now

    def warn(self, name: str, message: str) -> None:
        self.warnings.setdefault(name, []).append(message)

    @property
    def warning_count(self) -> int:
        return sum(len(v) for v in self.warnings.values())

    @property
    def exit_code(self) -> int:
        if self.seeds == 0 or self.articles == 0:
            return 3
        if (self.errors or self.warnings) and self.strict:
            return 1
        return 0


def discover(seeds: Path) -> list[Path]:
    """Seed files in name order (curation sidecars, hidden files and READMEs are not seeds)."""
    if not seeds.is_dir():
        return []
    return sorted(
        (
            p
            for p in seeds.iterdir()
            if p.is_file() and not p.name.startswith(".") and not is_curation_file(p) and p.name.lower() not in IGNORED_NAMES
        ),
        key=lambda p: p.name,
    )


_REPEATS: frozenset[str] = frozenset()


def _init_worker(repeats: frozenset[str]) -> None:
    global _REPEATS
    _REPEATS = repeats


_FAILURES = 0


def _extract(raw: RawDocument | str) -> Article | str:
    global _FAILURES
    if isinstance(raw, str):  # the reason the seed could not be read again
        return raw
    try:
        return extract_article(clean(raw, _REPEATS))
    except Exception as err:  # an extractor bug must not cost the other articles
        _FAILURES += 1
        if _FAILURES == 1:
            log.exception("extraction failed for %s", raw.name)
        return f"{EXTRACTION_FAILED} ({type(err).__name__}: {err}); please report this seed"


def _extract_with(raw: RawDocument, repeats: frozenset[str]) -> Article | str:
    """One extraction as a self-contained task (for executors that do not run
    _init_worker in each worker): extraction depends only on the seed and `repeats`."""
    _init_worker(repeats)
    return _extract(raw)


class BuildLocked(Exception):
    """Another build of the same archive is running."""


@contextmanager
def build_lock(options: BuildOptions, wait: float = 60.0):
    """One build of an archive at a time: a second one waits up to `wait` seconds for
    the first, then refuses (BuildLocked). The lock is released when its process ends,
    however it ends."""
    path = options.index.parent / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"another build of this archive is running (lock {path}); wait for it to finish and run the build again"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(options: BuildOptions, progress: Callable[[str], None] | None = None, wait: float = 60.0) -> BuildReport:
    with build_lock(options, wait):
        return _build(options, progress)


def _build(options: BuildOptions, progress: Callable[[str], None] | None = None) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(strict=options.strict)
    say = progress or (lambda message: None)
    freshness = Freshness(options.seeds, options.docs, options.index, options.markdown_bodies)
    last = freshness.unchanged()
    if last is not None:
        say("nothing changed since the last build")
        return _as_last_time(report, last, started)
    freshness.forget()
    seen = freshness.look_at_seeds()
    paths = discover(options.seeds)
    report.seeds = len(paths)
    if not paths:
        report.errors[str(options.seeds)] = "no seed files found; put one text or HTML file per article in it"
        report.seconds = time.perf_counter() - started
        return report

    say(f"reading {len(paths)} seed(s) from {options.seeds}/")
    # One pass over the seeds for the lines they share; their text is not kept (100,000
    # seeds' text is about 1 GB as Python strings): the seeds to extract are read again.
    counter = RepeatCounter()
    seeds: list[tuple[str, str, object]] = []  # name, SHA-256, token of its lines
    for path in paths:
        try:
            seeds.append(_first_reading(path, counter))
        except SeedError as err:
            report.errors[path.name] = f"{path.name} {err}"
        except OSError as err:
            report.errors[path.name] = f"{path.name} could not be read: {err}"
    repeats = counter.repeats()
    report.lap("read")
    cache = ExtractionCache(options.cache_dir)
    use_gazetteer_cache(options.cache_dir)
    keys = [cache_key(name, sha, counter.lines_in(token)) for name, sha, token in seeds]
    del counter
    todo = [i for i, k in enumerate(keys) if not cache.has(k)]
    where = f"on the Dask cluster at {options.scheduler}" if options.executor == "dask" else f"with {options.jobs} job(s)"
    say(f"extracting {len(todo)} article(s) {where}; {len(seeds) - len(todo)} unchanged, from the cache")
    again = (_read_again(options.seeds, *seeds[i][:2]) for i in todo)
    fresh = iter(_run_extraction(again, len(todo), repeats, options.jobs, say, options))
    stale = set(todo)

    # Each article goes to a spool file as it comes (5 KB in memory without its text, 2 KB
    # pickled); memory keeps its names and, later, its front matter. The pages and both
    # indexes read the articles back one at a time.
    spool = ArticleSpool()
    found: list[tuple[str, str, str, dict, tuple[int, int]]] = []  # title, slug, seed, curation, place in the spool
    for i, ((name, sha, _), k) in enumerate(zip(seeds, keys)):
        result = next(fresh) if i in stale else cache.get(k)
        if result is None:  # a cache entry that could not be read: extract it here
            again_one = _read_again(options.seeds, name, sha)
            result = again_one if isinstance(again_one, str) else _extract_with(again_one, repeats)
            stale.add(i)
        if i in stale and not isinstance(result, str):
            cache.put(k, result)
        if isinstance(result, str):
            report.errors[name] = f"{name}: {result}"
            continue
        for warning in result.warnings:
            report.warn(name, warning)
        curated, problems = load_curation(curation_path(options.seeds / name))
        for problem in problems:
            report.warn(name, problem)
        found.append((result.title, result.slug, result.seed, curated, spool.put(result)))
    cache.prune()
    report.extracted, report.cached = len(stale), len(seeds) - len(stale)
    entry_of = {name: k for (name, _, _), k in zip(seeds, keys)}
    del seeds, keys, todo, stale, fresh, again

    names = _page_names([entry[:4] for entry in found])
    report.lap("clean+extract")

    def article(i: int) -> Article:
        title, slug = names[i]
        return replace(spool.get(found[i][4]), title=title, slug=slug)

    say(f"writing {len(found)} page(s) to {options.docs}/articles/")
    writer = OutputWriter(options.docs)
    memo: dict = {}
    metas = [_shared(front_matter(article(i), found[i][3]), memo) for i in range(len(found))]
    del memo
    links = entity_links(metas)
    pages: list[tuple[dict, tuple[int, int], str]] = []  # (front matter, article in the spool, fingerprint of the page)
    stamps = Stamps(options.index / PAGE_STAMPS)
    for i, meta in enumerate(metas):
        (_, slug), (_, _, seed, _, where) = names[i], found[i]
        relpath, raw_copy = f"articles/{slug}.md", f"raw/{slug}.txt"
        inputs = article_page_inputs(entry_of[seed], meta, links, options.markdown_bodies)
        kept = stamps.get(relpath)
        if kept and kept[0] == inputs and writer.keep([relpath, raw_copy]):
            page_fingerprint = kept[1]  # made from the same inputs, and on disk as written
        else:
            text, _ = render_page(article(i), meta, links, markdown=options.markdown_bodies)
            try:
                writer.write(relpath, text)
                writer.write(raw_copy, (options.seeds / seed).read_bytes())
            except OwnershipError as err:
                report.errors[seed] = f"{seed}: {err}"
                continue
            except OSError as err:
                report.warn(seed, f"the raw copy could not be archived ({err.strerror})")
            page_fingerprint = fingerprint(text)
        stamps.put(relpath, [inputs, page_fingerprint])
        pages.append((meta, where, page_fingerprint))
    del found, names, metas
    report.lap("write articles")

    def write(relpath: str, content: str) -> None:
        try:
            writer.write(relpath, content)
        except OwnershipError as err:
            report.errors[relpath] = str(err)

    # The Whoosh index is made from the pages alone, and so are the index pages and the
    # client index: with a second job it is made in a forked copy of this process, beside them.
    beside = _index_beside_possible(options, pages)
    say(f"indexing {len(pages)} page(s) in {options.index}/" + (" in a second process" if beside else ""))
    indexing = IndexProcess(options.index, pages, spool.body) if beside else None
    try:
        if pages:
            metas = [meta for meta, _, _ in pages]
            site_inputs = digest_of(map(canonical, metas))
            kept = stamps.get(INDEX_PAGES)
            if kept and kept[0] == site_inputs and writer.keep(kept[1]):
                say(f"the index pages in {options.docs}/ are up to date")
                made = kept[1]
            else:
                say(f"writing the index pages to {options.docs}/")
                made = []
                for relpath, content in iter_site(metas):
                    write(relpath, content)
                    made.append(relpath)
            stamps.put(INDEX_PAGES, [site_inputs, made])
            del metas
        report.lap("write index pages")
        if not indexing:
            report.index = update_index(options.index, pages, spool.body)
            report.lap("whoosh index")
        if pages:
            inputs = client_index_inputs(pages)
            if stamps.get(CLIENT_INDEX) == [inputs] and (options.index / VOCABULARY).is_file() and writer.keep_unchanged(f"{CLIENT_FOLDER}/"):
                say(f"the site's search index in {options.docs}/{CLIENT_FOLDER}/ is up to date")
            else:
                say(f"writing the site's search index to {options.docs}/{CLIENT_FOLDER}/")
                vocabulary = build_client_index(pages, write, spool.body)
                atomic_write(options.index / VOCABULARY, vocabulary.encode("utf-8"))
            stamps.put(CLIENT_INDEX, [inputs])
        report.lap("client index")
        if indexing:
            report.index, seconds, peak = indexing.result()
            report.lap("whoosh index wait")
            report.beside["whoosh index"] = (seconds, peak)
    finally:
        if indexing:
            indexing.stop()
    # Saved after everything it describes; a build killed before leaves the previous
    # stamps, which no longer match the files it rewrote (OutputWriter.keep).
    stamps.save()
    # After an extractor failure the failed seeds' previous pages are kept: nothing is
    # removed until every seed extracts again.
    failed = any(EXTRACTION_FAILED in message for message in report.errors.values())
    report.removed = len(writer.finish(remove=not failed))
    report.written, report.unchanged = writer.written, writer.unchanged
    report.articles = len(pages)
    if report.articles and not failed:
        freshness.record(seen, {"seeds": report.seeds, "articles": report.articles, "files": report.written + report.unchanged,
                                "errors": report.errors, "warnings": report.warnings})
    report.seconds = time.perf_counter() - started
    return report


def _as_last_time(report: BuildReport, last: dict, started: float) -> BuildReport:
    """The report of a build that found nothing changed: the last build's findings."""
    report.up_to_date = True
    report.seeds, report.articles, report.unchanged = last["seeds"], last["articles"], last["files"]
    report.errors, report.warnings = dict(last["errors"]), {k: list(v) for k, v in last["warnings"].items()}
    report.index = {"added": 0, "updated": 0, "unchanged": report.articles, "removed": 0}
    report.seconds = time.perf_counter() - started
    return report


def client_index_inputs(pages: list[tuple[dict, tuple[int, int], str]]) -> str:
    """What the client index is a function of (besides the generator's code): every page,
    in order."""
    return digest_of(f"{meta['slug']}\t{page_fingerprint}" for meta, _, page_fingerprint in pages)


BESIDE_LIMIT = 25_000  # articles: past this the Whoosh index is made after the client index


def _index_beside_possible(options: BuildOptions, pages: list) -> bool:
    """Whether the Whoosh index can be made in a second process: a second job was asked
    for; this platform forks; this process has one thread (a forked copy of a threaded
    one, as under `mkdocs serve`, could inherit a lock another thread held); and the
    archive is small enough for two processes. Both hold the pages' front matter, and at
    100,000 articles the build alone peaks at 937 MB (docs/scaling.md): one after the
    other it stays under 1 GB."""
    return (options.jobs >= 2 and 0 < len(pages) <= BESIDE_LIMIT and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


class IndexProcess:
    """`update_index` in a forked copy of this process, which shares the pages and the
    spool with it and sends back the counts, its time and its peak memory. If that
    process fails or dies, `result` makes the index here (and an error it meets then is
    raised here, as without a second process)."""

    def __init__(self, index_dir: Path, pages: list, text_of: Callable) -> None:
        self._args = (index_dir, pages, text_of)
        context = multiprocessing.get_context("fork")
        self._answer, answer = context.Pipe(duplex=False)
        self._process = context.Process(target=_index_here, args=(answer, *self._args), name="archive-whoosh-index", daemon=True)
        self._process.start()
        answer.close()

    def result(self) -> tuple[dict[str, int], float, float]:
        """(counts, seconds, peak resident MB of the process: what it shares with this one too)."""
        try:
            done, outcome = self._answer.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            done, outcome = False, None
        self._process.join()
        if done:
            return outcome
        why = outcome or f"it stopped with exit code {self._process.exitcode}"
        log.warning("the search index could not be made in a second process (%s); making it here", why)
        return _timed_update(*self._args)

    def stop(self) -> None:
        """End the process if it is still running (this build failed before waiting for it)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._answer.close()


def _index_here(answer, *args) -> None:
    gc.freeze()  # the objects shared with the parent: collections would write to their pages
    try:
        answer.send((True, _timed_update(*args)))
    except BaseException as err:  # reported to the parent, which indexes again itself
        answer.send((False, f"{type(err).__name__}: {err}"))
    finally:
        answer.close()


def _timed_update(index_dir: Path, pages: list, text_of: Callable) -> tuple[dict[str, int], float, float]:
    """`update_index`'s counts, its seconds, and this process's peak resident MB after it."""
    started = time.perf_counter()
    counts = update_index(index_dir, pages, text_of)
    return counts, time.perf_counter() - started, peak_mb()


def peak_mb() -> float:
    """This process's peak resident set so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ArticleSpool:
    """The build's articles, pickled into an unnamed temporary file that only this
    process writes and reads, so that memory holds only where each one is. `put`
    returns that place."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="archive-spool-", buffering=0)
        self._end = 0

    def put(self, article: Article) -> tuple[int, int]:
        data = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        where = (self._end, len(data))
        self._end += len(data)
        return where

    def get(self, where: tuple[int, int]) -> Article:
        return pickle.loads(os.pread(self._file.fileno(), where[1], where[0]))

    def body(self, where: tuple[int, int]) -> str:
        return "\n\n".join(self.get(where).paragraphs)


def _first_reading(path: Path, counter: RepeatCounter) -> tuple[str, str, object]:
    raw = read_seed(path)
    return raw.name, raw.sha256, counter.add(raw.text)


def _read_again(seeds: Path, name: str, sha256: str) -> RawDocument | str:
    """A seed read a second time, for its extraction: as it was at the first reading, or
    the reason it cannot be extracted now."""
    try:
        raw = read_seed(seeds / name)
    except (SeedError, OSError) as err:
        return f"could not be read again during the build ({err}); run the build again"
    if raw.sha256 != sha256:
        return "changed while the build was running; run the build again"
    return raw


def _extract_chunk(raws: list[RawDocument | str]) -> list[Article | str]:
    return [_extract(raw) for raw in raws]


def _run_extraction(raws: Iterable[RawDocument | str], total: int, repeats: frozenset[str], jobs: int, say,
                    options: BuildOptions | None = None):
    """Extraction results in seed order, as they come (so each is cached at once and a
    build that is killed keeps what it extracted). Seeds are taken from `raws` only as
    workers become free, a few chunks ahead: a pool's `map` would take them all at once.
    An item that is a string already (a seed that could not be read again) is its own
    result."""
    step = max(1, total // 10)
    if options is not None and options.executor == "dask":
        results = _dask_results(raws, repeats, options.scheduler)
        pool = None
    elif jobs <= 1 or total < 2:
        _init_worker(repeats)
        results = map(_extract, raws)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(repeats,))
        results = _in_order(pool, raws, chunksize=max(1, min(16, total // (jobs * 8) or 1)), window=4 * jobs)
    try:
        for n, result in enumerate(results, 1):
            if n % step == 0 or n == total:
                say(f"  extracted {n}/{total}")
            yield result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _in_order(pool: ProcessPoolExecutor, raws: Iterable, chunksize: int, window: int):
    """pool.map(_extract, raws) with at most `window` chunks submitted and not yet taken."""
    raws = iter(raws)
    pending: deque = deque()

    def submit() -> None:
        chunk = list(islice(raws, chunksize))
        if chunk:
            pending.append(pool.submit(_extract_chunk, chunk))

    for _ in range(window):
        submit()
    while pending:
        results = pending.popleft().result()
        submit()
        yield from results


class ExecutorError(Exception):
    """The chosen executor cannot run (not installed, or its scheduler is unreachable)."""


DASK_BATCH = 256  # tasks in flight at once: results stream back in order, memory stays bounded


def _dask_results(raws: Iterable[RawDocument | str], repeats: frozenset[str], scheduler: str | None):
    """Extraction on a Dask cluster (`pip install news-statement-archive[dask]`): each
    seed is one task; the workers need this package installed, nothing else."""
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError("--executor dask needs Dask: pip install 'dask[distributed]' (or the project's [dask] extra)") from None
    if not scheduler:
        raise ExecutorError("--executor dask needs --scheduler ADDRESS, e.g. tcp://10.0.0.5:8786")
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as err:
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler} ({err}); start one with `dask scheduler`") from None
    try:
        shared = client.scatter(repeats, broadcast=True)
        raws = iter(raws)
        while batch := list(islice(raws, DASK_BATCH)):
            futures = client.map(_extract_with, batch, repeats=shared, pure=False)
            yield from client.gather(futures)
    finally:
        client.close()


SHARED_TEXT = 80  # strings up to this long (names, places, keys) are shared between front matters


def _shared(value, memo: dict):
    """`value` (front matter: dicts, lists, strings, numbers, dates) rebuilt equal, with
    every short string, date and dict of short scalars (a place's details) one object
    for all the articles that hold it: each article unpickled has its own copies, and at
    100,000 articles the copies were most of the front matters' memory. Front matters
    are only read after this."""
    if isinstance(value, str):
        return memo.setdefault(value, value) if len(value) <= SHARED_TEXT else value
    if isinstance(value, list):
        return [_shared(item, memo) for item in value]
    if isinstance(value, dict):
        out = {_shared(k, memo): _shared(v, memo) for k, v in value.items()}
        if all(v is None or isinstance(v, (int, float)) or (isinstance(v, str) and len(v) <= SHARED_TEXT) for v in out.values()):
            key = ("dict", *((k, type(v), v) for k, v in out.items()))
            return memo.setdefault(key, out)
        return out
    if isinstance(value, (dt.date, dt.datetime)):
        return memo.setdefault((type(value), value), value)
    return value


def _page_names(found: list[tuple[str, str, str, dict]]) -> list[tuple[str, str]]:
    """(title, slug) of each article's page, from its (title, slug, seed, curation): a
    curated title renames the page; slugs shared by several seeds get a per-seed suffix."""
    named = []
    for title, slug, _, curated in found:
        if curated.get("title"):
            title, slug = curated["title"], slugify(curated["title"]) or slug
        named.append((title, slug))
    counts = Counter(slug for _, slug in named)
    return [
        (title, disambiguate(slug, seed) if counts[slug] > 1 or reserved(slug) else slug)  # reserved: articles/index.md, page-N.md
        for (title, slug), (_, _, seed, _) in zip(named, found)
    ]
