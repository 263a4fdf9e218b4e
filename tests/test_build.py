"""End to end: `archive build` on a small corpus in tmp_path, then the site."""

from __future__ import annotations

import datetime as dt
import json
import zlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from generator.cli import main as cli_main
from generator.freshness import record_path
from tests.conftest import FIXTURES, ROOT, full_rebuild, run_build, tree_bytes

REQUIRED_KEYS = [
    "title", "slug", "date", "date_source", "outlet", "original_source", "authors", "dateline",
    "speakers", "quotes", "places", "organizations", "seed", "seed_sha256", "words",
]


def pages(docs: Path) -> dict[str, frontmatter.Post]:
    return {p.name: frontmatter.load(p) for p in sorted((docs / "articles").glob("*.md")) if p.name != "index.md"}


def test_build_writes_one_page_per_seed_with_the_front_matter(tmp_path, seed_copy):
    report = run_build(tmp_path, seed_copy)
    assert report.exit_code == 0 and not report.errors
    built = pages(tmp_path / "docs")
    assert len(built) == 5
    for name, post in built.items():
        keys = list(post.metadata)
        assert [k for k in keys if k in REQUIRED_KEYS] == REQUIRED_KEYS, name
        assert post.metadata["seed"].startswith("seeds/")
        assert len(post.metadata["seed_sha256"]) == 64
        assert post.metadata["slug"] + ".md" == name
        assert post.content.strip()
    # The word count is the extracted text's, though the build keeps the text out of memory.
    extracted = [json.loads(p.read_text()) for p in (tmp_path / "cache").glob("*.article.json")]
    words = {f"seeds/{a['seed']}": sum(len(p.split()) for p in a["paragraphs"]) for a in extracted}
    assert sorted(post["words"] for post in built.values()) == sorted(words.values())
    assert all(post["words"] == words[post["seed"]] > 100 for post in built.values())


def test_seeds_are_never_modified(tmp_path, seed_copy):
    before = tree_bytes(seed_copy)
    run_build(tmp_path, seed_copy)
    assert tree_bytes(seed_copy) == before


def test_two_builds_are_byte_identical_whatever_the_jobs_and_process(tmp_path, seed_copy):
    """Separate processes with different string-hash seeds and --jobs, over the seeds
    written to disk in opposite orders: the pages, the site's search index and the
    Whoosh index files are the same bytes, whether the Whoosh index was made after the
    client index (one job) or beside it in a second process (two)."""
    reversed_copy = tmp_path / "seeds-reversed"
    reversed_copy.mkdir()
    for path in sorted(seed_copy.iterdir(), reverse=True):
        shutil.copy(path, reversed_copy / path.name)
    outputs, reports = [], []
    for n, (jobs, hash_seed, seeds) in enumerate([("1", "1", seed_copy), ("2", "2", reversed_copy)]):
        out = tmp_path / f"build{n}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-m", "generator", "build", "-q", "--seeds", str(seeds), "--docs", str(out / "docs"),
             "--index", str(out / "index"), "--jobs", jobs],
            check=True, env=env, capture_output=True, text=True,
        )
        # index.stat records the files' times and inodes (generator/freshness.py): the file system's state, not output
        record = str(record_path(out / "index").relative_to(out))
        outputs.append({name: data for name, data in tree_bytes(out).items() if name != record})
        reports.append(done.stdout + done.stderr)
    beside = "whoosh index in a second process"
    assert beside not in reports[0] and beside in reports[1], reports
    assert outputs[0] == outputs[1]
    assert any(name.startswith("index/") for name in outputs[0])
    assert any(name.startswith("docs/search/t/") for name in outputs[0])


def test_rebuild_rewrites_nothing(tmp_path, seed_copy):
    first = run_build(tmp_path, seed_copy)
    report = run_build(tmp_path, seed_copy)
    assert report.written == 0 and report.unchanged == first.written > 6
    assert report.index == {"added": 0, "updated": 0, "unchanged": 5, "removed": 0}


def test_hand_written_files_are_never_touched(tmp_path, seed_copy):
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    mine = docs / "articles" / "russia-aleppo-militants-lay-down-arms.md"
    mine.write_text("my own notes\n")
    other = docs / "notes.md"
    other.write_text("keep me\n")
    report = run_build(tmp_path, seed_copy)
    assert mine.read_text() == "my own notes\n"
    assert other.read_text() == "keep me\n"
    assert "not written by the archive" in report.errors["001_5c575b10b9c8e878.txt"]
    run_build(tmp_path, seed_copy)
    assert mine.read_text() == "my own notes\n" and other.exists()


