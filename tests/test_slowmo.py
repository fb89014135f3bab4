"""Slow motion is found, not typed: capture-rate tags, bitstream timing, and factor suggestions.

The clips are written by ffmpeg the way phones and editing tools write them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from stridescope.slow_motion import slow_motion_guesses, suggestion_text
from tests.conftest import incoming
from vision.video import probe

TEST_SRC = ["-f", "lavfi", "-i", "testsrc=size=96x64:rate={rate}", "-t", "{seconds}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p"]


def ffmpeg(out: Path, *args: str) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(out)], check=True)
    return out


def made(out: Path, rate: int, seconds: float, *extra: str) -> Path:
    """A test-pattern clip of ``seconds`` at ``rate`` frames per second, with ``extra`` output options."""
    return ffmpeg(out, *[a.format(rate=rate, seconds=seconds) for a in TEST_SRC], *extra)


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("slowmo")
    tags = ["-movflags", "use_metadata_tags"]
    real240 = made(d / "real240.mp4", 240, 0.5)
    return {
        # Android MediaRecorder: 240 fps recorded, stored for 30 fps playback, rate in com.android.capture.fps.
        "android": made(d / "android.mp4", 30, 2, "-metadata", "com.android.capture.fps=240.000000", *tags),
        # QuickTime-style key in a .mov.
        "quicktime": made(d / "quicktime.mov", 30, 2, "-metadata", "com.apple.quicktime.capture.fps=120", *tags),
        # A phone that stores 240 fps in real time and still writes the tag: not slow motion.
        "tag_real_time": made(d / "tag_real_time.mp4", 240, 0.5, "-metadata",
                              "com.android.capture.fps=240.000000", *tags),
        # A time-base rewrite: the 240 fps stream re-timed 8x slower without re-encoding.
        "retimed": ffmpeg(d / "retimed.mp4", "-itsscale", "8", "-i", str(real240), "-c", "copy"),
        "real240": real240,
        "plain30": made(d / "plain30.mp4", 30, 1),
    }


@pytest.mark.parametrize("name, capture_fps", [("android", 240), ("quicktime", 120), ("retimed", 240)])
def test_a_slow_motion_clip_gives_its_capture_rate_and_real_time(clips, name, capture_fps):
    info = probe(clips[name])
    assert info.capture_fps == pytest.approx(capture_fps)
    assert info.capture_fps_source not in ("stored", "user")
    # Times are real time: 2 s of 30 fps playback at 240 fps capture is 0.25 s of running.
    assert info.duration_s == pytest.approx(info.n_frames / capture_fps, rel=0.02)


@pytest.mark.parametrize("name", ["tag_real_time", "real240", "plain30"])
def test_a_real_time_clip_keeps_its_own_rate(clips, name):
    info = probe(clips[name])
    assert info.capture_fps == pytest.approx(info.fps)
    assert info.capture_fps_source == "stored"


def test_the_rate_the_user_gives_wins_over_metadata(clips):
    info = probe(clips["android"], capture_fps=120)
    assert (info.capture_fps, info.capture_fps_source) == (120, "user")


@pytest.mark.shared
def test_real_clips_without_slow_motion_are_left_alone():
    """A 60 fps phone clip and a 23.976 fps clip whose bitstream claims a 24000 'rate' (no camera rate)."""
    for name in ("mhuang24_treadmill_side_portrait_60fps.mp4", "pexels5738706_walk_rear_tracking.mp4"):
        info = probe(incoming(name))
        assert info.capture_fps_source == "stored", name


@pytest.mark.parametrize("cadence, fps, rates", [
    (21.5, 30, [240, 250]),       # 172 steps/min at 240 fps played at 30 (or 179 at a lab 250)
    (43, 30, [120]),              # 172 at 120 fps
    (86, 30, [60]),               # 172 at 60 fps
    (17.6, 30000 / 1001, [300]),  # the hand-labelled lab clip's step rate: a 300 fps camera gives 176
    (165, 30, []),                # real-time running: nothing to suggest
    (None, 30, []),
])
def test_an_implausible_step_rate_suggests_the_factors_that_make_it_running(cadence, fps, rates):
    guesses = slow_motion_guesses(cadence, fps)
    assert [g.capture_fps for g in guesses] == rates
    assert all(150 <= g.cadence_spm <= 200 for g in guesses)


def test_the_suggestion_names_the_rates_to_give():
    text = suggestion_text(21.5, 30, "run the analysis again with --capture-fps")
    assert "×8" in text and text.endswith("--capture-fps 240 or 250.")
    assert suggestion_text(170, 60, "…") is None


def test_the_lab_slow_motion_clip_gets_a_suggestion_never_applied(real_analysis, capsys):
    """mhuang24_treadmill_side_lab_slowed: heavy slow motion with no rate stored (hand labels: one step
    every ~102 frames at 29.97 fps, i.e. 17.6 steps/min as stored).  Not used for tuning."""
    from stridescope.commands.analyze import print_slow_motion_hint

    analysis = real_analysis("mhuang24_treadmill_side_lab_slowed.mp4")
    assert analysis.clip["capture_fps"] == pytest.approx(30000 / 1001)  # nothing applied silently
    cadence = analysis.metrics["cadence_spm"].value
    assert cadence < 120
    guesses = slow_motion_guesses(cadence, analysis.clip["capture_fps"])
    assert guesses and all(150 <= g.cadence_spm <= 200 for g in guesses)
    print_slow_motion_hint(analysis)
    assert "--capture-fps" in capsys.readouterr().out


def test_the_lab_slow_motion_clip_offers_the_factor_of_its_labelled_step_rate(real_analysis):
    """Measured 17.6 steps/min (labels: 17.6), so x10 (a 300 fps camera: 176 steps/min) is offered."""
    analysis = real_analysis("mhuang24_treadmill_side_lab_slowed.mp4")
    assert analysis.metrics["cadence_spm"].value == pytest.approx(17.6, rel=0.05)
    offered = [g.capture_fps for g in slow_motion_guesses(analysis.metrics["cadence_spm"].value,
                                                          analysis.clip["capture_fps"])]
    assert offered == [g.capture_fps for g in slow_motion_guesses(17.6, 30000 / 1001)] == [300]


# Events in slow motion.  Re-timing a TUNING clip's pose track (time x 10: 30 fps played as 3 fps video time)
# checks the time scale without the only labelled slow-motion clip; the lab clip's rows are partly in-sample.
RETIMED = "zzzhushi_treadmill_side_portrait_30fps.mp4"


def test_the_event_detector_reads_slow_motion_in_its_own_time(real_track):
    """The same positions stored as 10x slow motion (TUNING clip zzzhushi, cleaned once): every contact on the
    same frames, its times 10x longer (every duration of the detector is in steps of the clip)."""
    import numpy as np

    from metrics.clean import clean
    from metrics.events import detect_contacts
    from metrics.periodicity import step_period

    track = real_track(RETIMED)
    xy = clean(track.image_xy, track.time_s, view="side").xy
    real, slow = track.time_s, 10 * track.time_s
    found = {k: detect_contacts(xy, t, step_period_s=step_period(xy, t).period_s) for k, t in ((1, real), (10, slow))}
    frames = {k: [(c.foot, c.initial_contact_frame, c.toe_off_frame, c.complete) for c in cs]
              for k, cs in found.items()}
    assert len(frames[1]) >= 30 and frames[10] == frames[1]
    assert np.allclose([c.toe_off_s - c.initial_contact_s for c in found[10]],
                       [10 * (c.toe_off_s - c.initial_contact_s) for c in found[1]])


@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30 on zzzhushi (TUNING): 66 of 67 events on the same frames within 1, one 3 frames away; "
    "contact time 228.7 ms real time against 220.1 (+3.9 %; mhuang24 60 fps: 260.8 against 247.7, +5.3 %, one event "
    "unmatched).  The cause is metrics/clean.py, whose durations are in seconds (low-pass cut-off, outlier window, "
    "gap filling, re-drawing the feet): cleaned in the clip's step time instead, both clips give the original's "
    "events exactly"))
def test_a_clip_stored_as_slow_motion_gives_the_same_events(real_track):
    """The whole analysis of the TUNING clip zzzhushi re-timed as 10x slow motion: every event on the original's
    frame within 1, contact time 10x longer within 2 %."""
    from metrics.measure import analyze_track

    track = real_track(RETIMED)
    slow = track.copy()
    slow.time_s = 10 * track.time_s
    original, retimed = analyze_track(track), analyze_track(slow)
    assert len(retimed.events) == len(original.events)
    assert all(a.kind == b.kind and a.foot == b.foot and abs(a.frame - b.frame) <= 1
               for a, b in zip(original.events, retimed.events))
    contact = original.metrics["ground_contact_time_ms"].value
    assert retimed.metrics["ground_contact_time_ms"].value / 10 == pytest.approx(contact, rel=0.02)


LAB_SLOWED = "mhuang24_treadmill_side_lab_slowed"


def lab_contact_times(real_analysis) -> tuple[float, float]:
    """(detected, labelled) median ground contact time of the lab clip, ms of video time."""
    from metrics.validation import labelled_contact_time_ms
    from tests.conftest import event_labels

    labelled = labelled_contact_time_ms(event_labels(LAB_SLOWED))
    return real_analysis(f"{LAB_SLOWED}.mp4").metrics["ground_contact_time_ms"].value, labelled


def test_the_lab_slow_motion_clip_reads_whole_contacts(real_analysis):
    """CHECKING clip, heavy slow motion (~100 frames a step): each stance is read as one contact, not halved.

    The model draws the shoe off the foot, or on the other foot, for 16-50 frames of most stances (frames 38-56,
    418-450, 516-560 looked at); until those pieces were joined again (metrics.events.rejoined_contacts) contact
    time read 1272 ms against the labels' 2469 ms (-48 %).  Now 2977 ms (+20.6 %).  The rule was written while
    looking at this clip, the only labelled heavy slow motion, so this is partly in-sample."""
    detected, labelled = lab_contact_times(real_analysis)
    assert detected == pytest.approx(labelled, rel=0.25)


@pytest.mark.xfail(strict=True, reason=(
    "measured 2026-11-30: 2977 ms against 2469 (+20.6 %, video time): the near foot's toe-offs are found 11-18 "
    "frames late (the model's toe rises with the heel from mid-stance, no crisp take-off) and initial contacts "
    "9-15 frames early (the model loses the landing shoe)"))
def test_the_lab_slow_motion_clip_contact_time_within_ten_percent(real_analysis):
    """Issue #9's target for contact time (within 10 %), on the lab clip against its labels."""
    detected, labelled = lab_contact_times(real_analysis)
    assert detected == pytest.approx(labelled, rel=0.10)


