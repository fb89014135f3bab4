"""The layers import with numpy, scipy and matplotlib alone: video and model code load where used."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

HEAVY = ("av", "cv2", "mediapipe")


def test_metrics_and_the_report_tables_import_without_video_or_model_code():
    code = ("import sys, metrics.measure, metrics.gait, reports.report, reports.state, reports.cycle, reports.compare; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": ""}).stdout.split()
    assert loaded == []
