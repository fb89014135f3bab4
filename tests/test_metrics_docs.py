"""The metric reference page is generated from the code, never typed twice."""

from conftest import ROOT

from metrics.docs import metrics_markdown
from metrics.measure import SPECS
from metrics.reference import REFERENCES


def test_docs_match_the_reference_data():
    """docs/metrics.md is what scripts/gen_docs writes now (run it after changing a metric)."""
    assert (ROOT / "docs" / "metrics.md").read_text() == metrics_markdown()


def test_every_metric_has_a_reference_entry_with_a_source():
    for spec in SPECS:
        assert spec.name in REFERENCES, spec.name
        assert REFERENCES[spec.name].source, spec.name
