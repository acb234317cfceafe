"""The co-occurrence projection on Apache Spark: the same answer as the pandas path, row for row.

:func:`cooccurrence` takes the arguments of :func:`graph.detect.projections.cooccurrence` and
returns the same DataFrame (columns, dtypes, order by (a, b), values). The driver only drops
rows with a missing group or entity and numbers the grids' groups apart, as the pandas path does;
Spark does the work that grows with the claims: the distinct memberships, group sizes and
degrees, the pruning, the self-join of each group forming the pairs a < b, and the per-day and
per-pair aggregates.

Exactness. Integer columns come out of Spark as exact counts. The two float columns are finished
on the driver with numpy, in the pandas path's own order, so they are bit-identical, not merely
close: Spark returns, per pair, the smallest group size of each shared day (sorted by day), and
the driver turns sizes into weights with numpy's ``1 / log2(1 + size)`` and adds them with the
same ``np.add.reduceat`` (numpy's pairwise summation; Spark's sum, in whatever order its
partitions arrive, would differ in the last bits). ``expected`` is ``deg_a * deg_b * q`` with
``q`` from two exact integer totals, as in :func:`graph.detect.projections._same_group_probability`.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa

from graph.detect.spark.session import get_session

__all__ = ["COLUMNS", "membership_rows", "cooccurrence"]

COLUMNS = ["a", "b", "days", "places", "tour_days", "weight", "deg_a", "deg_b", "expected"]
_INTS = ("a", "b", "days", "places", "tour_days", "deg_a", "deg_b")


def membership_rows(groups, entity, when, where=None, focus_rows=None) -> pd.DataFrame:
    """Every (group, entity) observation with its ``pos`` in the pandas path's concatenation order;
    the first observation of a membership (smallest ``pos``) gives its ``when`` and ``where``;
    ``focus`` marks the rows of ``focus_rows`` (all False without it).

    >>> membership_rows([np.array([0, -1, 1])], np.array([5, 6, -1]), [np.array([1, 2, 3])]).values.tolist()
    [[0, 5, 1, 0, 0, False]]
    """
    entity = np.asarray(entity)
    parts, offset, pos0 = [], 0, 0
    for k, g in enumerate(groups):
        g = np.asarray(g)
        ok = (g >= 0) & (entity >= 0)
        idx = np.flatnonzero(ok)
        parts.append(pd.DataFrame({
            "g": g[idx].astype(np.int64) + offset,
            "e": entity[idx].astype(np.int64),
            "when": np.asarray(when[k])[idx].astype(np.int64),
            "where": np.asarray(where[k])[idx].astype(np.int64) if where is not None else np.zeros(len(idx), np.int64),
            "pos": idx.astype(np.int64) + pos0,
            "focus": np.asarray(focus_rows, dtype=bool)[idx] if focus_rows is not None else np.zeros(len(idx), bool),
        }))
        offset += int(g.max()) + 1 if len(g) else 0
        pos0 += len(g)
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="bool" if c == "focus" else "int64")
                             for c in ("g", "e", "when", "where", "pos", "focus")})
    return pd.concat(parts, ignore_index=True)


def cooccurrence(groups, entity, when, where=None, max_group: int = 50, min_group: int = 2,
                 min_degree: int = 1, min_place_degree: int = 1, focus_rows=None, spark=None) -> pd.DataFrame:
    """:func:`graph.detect.projections.cooccurrence` computed by Spark (``spark``: a session,
    default the shared one from :func:`graph.detect.spark.session.get_session`), ``attrs``
    (``q``, ``sums``, and ``focus`` with ``focus_rows``) included."""
    from pyspark.sql import functions as F

    rows = membership_rows(groups, entity, when, where, focus_rows)
    if rows.empty:
        return _empty(0.0, (0, 0))
    if spark is None:
        from graph.detect import engine

        spark = get_session(engine.current().spark)
    # handed over as an Arrow table: no pandas conversion on the way in (faster than from the
    # pandas frame in a quick measurement at 520k rows)
    obs = spark.createDataFrame(pa.Table.from_pandas(rows, preserve_index=False))
    parts = int(spark.conf.get("spark.sql.shuffle.partitions"))
    m = _memberships(F, obs, parts, min_place_degree).persist()
    cached = [m]
    try:
        # the chance model counts every membership, pruned or not: Σ_g n_g(n_g - 1) and their number
        total, same, n_kept = m.agg(F.count(F.lit(1)), F.sum(F.col("size") - 1),
                                    F.sum(_keep(F, max_group, min_group, min_degree, min_place_degree).cast("long"))).first()
        q = 0.0 if total < 2 else float(same) / (float(total) * (float(total) - 1.0))
        sums = (int(same or 0), int(total))  # kept by an increment's memo (graph.detect.local_pairs)
        if not n_kept:
            return _empty(q, sums)
        kept = m.where(_keep(F, max_group, min_group, min_degree, min_place_degree))
        focus = None
        if focus_rows is not None:
            # the focus entities: every member (kept or not) of a group holding a focus row; pairs
            # are formed only in the groups where one of them stays after the filters
            focus_groups = obs.where("focus").select("g").distinct()
            focus_df = m.join(focus_groups, "g", "left_semi").select("e").distinct().persist()
            cached.append(focus_df)
            focus = np.sort(focus_df.toArrow().column("e").to_numpy().astype(np.int64))
            hit = kept.join(focus_df, "e", "left_semi").select("g").distinct()
            kept = kept.join(hit, "g", "left_semi")
        pairs = _pairs(F, kept, parts)
        if focus is not None:
            # pairs of two outsiders were counted only partly; the caller keeps their old values
            fa = F.broadcast(focus_df.select(F.col("e").alias("fa")))
            fb = F.broadcast(focus_df.select(F.col("e").alias("fb")))
            pairs = (pairs.join(fa, pairs["a"] == fa["fa"], "left").join(fb, pairs["b"] == fb["fb"], "left")
                     .where(F.col("fa").isNotNull() | F.col("fb").isNotNull()).drop("fa", "fb"))
        with warnings.catch_warnings():
            # pyspark 4.x warns that pandas 3 is not fully supported; no pandas is involved here
            warnings.simplefilter("ignore", FutureWarning)
            table = pairs.orderBy("a", "b").toArrow()
    finally:
        for df in cached:
            df.unpersist()
    out = _empty(q, sums) if table.num_rows == 0 else _frame(table, q, sums)
    if focus is not None:
        out.attrs["focus"] = focus
    return out


def _empty(q: float, sums: tuple[int, int]) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("weight", "expected") else "int64") for c in COLUMNS})
    out.attrs["q"], out.attrs["sums"] = q, sums
    return out


def _frame(table: pa.Table, q: float, sums: tuple[int, int]) -> pd.DataFrame:
    out = pd.DataFrame({c: table.column(c).to_numpy().astype(np.int64) for c in _INTS})
    out["weight"] = _weights(table.column("sizes"), out["days"].to_numpy())
    out["expected"] = out["deg_a"] * out["deg_b"] * q
    out = out[COLUMNS]
    out.attrs["q"], out.attrs["sums"] = q, sums
    return out


def _keep(F, max_group, min_group, min_degree, min_place_degree):
    keep = (F.col("size") >= min_group) & (F.col("size") <= max_group) & (F.col("deg") >= min_degree)
    if min_place_degree > 1:
        keep &= F.col("place_days") >= min_place_degree
    return keep


def _memberships(F, obs, parts: int, min_place_degree: int):
    """Distinct memberships (g, e, when, where) with their group's size, the entity's degree
    (distinct days) and, when asked, its distinct days at that place.

    Partitioned by g, the dedup and the group sizes need one exchange; by e, the degree and the
    place-days (windows on e and on (e, where)) need one more; nothing is joined back.
    """
    from pyspark.sql import Window

    m = (obs.repartition(parts, "g").groupBy("g", "e")
         # the first observation (pos is unique); min_by keeps a hash aggregate, min(struct) would sort
         .agg(F.min_by("when", "pos").alias("when"), F.min_by("where", "pos").alias("where"))
         .withColumn("size", F.count(F.lit(1)).over(Window.partitionBy("g"))))
    m = m.repartition(parts, "e").withColumn("deg", F.size(F.collect_set("when").over(Window.partitionBy("e"))))
    if min_place_degree > 1:
        m = m.withColumn("place_days", F.size(F.collect_set("when").over(Window.partitionBy("e", "where"))))
    return m


def _pairs(F, kept, parts):
    """Per pair a < b: days, places, tour days, degrees and the smallest group size of each day
    (sorted by day)."""
    kept = kept.select("g", "e", "when", "where", "size", "deg").repartition(parts, "g")
    left, right = kept.alias("l"), kept.alias("r")
    # each pair of a group once, a < b; its day and place are the smaller entity's, as in pandas
    pairs = left.join(right, (F.col("l.g") == F.col("r.g")) & (F.col("l.e") < F.col("r.e"))).select(
        F.col("l.e").alias("a"), F.col("r.e").alias("b"), F.col("l.when").alias("when"),
        F.col("l.where").alias("where"), F.col("l.size").alias("size"),
        F.col("l.deg").alias("deg_a"), F.col("r.deg").alias("deg_b"))
    # one count per (pair, day): the smallest group that day gives the largest weight; partitioned
    # by (a, b), the per-day and the per-pair aggregates share one exchange
    per_day = pairs.repartition(parts, "a", "b").groupBy("a", "b", "when").agg(
        F.min("size").alias("size"), F.collect_set("where").alias("wheres"),
        F.max("deg_a").alias("deg_a"), F.max("deg_b").alias("deg_b"))
    return (per_day.groupBy("a", "b").agg(
        F.count(F.lit(1)).alias("days"),
        F.size(F.array_distinct(F.flatten(F.collect_list("wheres")))).alias("places"),
        F.sum((F.size("wheres") >= 2).cast("long")).alias("tour_days"),
        F.max("deg_a").alias("deg_a"), F.max("deg_b").alias("deg_b"),
        F.sort_array(F.collect_list(F.struct("when", "size"))).alias("by_day"))
        .select("a", "b", "days", "places", "tour_days", "deg_a", "deg_b",
                F.transform("by_day", lambda x: x["size"]).alias("sizes")))


def _weights(sizes: pa.ChunkedArray, days: np.ndarray) -> np.ndarray:
    """Σ over a pair's days of 1/log2(1 + size), summed exactly as the pandas path sums it.

    >>> _weights(pa.chunked_array([[[1, 3], [1]]]), np.array([2, 1])).tolist()
    [1.5, 1.0]
    """
    flat = pa.concat_arrays([c.flatten() for c in sizes.chunks]) if sizes.num_chunks else pa.array([], pa.int64())
    day_w = 1.0 / np.log2(1.0 + flat.to_numpy(zero_copy_only=False).astype(np.int64))
    idx = np.cumsum(days) - days
    return np.add.reduceat(day_w, idx)
