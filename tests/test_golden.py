"""Extraction against golden files: every seed, and cases written for the variations the
extractor must handle. A missing golden file fails; `python -m tests.golden` rewrites them."""

from __future__ import annotations

import json
from functools import cache

import pytest

from tests.golden import expected_path, extract_fixture, extract_seeds, fixture_cases, seed_cases


@cache
def _seed_results() -> dict[str, dict]:
    return extract_seeds()


def _compare(actual: dict, expected_file) -> None:
    assert expected_file.exists(), f"missing golden file {expected_file.name}; run `python -m tests.golden` and review it"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    for key in expected:
        assert actual[key] == expected[key], f"{expected_file.name}: {key} differs"
    assert set(actual) == set(expected)


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_fixture_matches_golden(case):
    _compare(extract_fixture(case), expected_path(case))


@pytest.mark.parametrize("case", seed_cases(), ids=lambda p: p.name)
def test_seed_matches_golden(case):
    _compare(_seed_results()[case.name], expected_path(case))


def test_there_are_enough_golden_cases():
    assert len(fixture_cases()) >= 15
    assert len(seed_cases()) >= 5