def test_removed_seed_leaves_pages_and_index(tmp_path, seed_copy):
    run_build(tmp_path, seed_copy)
    (seed_copy / "002_61306375456151b6.txt").unlink()
    report = run_build(tmp_path, seed_copy)
    assert report.removed >= 1  # the page, and index pages no article needs any more
    assert len(pages(tmp_path / "docs")) == 4
    assert not (tmp_path / "docs" / "articles" / "russia-aleppo-operations-separated-so-called-moderates-from-terrorists.md").exists()
    assert report.index["removed"] == 1
    ix = whoosh_index.open_dir(str(tmp_path / "index"))
    with ix.searcher() as searcher:
        slugs = {f["slug"] for f in searcher.all_stored_fields()}
    assert "russia-aleppo-operations-separated-so-called-moderates-from-terrorists" not in slugs
    assert len(slugs) == 4
    # ...and from the site's search index: its display data, and every posting.
    search = tmp_path / "docs" / "search"
    assert json.loads((search / "manifest.json").read_text())["documents"] == 4
    rows = [row for path in sorted((search / "d").glob("*.json")) for row in json.loads(path.read_text())]
    assert sorted(row[0] for row in rows) == sorted(slugs)
    assert not any("moderates-from-terrorists" in p.read_text() for p in (search / "t").glob("*.json"))


def test_curation_file_wins_over_extraction_and_survives_rebuilds(tmp_path, seed_copy):
    (seed_copy / "004_09f48808e8f23405.meta.yml").write_text(
        "date: 2015-09-30\noriginal_source: Sputnik International\nspeakers: [Dmitry Peskov]\n", encoding="utf-8"
    )
    for _ in range(2):
        report = run_build(tmp_path, seed_copy)
        post = pages(tmp_path / "docs")["intelligence-share-key-to-anti-isil-cooperation-in-syria-putin-spokesman.md"]
        assert post.metadata["date"] == dt.date(2015, 9, 30)
        assert post.metadata["date_source"] == "curated"
        assert post.metadata["original_source"] == "Sputnik International"
        assert post.metadata["curated"] == ["date", "original_source", "speakers"]
        assert not report.warnings


@pytest.mark.parametrize(
    "content, message",
    [
        ("date: [unclosed\n", "not valid YAML"),
        ("colour: red\n", "unknown key 'colour'"),
        ("date: last tuesday\n", "key 'date' must be a date"),
        ("speakers: Dmitry Peskov\n", "key 'speakers' must be a list"),
    ],
)
def test_bad_curation_file_is_reported_and_article_still_built(tmp_path, seed_copy, content, message):
    (seed_copy / "004_09f48808e8f23405.meta.yml").write_text(content, encoding="utf-8")
    report = run_build(tmp_path, seed_copy)
    warnings = report.warnings["004_09f48808e8f23405.txt"]
    assert any(message in w and "004_09f48808e8f23405.meta.yml" in w for w in warnings), warnings
    assert len(pages(tmp_path / "docs")) == 5


