"""The test tiers are enforced: a test cannot hide in the fast tier, and CI cannot pass by skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INNER = '''
import pytest
from conftest import incoming


def test_unmarked_asks_for_a_shared_clip():
    incoming("any.mp4")


@pytest.mark.shared
def test_marked_asks_for_a_missing_clip():
    incoming("any.mp4")
'''


@pytest.fixture
def inner(pytester):
    # A copy of this conftest in a folder with no ../shared/videos beside it.
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(test_inner=INNER)
    pytester.makeini("[pytest]\nmarkers =\n    model: m\n    shared: s\n    browser: b\n")
    return pytester


def test_an_unmarked_test_that_needs_the_shared_clips_fails_and_a_marked_one_skips(inner, monkeypatch):
    monkeypatch.delenv("STRIDESCOPE_REQUIRE_SHARED", raising=False)
    result = inner.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*test_unmarked_asks_for_a_shared_clip uses the shared clip any.mp4 but is not "
                                 "marked @pytest.mark.shared*"])


def test_with_the_shared_clips_required_a_missing_clip_fails(inner, monkeypatch):
    monkeypatch.setenv("STRIDESCOPE_REQUIRE_SHARED", "1")
    inner.runpytest("-p", "no:cacheprovider").assert_outcomes(failed=2)
