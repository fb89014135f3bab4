"""An analysis on a person's events, and the record of how they differ from the automatic ones.

The record is ``analysis.json``'s ``events_review`` field: when and where the
events came from, how many were added, removed or moved, the strides left
out, and the automatic events themselves, so a report can always say what a
person changed.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from metrics.analysis import Analysis, GaitEvent
from metrics.event_io import EventsError, check_events, contacts_from_events, describe, event_at, event_changes
from metrics.gait import Gait, with_contacts
from metrics.measure import Analysed, analysis_of, analyze, analyze_track


def reviewed_analysis(track, events: list[GaitEvent], *, excluded: list[tuple[str, int]] = (),
                      source: str, automatic: list[GaitEvent] | None = None, history: list[dict] = (),
                      at: datetime | None = None, gait: Gait | None = None, **options) -> Analysed:
    """:func:`metrics.measure.analyze` on ``events`` (no pose model), the analysis with its ``events_review``.

    ``automatic`` are the detected events (detected again from the track when not given);
    ``gait``, the track's :class:`Gait` built before, saves cleaning the track again;
    ``options`` are analyze's (view, treadmill_speed_kmh, height_cm).
    """
    if automatic is None:
        automatic = analyze_track(track, **options).events
    if gait is None:
        result = analyze(track, events=events, excluded=excluded, **options)
    else:
        g = with_contacts(gait, contacts_from_events(events, track.time_s))
        result = Analysed(g, analysis_of(g, track, excluded))
    result.analysis.events_review = provenance(automatic, result.analysis.events, excluded, source, history, at)
    return result


def provenance(automatic: list[GaitEvent], reviewed: list[GaitEvent], excluded: list[tuple[str, int]],
               source: str, history: list[dict] = (), at: datetime | None = None) -> dict:
    """The ``events_review`` record (plain JSON)."""
    changes = event_changes(automatic, reviewed)
    return {
        "reviewed": True,
        "source": source,
        "updated_at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "n_events": len(reviewed),
        "n_automatic": len(automatic),
        "changed": changes.total,
        "added": changes.added,
        "removed": changes.removed,
        "moved": changes.moved,
        "excluded_strides": [{"foot": foot, "initial_contact_frame": int(frame)} for foot, frame in excluded],
        "automatic_events": [asdict(e) for e in automatic],
        "history": list(history),
    }


def review_text(analysis: Analysis) -> str | None:
    """``"events reviewed: 3 of 68 changed (2 moved, 1 added), 1 stride excluded · 2026-11-29 21:40 UTC"``,
    or None when the events are the automatic ones."""
    r = analysis.events_review
    if not r or not r.get("reviewed"):
        return None
    parts = [f"{r[k]} {k}" for k in ("moved", "added", "removed") if r.get(k)]
    text = f"events reviewed: {r['changed']} of {r['n_automatic']} automatic events changed"
    text += f" ({', '.join(parts)})" if parts else ""
    if r.get("excluded_strides"):
        n = len(r["excluded_strides"])
        text += f", {n} stride{'s' if n > 1 else ''} excluded"
    when = datetime.fromisoformat(r["updated_at"]).astimezone(UTC)
    return f"{text} · {r['source']} · {when:%Y-%m-%d %H:%M} UTC"


# -- a person's edits: each returns new lists and raises metrics.event_io.EventsError if the result
# -- cannot be read as contacts (nothing is changed then).

def move_event(events: list[GaitEvent], event: GaitEvent, delta: int, time_s) -> list[GaitEvent]:
    """``event`` moved by ``delta`` frames."""
    frame = event.frame + delta
    if not 0 <= frame < len(time_s):
        raise EventsError(f"{describe(event)} cannot move to frame {frame}, outside the clip (0..{len(time_s) - 1})")
    return _checked([e for e in events if e != event] + [event_at(event.foot, event.kind, frame, time_s)], time_s)


def add_event(events: list[GaitEvent], foot: str, kind: str, frame: int, time_s) -> list[GaitEvent]:
    """A new initial contact or toe-off of ``foot`` at ``frame``."""
    return _checked(events + [event_at(foot, kind, frame, time_s)], time_s)


def delete_event(events: list[GaitEvent], event: GaitEvent, time_s) -> list[GaitEvent]:
    """``event`` removed; an initial contact takes its toe-off with it (a contact is removed whole)."""
    gone = [event]
    if event.kind == "initial_contact":
        later = sorted((e for e in events if e.foot == event.foot and e.frame >= event.frame and e != event),
                       key=lambda e: e.frame)
        if later and later[0].kind == "toe_off":
            gone.append(later[0])
    return _checked([e for e in events if e not in gone], time_s)


def _checked(events: list[GaitEvent], time_s) -> list[GaitEvent]:
    check_events(events, len(time_s))
    return sorted(events, key=lambda e: (e.frame, e.kind != "initial_contact", e.foot))
