"""The metric reference page is generated from the registry; what the product knows about a measure lives there once."""

import ast

from conftest import ROOT

from metrics.docs import metrics_markdown
from metrics.registry import SPECS


def test_docs_match_the_registry():
    """docs/metrics.md is what scripts/gen_docs writes now (run it after changing a metric)."""
    assert (ROOT / "docs" / "metrics.md").read_text() == metrics_markdown()


def test_every_metric_has_a_title_reference_with_a_source_and_an_accuracy_floor():
    assert len({s.name for s in SPECS}) == len(SPECS)
    for spec in SPECS:
        assert spec.title and spec.label, spec.name
        assert spec.reference and spec.reference.source and spec.reference.unit == spec.unit, spec.name
        assert spec.accuracy and spec.accuracy.value > 0 and spec.accuracy.source, spec.name


def test_no_measure_name_is_typed_outside_its_spec_in_the_tables_that_used_to_repeat_them():
    """Labels, stills, MDC, the app's cards and the capture check read the registry.

    (reports/annotate.py draws particular measures by name; its readout table comes from the registry.)
    """
    names = {s.name for s in SPECS}
    for path in ("reports/labels.py", "reports/stills.py", "reports/mdc.py",
                 "metrics/quality.py", "metrics/docs.py", "stridescope/webapp/common.py", "metrics/summary.py"):
        strings = {n.value for n in ast.walk(ast.parse((ROOT / path).read_text()))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not strings & names, (path, strings & names)