def test_the_lab_clip_at_its_capture_rate_reads_the_events_of_its_stored_rate(real_analysis, real_track):
    """What the slow-motion hint asks for (--capture-fps 300) must give the same contacts, in real time, as the
    stored rate: initial contacts found (precision and recall >= 0.95 within a third of a step) and contact time
    within 10 % of the stored rate's, divided by the factor.  CHECKING clip; the joining of broken stances was
    written while looking at it (partly in-sample).

    Measured 2026-11-30: precision and recall 1.00, contact time 281 ms against 298 (the stored rate's 2977 ms of
    video / 10; the labels 247).  While cleaning worked in real time it was 0.33 and 127 ms: at 300 fps it
    rejected 838 positions as outliers (28 in video time), holding the shoe still through the model's
    20-50-frame slips (metrics.clean.clean, ``slow_motion``)."""
    from benchmarks.validate import match_tolerance
    from metrics.measure import analyze_track
    from metrics.validation import event_errors
    from tests.conftest import event_labels

    labels = event_labels(LAB_SLOWED)
    at_capture = analyze_track(real_track(f"{LAB_SLOWED}.mp4", capture_fps=300))
    found = event_errors(at_capture.events, labels, "initial_contact", match_tolerance(labels, False))
    assert found.precision >= 0.95 and found.recall >= 0.95
    stored = real_analysis(f"{LAB_SLOWED}.mp4").metrics["ground_contact_time_ms"].value
    assert at_capture.metrics["ground_contact_time_ms"].value == pytest.approx(stored / 10, rel=0.10)