def test_bad_seeds_are_reported_by_name_and_the_rest_is_built(tmp_path, seed_copy):
    (seed_copy / "empty.txt").write_bytes(b"")
    (seed_copy / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    report = run_build(tmp_path, seed_copy)
    assert set(report.errors) == {"empty.txt", "photo.png"}
    assert "empty" in report.errors["empty.txt"] and "PNG" in report.errors["photo.png"]
    assert len(pages(tmp_path / "docs")) == 5
    assert report.exit_code == 0
    assert run_build(tmp_path, seed_copy, strict=True).exit_code == 1


def test_same_title_gives_distinct_stable_slugs(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    body = "Same headline here\n\nThe council met on Monday and agreed the budget after a long debate.\n"
    (seeds / "b.txt").write_text(body)
    (seeds / "a.txt").write_text(body)
    run_build(tmp_path, seeds)
    slugs = sorted(p.name for p in (tmp_path / "docs" / "articles").glob("same-headline-here*.md"))
    assert len(slugs) == 2 and slugs[0] != slugs[1]
    (seeds / "c.txt").write_text(body.replace("Same", "Other"))
    run_build(tmp_path, seeds)
    assert sorted(p.name for p in (tmp_path / "docs" / "articles").glob("same-headline-here*.md")) == slugs


def test_whoosh_index_finds_articles_by_speaker_and_text(tmp_path, seed_copy):
    run_build(tmp_path, seed_copy)
    ix = whoosh_index.open_dir(str(tmp_path / "index"))
    with ix.searcher() as searcher:
        hits = searcher.search(QueryParser("speaker", ix.schema).parse('"bouthaina shaaban"'))
        assert [h["slug"] for h in hits] == ["syria-militants-preparing-for-raid-in-aleppo-russia"]
        hits = searcher.search(QueryParser("body", ix.schema).parse("desertion"))
        assert len(hits) == 2


def test_cli_build_prints_a_report_and_documents_exit_codes(tmp_path, seed_copy, capsys):
    code = cli_main(["build", "--seeds", str(seed_copy), "--docs", str(tmp_path / "docs"), "--index", str(tmp_path / "ix"), "-q"])
    out = capsys.readouterr().out
    assert code == 0
    assert "5 article(s) from 5 seed(s)" in out and "0 bad seed(s)" in out
    with pytest.raises(SystemExit):
        cli_main(["build", "--help"])
    help_text = capsys.readouterr().out
    assert "exit codes" in help_text and "--strict" in help_text


def test_cli_exit_code_when_nothing_can_be_built(tmp_path, capsys):
    empty = tmp_path / "none"
    empty.mkdir()
    assert cli_main(["build", "--seeds", str(empty), "--docs", str(tmp_path / "d"), "--index", str(tmp_path / "i"), "-q"]) == 3
    assert "no seed files found" in capsys.readouterr().out


def test_importing_the_package_raises_no_warning():
    code = "import generator.pipeline, generator.index, whoosh, whoosh.fields, whoosh.qparser"
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def build_site(tmp_path: Path, seeds: Path, config=lambda text: text, **build_options) -> Path:
    """The project's mkdocs.yml (passed through `config`) and templates over a docs/
    built from `seeds`."""
    site_root = tmp_path / "project"
    site_root.mkdir()
    (site_root / "mkdocs.yml").write_text(config((ROOT / "mkdocs.yml").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(ROOT / "overrides", site_root / "overrides")
    tracked = subprocess.run(["git", "ls-files", "docs"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:  # the committed docs only, as in a clean clone (generated pages are not)
        target = site_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, target)
    run_build(site_root, seeds, **build_options)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=site_root, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site_root / "site"


def test_mkdocs_strict_build_renders_every_article(tmp_path, seed_copy):
    site = build_site(tmp_path, seed_copy)
    for name in pages(tmp_path / "project" / "docs"):
        html = (site / "articles" / name.removesuffix(".md") / "index.html").read_text()
        assert 'class="archive-meta"' in html


def test_seed_html_is_never_emitted_as_markup(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "evil.txt").write_text(
        "Evil <script>alert(1)</script> headline\n\n"
        "The body has <img src=x onerror=alert(2)> and [a link](javascript:alert(3)) and more words here.\n\n"
        "<iframe src=x></iframe> {: onclick=alert(4) } another long sentence of prose follows here.\n"
    )
    site = build_site(tmp_path, seeds)
    html = next((site / "articles").glob("*/index.html")).read_text()
    elements = _elements(html)
    assert not [e for e in elements if e[0] in ("iframe", "img")]
    assert not [e for e in elements if any(k.startswith("on") for k, _ in e[1])]
    assert not [e for e in elements if any((v or "").strip().lower().startswith("javascript:") for _, v in e[1])]
    scripts = [e for e in elements if e[0] == "script"]
    assert all(dict(e[1]).get("src") or "alert" not in e[2] for e in scripts)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, in the body and <title>


def _elements(html: str) -> list[tuple[str, list, str]]:
    """(tag, attributes, text) of every element, as a browser's parser sees them."""
    from html.parser import HTMLParser

    found: list[tuple[str, list, str]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs, ""))

        def handle_data(self, data):
            if found and found[-1][0] == "script":
                found[-1] = (found[-1][0], found[-1][1], found[-1][2] + data)

    Collector().feed(html)
    return found


def test_index_survives_seeds_coming_and_going(tmp_path, seed_copy):
    """Returning to an earlier set of pages must not reuse a live segment's file name."""
    extra = seed_copy / "extra.txt"
    run_build(tmp_path, seed_copy)
    for _ in range(3):
        extra.write_bytes((FIXTURES / "no_date.txt").read_bytes())
        assert run_build(tmp_path, seed_copy).index["added"] == 1
        extra.unlink()
        assert run_build(tmp_path, seed_copy).index["removed"] == 1
    ix = whoosh_index.open_dir(str(tmp_path / "index"))
    with ix.searcher() as searcher:
        assert len(list(searcher.all_stored_fields())) == 5


def test_unreadable_index_is_rebuilt(tmp_path, seed_copy):
    run_build(tmp_path, seed_copy)
    for segment_file in (tmp_path / "index").glob("*.col"):
        segment_file.write_bytes(b"garbage")
    report = run_build(tmp_path, seed_copy)
    assert report.index["added"] == 5
    ix = whoosh_index.open_dir(str(tmp_path / "index"))
    with ix.searcher() as searcher:
        assert len(list(searcher.all_stored_fields())) == 5


def test_unchanged_seeds_come_from_the_cache_and_give_the_same_pages(tmp_path, seed_copy):
    first = run_build(tmp_path, seed_copy)
    assert (first.extracted, first.cached) == (5, 0)
    before = tree_bytes(tmp_path / "docs")
    second = full_rebuild(tmp_path, seed_copy)
    assert (second.extracted, second.cached) == (0, 5)
    assert tree_bytes(tmp_path / "docs") == before
    seed = seed_copy / "003_c1fcc0406326b570.txt"
    seed.write_bytes(seed.read_bytes().replace(b"Mon Sep 19, 2016", b"Tue Sep 20, 2016"))
    third = run_build(tmp_path, seed_copy)
    assert (third.extracted, third.cached) == (1, 4)


def test_a_changed_generator_invalidates_the_cache(tmp_path, seed_copy, monkeypatch):
    from generator import cache

    run_build(tmp_path, seed_copy)
    monkeypatch.setattr(cache, "generator_fingerprint", lambda: "another-version")
    report = run_build(tmp_path, seed_copy)
    assert (report.extracted, report.cached) == (5, 0)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 5  # stale entries pruned


def test_unreadable_cache_entry_is_re_extracted(tmp_path, seed_copy):
    run_build(tmp_path, seed_copy)
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text("{not json")
    report = full_rebuild(tmp_path, seed_copy)
    assert report.extracted == 5 and not report.errors


def test_a_seed_changed_between_its_two_readings_is_reported_and_built_next_time(tmp_path, seed_copy, monkeypatch):
    """The build reads the seeds once for the lines they share and again to extract the
    ones not in the cache: a seed edited in between is not extracted from text that does
    not match its cache key."""
    from generator import pipeline

    seed = seed_copy / "003_c1fcc0406326b570.txt"
    readings = []

    def read_seed(path):
        readings.append(path.name)
        if path == seed and readings.count(seed.name) == 2:
            seed.write_bytes(seed.read_bytes().replace(b"Mon Sep 19, 2016", b"Tue Sep 20, 2016"))
        return real(path)

    real = pipeline.read_seed
    monkeypatch.setattr(pipeline, "read_seed", read_seed)
    report = run_build(tmp_path, seed_copy)
    assert "changed while the build was running; run the build again" in report.errors[seed.name]
    assert report.articles == 4 and len(report.errors) == 1
    monkeypatch.setattr(pipeline, "read_seed", real)
    again = run_build(tmp_path, seed_copy)
    assert not again.errors and (again.articles, again.extracted) == (5, 1)
    page = next(p for p in (tmp_path / "docs" / "articles").glob("*.md") if frontmatter.load(p)["seed"] == f"seeds/{seed.name}")
    assert str(frontmatter.load(page)["date"]) == "2016-09-20"


def test_extraction_takes_seeds_only_a_few_chunks_ahead_of_its_results():
    """A pool's map would take every seed (and hold it in memory) before the first result."""
    from concurrent.futures import ThreadPoolExecutor

    from generator.pipeline import _in_order

    taken = []

    def seeds():
        for n in range(1000):
            taken.append(n)
            yield f"seed {n}"  # a string stands for its own result

    with ThreadPoolExecutor(2) as pool:
        results = _in_order(pool, seeds(), chunksize=4, window=3)
        assert next(results) == "seed 0"
        assert len(taken) <= 4 * 4
        assert list(results) == [f"seed {n}" for n in range(1, 1000)]


def test_an_extractor_failure_removes_nothing(tmp_path, seed_copy, monkeypatch):
    run_build(tmp_path, seed_copy)
    before = tree_bytes(tmp_path / "docs")
    from generator import pipeline

    def broken(doc):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "extract_article", broken)
    seed = seed_copy / "003_c1fcc0406326b570.txt"
    seed.write_bytes(seed.read_bytes() + b"\nOne more sentence of the article, for the cache to miss.\n")
    report = run_build(tmp_path, seed_copy)
    assert "extraction failed (RuntimeError: a bug)" in report.errors["003_c1fcc0406326b570.txt"]
    assert report.removed == 0
    assert set(tree_bytes(tmp_path / "docs")) >= set(before) - {".archive-manifest.json"}
    assert (tmp_path / "docs" / "articles" / "syria-militants-preparing-for-raid-in-aleppo-russia.md").read_bytes() == before["articles/syria-militants-preparing-for-raid-in-aleppo-russia.md"]


def test_generated_files_follow_the_umask(tmp_path, seed_copy):
    old = os.umask(0o022)
    try:
        run_build(tmp_path, seed_copy)
    finally:
        os.umask(old)
    page = tmp_path / "docs" / "articles" / "russia-aleppo-militants-lay-down-arms.md"
    assert page.stat().st_mode & 0o777 == 0o644


def test_a_second_build_waits_or_refuses(tmp_path, seed_copy):
    from generator.pipeline import BuildLocked, BuildOptions, build_lock

    options = BuildOptions(seeds=seed_copy, docs=tmp_path / "docs", index=tmp_path / "index")
    held = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
         str(tmp_path / "build.lock")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert held.stdout.readline().strip() == "held"
        with pytest.raises(BuildLocked, match="another build of this archive is running"):
            with build_lock(options, wait=0.5):
                pass
        result = subprocess.run(
            [sys.executable, "-m", "generator", "build", "-q", "--wait", "0.5", "--seeds", str(seed_copy),
             "--docs", str(tmp_path / "docs"), "--index", str(tmp_path / "index")],
            capture_output=True, text=True,
        )
        assert result.returncode == 4 and "wait for it to finish" in result.stderr
    finally:
        held.kill()
        held.wait()
    assert run_build(tmp_path, seed_copy).articles == 5  # the lock is free once its holder is gone


def test_client_search_index_keeps_hostile_text_as_data(tmp_path):
    """The site's search files hold a seed's text exactly, as JSON strings: a browser that
    parses them gets the same characters back, never markup (search.js shows them with
    textContent; the browser tests check the rendered results)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    title = 'Evil </script><script>alert("t")</script> & "quotes" headline'
    body = "The body has <img src=x onerror=alert(2)> and \u2028 a line separator and more words here to read.\n"
    (seeds / "evil.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")
    run_build(tmp_path, seeds)
    rows = json.loads((tmp_path / "docs" / "search" / "d" / "0.json").read_text(encoding="utf-8"))
    assert rows[0][1] == title
    texts = (tmp_path / "docs" / "search" / "d" / "0.bin").read_bytes()
    start, length = rows[0][5], rows[0][6]
    assert "<img src=x onerror=alert(2)>" in zlib.decompress(texts[start : start + length]).decode("utf-8")
    facets = json.loads((tmp_path / "docs" / "search" / "facets.json").read_text(encoding="utf-8"))
    assert isinstance(facets["date"], list)


def test_an_unchanged_archive_reuses_its_search_index_and_a_change_remakes_it(tmp_path, seed_copy, monkeypatch):
    """The client index is a function of the pages: with them unchanged a rebuild keeps
    it (and it stays in the manifest); otherwise, or if a file of it was changed or
    removed, it is made again."""
    import generator.pipeline as pipeline

    made = []
    real = pipeline.build_client_index
    monkeypatch.setattr(pipeline, "build_client_index", lambda *args: made.append(1) or real(*args))
    search = tmp_path / "docs" / "search"
    run_build(tmp_path, seed_copy)
    first = tree_bytes(search)
    report = run_build(tmp_path, seed_copy)
    assert len(made) == 1 and report.written == 0  # kept, and still in the manifest:
    assert all(f"search/{name}" in json.loads((tmp_path / "docs" / ".archive-manifest.json").read_text())["files"] for name in first)
    assert tree_bytes(search) == first

    (search / "facets.json").write_text("{}")  # changed by hand: made again
    run_build(tmp_path, seed_copy)
    assert len(made) == 2 and tree_bytes(search) == first
    (search / "manifest.json").unlink()
    run_build(tmp_path, seed_copy)
    assert len(made) == 3 and tree_bytes(search) == first

    seed = seed_copy / "002_61306375456151b6.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nThe zanzibarian delegation said nothing more.\n", encoding="utf-8")
    run_build(tmp_path, seed_copy)
    assert len(made) == 4 and tree_bytes(search) != first
    assert "zanzibarian" in (tmp_path / "index" / "vocabulary.json").read_text(encoding="utf-8")
    changed = tree_bytes(search)
    run_build(tmp_path, seed_copy)
    assert len(made) == 4 and tree_bytes(search) == changed


def test_pages_made_from_unchanged_inputs_are_kept_and_the_rest_made_again(tmp_path, seed_copy, monkeypatch):
    """An article page is rendered again only when what it is made from changed (its
    article, front matter or linked slugs) or its file is not as the archive wrote it;
    the index pages only when some article's front matter changed. What is kept is
    byte-identical to what a fresh build of the same seeds writes."""
    import generator.pipeline as pipeline

    rendered, sites = [], []
    real_render, real_site = pipeline.render_page, pipeline.iter_site
    monkeypatch.setattr(pipeline, "render_page", lambda article, *a, **k: rendered.append(article.slug) or real_render(article, *a, **k))
    monkeypatch.setattr(pipeline, "iter_site", lambda *a: sites.append(1) or real_site(*a))
    docs = tmp_path / "docs"
    run_build(tmp_path, seed_copy)
    count = len(rendered)
    assert count >= 5 and len(sites) == 1
    first = tree_bytes(docs)

    rendered.clear()
    report = run_build(tmp_path, seed_copy)
    assert rendered == [] and len(sites) == 1 and report.written == 0 and tree_bytes(docs) == first

    slugs = sorted(p.stem for p in (docs / "raw").iterdir())
    page = docs / "articles" / f"{slugs[1]}.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nedited by hand\n", encoding="utf-8")
    (docs / "raw" / f"{slugs[2]}.txt").unlink()
    (docs / "timeline" / "index.md").write_text("edited by hand\n", encoding="utf-8")
    run_build(tmp_path, seed_copy)
    assert sorted(rendered) == slugs[1:3] and len(sites) == 2 and tree_bytes(docs) == first

    rendered.clear()
    seed = seed_copy / "002_61306375456151b6.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nThe zanzibarian delegation said nothing more.\n", encoding="utf-8")
    run_build(tmp_path, seed_copy)
    assert len(rendered) == 1 and len(sites) == 3  # its word count is in the index pages' data
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    run_build(fresh, seed_copy)
    # search/ too: its weights come from the pages, not from Whoosh's statistics, which
    # count a replaced document until its segment is merged.
    assert {k: v for k, v in tree_bytes(docs).items() if not k.startswith(".archive-manifest")} == {
        k: v for k, v in tree_bytes(fresh / "docs").items() if not k.startswith(".archive-manifest")
    }


def test_a_file_written_piece_by_piece_is_written_as_a_whole_one_would_be(tmp_path):
    from generator.write import OutputWriter, OwnershipError

    docs = tmp_path / "docs"
    writer = OutputWriter(docs)
    writer.write("export/a.json", iter(["[\n", " é", "\n]\n"]))
    writer.write("export/b.json", "[\n é\n]\n")
    assert (docs / "export" / "a.json").read_bytes() == (docs / "export" / "b.json").read_bytes() == "[\n é\n]\n".encode()
    assert writer.current["export/a.json"] == writer.current["export/b.json"]
    writer.finish()
    before = os.stat(docs / "export" / "a.json").st_mtime_ns
    os.utime(docs / "export" / "a.json", ns=(before - 10**9, before - 10**9))
    again = OutputWriter(docs)
    again.write("export/a.json", iter(["[\n é", "\n]\n"]))  # the same bytes: the file is left as it is
    assert again.unchanged == 1 and os.stat(docs / "export" / "a.json").st_mtime_ns == before - 10**9
    (docs / "export" / "mine.csv").write_text("my own\n")
    with pytest.raises(OwnershipError):
        again.write("export/mine.csv", iter(["theirs\n"]))
    assert (docs / "export" / "mine.csv").read_text() == "my own\n"
    assert sorted(p.name for p in (docs / "export").iterdir()) == ["a.json", "b.json", "mine.csv"]  # no temporary file left


def test_front_matters_share_their_names_and_stay_equal():
    from generator.pipeline import _shared

    place = {"name": "Lisbon", "country": "PT", "latitude": 38.7, "longitude": -9.1, "geonames_id": 2267057}
    metas = [{"speakers": ["Ana " + "Silva"], "place_details": [dict(place)], "date": dt.date(2020, 1, 2),
              "quotes": [{"speaker": "Ana Silva", "text": "x" * 200 + str(n)}], "words": n} for n in range(3)]
    memo: dict = {}
    shared = [_shared(json.loads(json.dumps(m, default=str)), memo) for m in metas]
    assert [json.dumps(m) for m in shared] == [json.dumps(m, default=str) for m in metas]
    assert shared[0]["place_details"][0] is shared[2]["place_details"][0]
    assert shared[0]["speakers"][0] is shared[1]["quotes"][0]["speaker"]
    assert shared[0]["quotes"][0] is not shared[1]["quotes"][0]
    assert _shared(metas[0], {}) == metas[0] and _shared({"a": 1, "b": True}, memo) == {"a": 1, "b": True}
    assert type(_shared({"a": True}, memo)["a"]) is bool and type(_shared({"a": 1}, memo)["a"]) is int


def _index_process_inputs(tmp_path, seed_copy):
    """A built archive's pages as the pipeline hands them to the Whoosh stage, with the
    articles' texts in a list (where each text is: its number)."""
    from generator.index import open_searcher

    run_build(tmp_path, seed_copy)
    with open_searcher(tmp_path / "index") as searcher:
        stored = sorted(searcher.all_stored_fields(), key=lambda fields: fields["slug"])
    pages = [({"slug": f["slug"], "title": f["title"]}, n, f["fingerprint"]) for n, f in enumerate(stored)]
    return pages, [f["body"] for f in stored]


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_failed_index_process_leaves_the_index_to_the_build(tmp_path, seed_copy, caplog, failure):
    """If the second process raises or dies while indexing, the build is told so and
    indexes the pages itself: the index holds them all, as one process would make it."""
    from generator.index import open_searcher
    from generator.pipeline import IndexProcess

    pages, texts = _index_process_inputs(tmp_path / "built", seed_copy)
    here = os.getpid()

    def text_of(n):
        if os.getpid() != here:  # in the second process only
            if failure == "dies":
                os._exit(9)
            raise OSError(28, "No space left on device")
        return texts[n]

    index = tmp_path / "index"
    with caplog.at_level("WARNING"):
        process = IndexProcess(index, pages, text_of)
        counts, seconds, peak = process.result()
        process.stop()
    assert counts == {"added": 5, "updated": 0, "unchanged": 0, "removed": 0} and seconds > 0 and peak > 0
    message = "No space left on device" if failure == "raises" else "exit code 9"
    assert any("second process" in r.message and message in r.message for r in caplog.records), caplog.text
    with open_searcher(index) as searcher:
        assert sorted(f["slug"] for f in searcher.all_stored_fields()) == sorted(page[0]["slug"] for page in pages)


def test_the_index_is_made_in_a_second_process_only_when_that_is_safe(tmp_path):
    """Two jobs asked for, one thread in this process (a forked copy of a threaded one
    can inherit a lock held by another thread), and an archive small enough for two
    processes' memory."""
    import threading

    from generator.pipeline import BESIDE_LIMIT, BuildOptions, _index_beside_possible

    some = [None] * 10
    assert not _index_beside_possible(BuildOptions(jobs=1), some)
    assert not _index_beside_possible(BuildOptions(jobs=2), [])
    assert not _index_beside_possible(BuildOptions(jobs=2), [None] * (BESIDE_LIMIT + 1))
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not _index_beside_possible(BuildOptions(jobs=2), some)
    finally:
        release.set()
        other.join()
