"""A build that finds nothing changed since the last one (seeds, curation files, pages,
index: generator/freshness.py) reads and writes nothing and reports what the last one
found; any change, a seed saved too recently to trust, or a failed build means a full
build."""

from __future__ import annotations

import os
import time

import pytest

import generator.pipeline as pipeline
from generator.freshness import record_path
from tests.conftest import run_build, tree_bytes

HOUR_AGO = time.time() - 3600


def _settled(seeds):
    """Seeds saved an hour ago: their times can be trusted."""
    for path in seeds.iterdir():
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return seeds


@pytest.fixture
def reads(monkeypatch):
    seen = []
    real = pipeline.read_seed
    monkeypatch.setattr(pipeline, "read_seed", lambda path: seen.append(path.name) or real(path))
    return seen


def test_an_archive_with_nothing_changed_is_not_read_again(tmp_path, seed_copy, reads):
    seeds = _settled(seed_copy)
    first = run_build(tmp_path, seeds)
    assert not first.up_to_date and len(reads) == 2 * 5  # read, then read again to extract
    before = tree_bytes(tmp_path)
    second = run_build(tmp_path, seeds)
    assert second.up_to_date and len(reads) == 10
    assert (second.seeds, second.articles, second.written, second.unchanged) == (5, 5, 0, first.written)
    assert second.index == {"added": 0, "updated": 0, "unchanged": 5, "removed": 0}
    assert tree_bytes(tmp_path) == before


def _edit_seed(tmp_path, seeds):
    seed = seeds / "002_61306375456151b6.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nThe zanzibarian delegation said nothing more.\n", encoding="utf-8")
    os.utime(seed, (HOUR_AGO + 60, HOUR_AGO + 60))  # a new time, but not a recent one
    return lambda: "zanzibarian" in (tmp_path / "index" / "vocabulary.json").read_text(encoding="utf-8")


def _same_size_edit(tmp_path, seeds):
    seed = seeds / "003_c1fcc0406326b570.txt"
    seed.write_bytes(seed.read_bytes().replace(b"Mon Sep 19, 2016", b"Tue Sep 20, 2016"))
    os.utime(seed, (HOUR_AGO + 60, HOUR_AGO + 60))
    return lambda: any("2016-09-20" in p.read_text(encoding="utf-8") for p in (tmp_path / "docs" / "articles").glob("*.md"))


def _curation(tmp_path, seeds):
    curation = seeds / "002_61306375456151b6.meta.yml"
    curation.write_text("title: A curated title\n", encoding="utf-8")
    os.utime(curation, (HOUR_AGO + 60, HOUR_AGO + 60))
    return lambda: (tmp_path / "docs" / "articles" / "a-curated-title.md").is_file()


def _removed_seed(tmp_path, seeds):
    (seeds / "004_09f48808e8f23405.txt").unlink()
    return lambda: len(list((tmp_path / "docs" / "raw").glob("*.txt"))) == 4


def _page_edited_by_hand(tmp_path, seeds):
    page = next((tmp_path / "docs" / "articles").glob("*.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("a", "A"), encoding="utf-8")
    return lambda: page.read_text(encoding="utf-8") == text


def _page_removed(tmp_path, seeds):
    page = next((tmp_path / "docs" / "speakers").rglob("*.md"))
    page.unlink()
    return page.is_file


def _index_file_removed(tmp_path, seeds):
    (tmp_path / "index" / "vocabulary.json").unlink()
    return (tmp_path / "index" / "vocabulary.json").is_file


@pytest.mark.parametrize("change", [_edit_seed, _same_size_edit, _curation, _removed_seed, _page_edited_by_hand,
                                    _page_removed, _index_file_removed])
def test_any_change_to_the_seeds_the_pages_or_the_index_means_a_full_build(tmp_path, seed_copy, change):
    seeds = _settled(seed_copy)
    run_build(tmp_path, seeds)
    holds = change(tmp_path, seeds)
    report = run_build(tmp_path, seeds)
    assert not report.up_to_date and holds()
    assert run_build(tmp_path, seeds).up_to_date


def test_other_options_or_another_generator_mean_a_full_build(tmp_path, seed_copy, monkeypatch):
    from generator import cache

    seeds = _settled(seed_copy)
    run_build(tmp_path, seeds)
    assert not run_build(tmp_path, seeds, markdown_bodies=True).up_to_date
    assert run_build(tmp_path, seeds, markdown_bodies=True).up_to_date
    monkeypatch.setattr(cache, "generator_fingerprint", lambda: "another-version")
    assert not run_build(tmp_path, seeds, markdown_bodies=True).up_to_date


def test_a_seed_saved_just_before_the_last_build_is_not_trusted(tmp_path, seed_copy, reads):
    """Its content may have changed again within the same tick of the clock."""
    for path in seed_copy.iterdir():
        os.utime(path)  # saved now
    run_build(tmp_path, seed_copy)
    assert not run_build(tmp_path, seed_copy).up_to_date


def test_the_last_builds_problems_are_reported_again(tmp_path, seed_copy):
    (seed_copy / "empty.txt").write_bytes(b"")
    seeds = _settled(seed_copy)
    first = run_build(tmp_path, seeds, strict=True)
    again = run_build(tmp_path, seeds, strict=True)
    assert again.up_to_date and again.errors == first.errors and "empty.txt" in again.errors
    assert again.warnings == first.warnings and again.exit_code == first.exit_code == 1


def test_a_failed_build_leaves_no_record(tmp_path, seed_copy, monkeypatch):
    seeds = _settled(seed_copy)
    run_build(tmp_path, seeds)
    record = record_path(tmp_path / "index")
    assert record.is_file()
    (seeds / "004_09f48808e8f23405.txt").unlink()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "iter_site", broken)
    with pytest.raises(OSError):
        run_build(tmp_path, seeds)
    assert not record.exists()
    monkeypatch.undo()
    report = run_build(tmp_path, seeds)
    assert not report.up_to_date and report.articles == 4


def test_archive_clean_removes_the_record_too(tmp_path, seed_copy):
    from generator.cli import main

    run_build(tmp_path, _settled(seed_copy))
    assert record_path(tmp_path / "index").is_file()
    assert main(["clean", "--docs", str(tmp_path / "docs"), "--index", str(tmp_path / "index")]) == 0
    assert not record_path(tmp_path / "index").exists() and not (tmp_path / "index").exists()
