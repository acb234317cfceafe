"""Altair charts for the ring page: the member × hour timeline and the institution map.

Both are Vega-Lite specs Streamlit renders with the library bundled in its own front end, so
nothing loads from outside; the map is a projected scatter of coordinates with district
labels, drawn without any tile server.

>>> import pandas as pd
>>> t = pd.DataFrame({"member": ["P1"], "hour": pd.to_datetime(["2024-01-02 21:00"]),
...                   "institution_id": ["H1"], "claims": [2], "fund_amount": [30.0]})
>>> timeline_chart(t, "en").to_dict()["layer"][0]["mark"]["type"]
'circle'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from app.i18n import tr

__all__ = ["timeline_chart", "map_chart"]

_MAX_MEMBERS_ROW_PX = 18


def timeline_chart(frame: pd.DataFrame, lang: str = "zh") -> alt.LayerChart:
    """Dots at (hour, member), sized by claims, coloured by institution.

    Rules mark the hours where three or more members settled at once, so a burst is visible
    before one reads a single dot.
    """
    members = list(dict.fromkeys(frame.sort_values("hour")["member"])) if not frame.empty else []
    height = max(120, min(1400, _MAX_MEMBERS_ROW_PX * len(members)))
    m, h = tr("timeline_member", lang), tr("timeline_time", lang)
    dots = (
        alt.Chart(frame)
        .mark_circle(opacity=0.8)
        .encode(
            x=alt.X("hour:T", title=h),
            y=alt.Y("member:N", title=m, sort=members, axis=alt.Axis(labelLimit=160)),
            size=alt.Size("claims:Q", title=tr("m.claims", lang), scale=alt.Scale(range=[30, 300])),
            color=alt.Color("institution_id:N", title=tr("kind.institution", lang)),
            tooltip=[
                alt.Tooltip("member:N", title=m),
                alt.Tooltip("hour:T", title=h, format="%Y-%m-%d %H:00"),
                alt.Tooltip("institution_id:N", title=tr("kind.institution", lang)),
                alt.Tooltip("claims:Q", title=tr("m.claims", lang)),
                alt.Tooltip("fund_amount:Q", title=tr("m.fund", lang), format=",.2f"),
            ],
        )
    )
    bursts = (
        frame.groupby("hour", observed=True)["member"].nunique().reset_index(name="members")
        if not frame.empty
        else pd.DataFrame({"hour": pd.Series(dtype="datetime64[ns]"), "members": pd.Series(dtype=int)})
    )
    bursts = bursts[bursts["members"] >= 3]
    rules = (
        alt.Chart(bursts)
        .mark_rule(color="#e15759", opacity=0.25, strokeWidth=3)
        .encode(x="hour:T", tooltip=[alt.Tooltip("hour:T", format="%Y-%m-%d %H:00"), alt.Tooltip("members:Q", title=tr("m.members", lang))])
    )
    return alt.layer(dots, rules).properties(height=height).interactive(bind_y=False)


def map_chart(frame: pd.DataFrame, lang: str = "zh") -> alt.LayerChart:
    """Institutions as points on their coordinates (Mercator), sized by fund amount, with
    the district names written at their institutions' centre."""
    points = (
        alt.Chart(frame)
        .mark_circle(opacity=0.75, color="#59a14f", stroke="#2f5d2a")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            # no size legend: the tooltip gives each amount, and a legend would crowd a small map
            size=alt.Size("fund_amount:Q", title=tr("m.fund", lang), scale=alt.Scale(range=[60, 900]), legend=None),
            tooltip=[
                alt.Tooltip("institution_id:N", title=tr("kind.institution", lang)),
                alt.Tooltip("name:N", title=""),
                alt.Tooltip("region:N", title=tr("filter_district", lang)),
                alt.Tooltip("claims:Q", title=tr("m.claims", lang)),
                alt.Tooltip("fund_amount:Q", title=tr("m.fund", lang), format=",.2f"),
            ],
        )
    )
    ids = (
        alt.Chart(frame)
        .mark_text(dy=-12, fontSize=10, color="#333333")
        .encode(longitude="lon:Q", latitude="lat:Q", text="institution_id:N")
    )
    centres = (
        frame.groupby("region", observed=True)[["lat", "lon"]].mean().reset_index()
        if not frame.empty and "region" in frame
        else pd.DataFrame(columns=["region", "lat", "lon"])
    )
    districts = (
        alt.Chart(centres)
        .mark_text(dy=16, fontSize=13, fontWeight="bold", color="#4e79a7")
        .encode(longitude="lon:Q", latitude="lat:Q", text="region:N")
    )
    # Two invisible corner points, padded around the data, so the projection fits a sensible
    # area even for a single institution (a zero extent would pin it to a corner).
    if frame.empty:
        corners = pd.DataFrame({"lat": [0.0], "lon": [0.0]})
    else:
        lat0, lat1 = float(frame["lat"].min()), float(frame["lat"].max())
        lon0, lon1 = float(frame["lon"].min()), float(frame["lon"].max())
        pad_lat, pad_lon = max(0.02, (lat1 - lat0) * 0.12), max(0.02, (lon1 - lon0) * 0.12)
        corners = pd.DataFrame({"lat": [lat0 - pad_lat, lat1 + pad_lat], "lon": [lon0 - pad_lon, lon1 + pad_lon]})
    frame_layer = alt.Chart(corners).mark_point(opacity=0).encode(longitude="lon:Q", latitude="lat:Q")
    return alt.layer(frame_layer, points, ids, districts).project(type="mercator").properties(height=380)
