"""A visit: a side clip and a rear clip of one day merged into one set of measures and findings,
each measure taken from the view that measures it and naming its clip.

Model-free: analyses are assembled from plain values; one test renders the
HTML and PDF reports and reads the PDF's text back.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from metrics.analysis import Analysis, Confidence, Finding, Metric, QualityNote, Reference
from reports.labels import title
from reports.visit import VisitClip, merge_visit, render_visit_html, visit_rows, write_visit_pdf
from stridescope.storage import SessionInfo
from stridescope.webapp.visit import group_visits


def metric(name: str, value: float, unit: str = "deg", level: str = "high", n: int = 10) -> Metric:
    return Metric(name=name, value=value, unit=unit, definition="", n_strides=n,
                  reference=Reference(None, 10.0, unit, "Example et al. 2020"),
                  confidence=Confidence(level, 0.9 if level == "high" else 0.3))


def analysis(view: str, metrics: list[Metric], findings=(), notes=()) -> Analysis:
    return Analysis(clip={"fps": 60.0, "capture_fps": 60.0}, view={"kind": view}, events=[], strides=[],
                    metrics={m.name: m for m in metrics}, findings=list(findings), quality=list(notes),
                    detected_fraction=1.0)


@pytest.fixture
def side_and_rear() -> list[VisitClip]:
    side = analysis("side", [metric("cadence_spm", 170, "steps/min"), metric("trunk_lean_deg", 6),
                             metric("pelvic_drop_deg", 2, level="low")],
                    findings=[Finding("cadence", "Cadence is 170 steps/min.", ["cadence_spm"]),
                              Finding("drop", "Side-view pelvic drop claim.", ["pelvic_drop_deg"])],
                    notes=[QualityNote("side_view_only", "Filmed from the side: pelvic drop needs a rear clip.",
                                       "info"),
                           QualityNote("no_scale", "No height was given (use --height).", "info")])
    rear = analysis("rear", [metric("cadence_spm", 166, "steps/min"), metric("pelvic_drop_deg", 7.5)],
                    findings=[Finding("drop", "The pelvis drops 7.5 deg on the swing side.", ["pelvic_drop_deg"]),
                              Finding("cadence", "Cadence is 166 steps/min.", ["cadence_spm"])],
                    notes=[QualityNote("frontal_view_only", "Filmed from the rear: knee angles need a side clip.",
                                       "info")])
    return [VisitClip("side.mp4", side), VisitClip("rear.mp4", rear)]


def test_each_measure_comes_from_the_view_that_measures_it(side_and_rear):
    visit = merge_visit(side_and_rear, athlete="Anna")
    source = {name: vm.clip.label for name, vm in visit.measures.items()}
    assert source == {"cadence_spm": "side.mp4", "trunk_lean_deg": "side.mp4", "pelvic_drop_deg": "rear.mp4"}
    assert visit.measures["pelvic_drop_deg"].metric.value == 7.5
    # The other clip's value is kept beside it, named.
    assert [(c.label, m.value) for c, m in visit.measures["cadence_spm"].also] == [("rear.mp4", 166)]


def test_findings_only_from_the_clip_each_measure_was_taken_from(side_and_rear):
    visit = merge_visit(side_and_rear)
    assert [(f.text, c.label) for f, c in visit.findings] == [
        ("Cadence is 170 steps/min.", "side.mp4"), ("The pelvis drops 7.5 deg on the swing side.", "rear.mp4")]


def test_notes_that_a_view_is_missing_go_when_the_visit_has_it(side_and_rear):
    visit = merge_visit(side_and_rear)
    assert [(q.code, c.label) for q, c in visit.notes] == [("no_scale", "side.mp4")]
    alone = merge_visit(side_and_rear[:1])
    assert {q.code for q, _ in alone.notes} == {"side_view_only", "no_scale"}


def test_rows_name_the_clip_of_every_measure(side_and_rear):
    rows = {r["Measure"]: r for r in visit_rows(merge_visit(side_and_rear))}
    assert rows[title("pelvic_drop_deg")]["From"] == "rear.mp4 (rear view)"
    assert rows["Cadence"]["From"] == "side.mp4 (side view)" and "166" in rows["Cadence"]["Other clips"]


def test_html_and_pdf_reports_hold_the_merged_measures(side_and_rear, tmp_path):
    visit = merge_visit(side_and_rear, athlete="Anna Berg", date="2026-11-29")
    html = render_visit_html(visit)
    assert "The pelvis drops 7.5 deg" in html and "Side-view pelvic drop claim" not in html
    assert "rear.mp4 (rear view)" in html and "Anna Berg" in html
    pdf = write_visit_pdf(visit, tmp_path / "visit.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Running gait report — visit" in text and "rear.mp4 (rear view)" in text
    assert "The pelvis drops 7.5 deg on the swing side" in text


def session(sid: int, athlete: int, when: datetime, view: str) -> SessionInfo:
    return SessionInfo(id=sid, athlete_id=athlete, athlete_name=f"A{athlete}", recorded_at=when,
                       clip_label=f"{sid}.mp4", clip_path=Path("/nonexistent"), view_requested="auto",
                       treadmill_speed_kmh=None, height_cm=None, notes="", analysis_id=sid, model="",
                       code_version="", view_kind=view, summary={})


def test_a_visit_is_one_athletes_clips_of_one_day_one_per_view():
    day = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    sessions = [
        session(1, 1, day, "side"), session(2, 1, day + timedelta(minutes=5), "rear"),
        # a re-test the same day after a cue: a second side clip starts the next visit
        session(3, 1, day + timedelta(minutes=40), "side"), session(4, 1, day + timedelta(minutes=45), "rear"),
        session(5, 2, day + timedelta(minutes=10), "side"),      # another athlete
        session(6, 1, day + timedelta(days=14), "side"),          # two weeks later
    ]
    visits = group_visits(sessions[::-1])  # the repository lists newest first
    assert [[s.id for s in v] for v in visits] == [[6], [3, 4], [5], [1, 2]]
