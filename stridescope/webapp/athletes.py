"""Athletes: each one's sessions and how the key measures changed over time."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from reports.labels import fmt, title
from stridescope.storage import Repository, SessionInfo
from stridescope.webapp.common import KEY_METRICS, open_session, plain


def show(repo: Repository) -> None:
    st.title("Athletes")
    athletes = repo.athletes()
    if not athletes:
        st.info("No athletes yet: each new analysis names one.")
        return
    by_id = {a.id: a for a in athletes}
    athlete_id = st.selectbox("Athlete", list(by_id), key="athlete_page",
                              format_func=lambda i: f"{by_id[i].name} ({by_id[i].n_sessions} sessions)")
    sessions = repo.sessions(athlete_id=athlete_id)
    if not sessions:
        st.info("This athlete has no sessions left.")
        return
    st.subheader("Sessions")
    for s in sessions:
        left, right = st.columns([6, 1])
        cadence = s.summary.get("cadence_spm", {}).get("value")
        left.write(plain(f"{s.recorded_at.astimezone():%Y-%m-%d %H:%M} · {s.view_kind} view · {s.clip_label} · "
                         f"cadence {fmt(cadence, 'steps/min')}" + (f" · {s.notes}" if s.notes else "")))
        if right.button("Open", key=f"athlete-open-{s.id}"):
            open_session(s.id)
    st.subheader("Trends")
    trend = trend_table(sessions)
    if trend["session"].nunique() < 2:
        st.caption("Trends appear once the athlete has two sessions.")
        return
    st.altair_chart(trend_chart(trend), width="stretch")


def trend_table(sessions: list[SessionInfo]) -> pd.DataFrame:
    """One row per (session, key measure): date, camera view, measure heading with unit, value."""
    rows = [
        {"session": s.id, "date": s.recorded_at.astimezone().replace(tzinfo=None), "view": s.view_kind,
         "measure": f"{title(name)} ({v['unit']})", "value": v["value"]}
        for s in sessions for name, v in s.summary.items()
        if name in KEY_METRICS and v.get("value") is not None
    ]
    return pd.DataFrame(rows, columns=["session", "date", "view", "measure", "value"])


def trend_chart(trend: pd.DataFrame) -> alt.FacetChart:
    """Small multiples, one per measure, each on its own scale: value over date with a point per session,
    one line per camera view (a side and a rear clip measure some things differently).

    Sessions are placed on their day (the tooltip gives the time) and the axis is
    labelled with dates; a span of a few days gets a day either side.
    """
    first, last = trend["date"].min().normalize(), trend["date"].max().normalize()
    span = last - first
    pad = pd.Timedelta(days=1) if span < pd.Timedelta(days=3) else pd.Timedelta(0)
    daily = {"interval": "day", "step": 1} if span < pd.Timedelta(days=14) else alt.Undefined
    return alt.Chart(trend).mark_line(point=True).encode(
        x=alt.X("yearmonthdate(date):T", title=None,
                scale=alt.Scale(domain=[(first - pad).isoformat(), (last + pad).isoformat()]),
                axis=alt.Axis(format="%d %b %Y", tickCount=daily, labelAngle=0)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("view:N", title="view"),
        tooltip=[alt.Tooltip("date:T", format="%d %b %Y %H:%M"), "view:N", "measure:N",
                 alt.Tooltip("value:Q", format=".1f"), "session:Q"],
    ).properties(width=320, height=140).facet(
        facet=alt.Facet("measure:N", title=None), columns=2,
    ).resolve_scale(y="independent")
