"""``ringtrace neo4j-import DIR``: CSVs for ``neo4j-admin database import full``, from the analytic copy.

A first load of a city-year into Neo4j goes fastest through the offline importer, the way Neo4j
users load big graphs: this writes one header file and one data file per node label and
relationship type, with the same nodes, properties and aggregated edges the stores build
(``graph/store/frames.py``), and prints the exact ``neo4j-admin`` command plus the constraint
statements to run once the database is started. ``Batch`` nodes record what was imported, so a
later ``ringtrace ingest`` with ``NEO4J_URI`` set loads only newer batches.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pandas as pd

from graph.store.frames import CLAIM_RELS, EDGE_KINDS, NODE_COLUMNS, aggregate, prepare_claims, prepare_reference
from graph.store.sync import reference_version
from queries.loader import load
from ringtrace.errors import InputError, WorkspaceError
from ringtrace.workspace import Workspace

__all__ = ["configure", "run", "write_import", "LABELS"]

LABELS = {"patient": "Patient", "card": "Card", "doctor": "Doctor", "institution": "Institution", "claim": "Claim"}
_TYPES = {"birth_year": "long", "lat": "double", "lon": "double", "total_amount": "double", "fund_amount": "double",
          "claims": "long", "registered": "boolean"}


def configure(p) -> None:
    p.add_argument("dir", type=Path, help="folder to write the CSVs into (created; must be empty)")
    p.add_argument("--database", default="neo4j", help="name of the Neo4j database to create (default neo4j)")


def _header(path: Path, columns: list[str]) -> None:
    path.write_text(",".join(columns) + "\n", encoding="utf-8")


def _prop(c: str) -> str:
    return f"{c}:{_TYPES[c]}" if c in _TYPES else c


def _write(out: Path, stem: str, header: list[str], df: pd.DataFrame) -> tuple[str, str]:
    _header(out / f"{stem}_header.csv", header)
    df.to_csv(out / f"{stem}.csv", header=False, index=False, encoding="utf-8")
    return str(out / f"{stem}_header.csv"), str(out / f"{stem}.csv")


def write_import(ws: Workspace, out: Path, database: str = "neo4j") -> tuple[list[str], dict[str, int]]:
    """Write the import CSVs into ``out``; returns (the neo4j-admin argv, rows per file stem)."""
    from ingest import analytic

    batches = analytic.batches(ws)
    if not batches:
        raise WorkspaceError(f"The workspace {ws.root} holds no claims yet. Run ringtrace ingest first, then "
                             f"ringtrace neo4j-import again.")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise InputError(f"The folder {out} is not empty; neo4j-import writes a complete set of files. "
                         f"Give an empty or new folder.")
    claims = prepare_claims(analytic.read_claims(ws))
    raw_refs = {k: analytic.read_reference(ws, k) for k in ("institutions", "doctors", "patients")}
    refs = {"institution": prepare_reference("institutions", raw_refs["institutions"]),
            "doctor": prepare_reference("doctors", raw_refs["doctors"]),
            "patient": prepare_reference("patients", raw_refs["patients"])}

    nodes_args, rels_args, rows = [], [], {}
    ids = {t: set(claims[col].dropna()) for t, col in (("patient", "patient_id"), ("card", "card_id"),
                                                     ("doctor", "doctor_id"), ("institution", "institution_id"))}
    for t, ref in refs.items():
        if ref is not None:
            ids[t] |= set(ref["id"])
    if refs["patient"] is not None:
        ids["card"] |= set(refs["patient"]["card_id"].dropna())
    for t in ("patient", "card", "doctor", "institution"):
        df = pd.DataFrame({"id": sorted(ids[t])})
        ref = refs.get(t)
        if ref is not None:
            df = df.merge(ref[list(NODE_COLUMNS[t])], on="id", how="left")
        df = df.reindex(columns=list(NODE_COLUMNS[t]))
        if "birth_year" in df:
            df["birth_year"] = df["birth_year"].astype("Int64")
        header = [f"id:ID({LABELS[t]})"] + [_prop(c) for c in NODE_COLUMNS[t][1:]]
        nodes_args.append(f"--nodes={LABELS[t]}=" + ",".join(_write(out, t, header, df)))
        rows[t] = len(df)
    claim_nodes = claims.rename(columns={"claim_id": "id"})[list(NODE_COLUMNS["claim"])]
    header = ["id:ID(Claim)"] + [_prop(c) for c in NODE_COLUMNS["claim"][1:]]
    nodes_args.append("--nodes=Claim=" + ",".join(_write(out, "claim", header, claim_nodes)))
    rows["claim"] = len(claim_nodes)
    marks = list(batches) + [reference_version(k, f) for k, f in raw_refs.items() if f is not None and len(f)]
    nodes_args.append("--nodes=Batch=" + ",".join(_write(out, "batch", ["id:ID(Batch)"], pd.DataFrame({"id": marks}))))
    rows["batch"] = len(marks)

    for rel, (t, col) in CLAIM_RELS.items():
        df = claims[claims[col].notna()][["claim_id", col]]
        stem = rel.lower()
        rels_args.append(f"--relationships={rel}=" + ",".join(
            _write(out, stem, [":START_ID(Claim)", f":END_ID({LABELS[t]})"], df)))
        rows[stem] = len(df)

    for kind, (ta, tb, _, _) in EDGE_KINDS.items():
        agg = aggregate(claims, kind)
        extra = None
        if kind == "HOLDS" and refs["patient"] is not None:
            extra = refs["patient"][refs["patient"]["card_id"].notna()].rename(columns={"id": "a", "card_id": "b"})[["a", "b"]]
        if kind == "WORKS_AT":
            agg["registered"] = False
            if refs["doctor"] is not None:
                reg = refs["doctor"][refs["doctor"]["institution_id"].isin(ids["institution"])]
                reg = reg.rename(columns={"id": "a", "institution_id": "b"})[["a", "b"]]
                key = set(zip(reg["a"], reg["b"]))
                agg["registered"] = [(a, b) in key for a, b in zip(agg["a"], agg["b"])]
                extra = reg.assign(registered=True)
        if extra is not None:
            have = set(zip(agg["a"], agg["b"]))
            extra = extra[[(a, b) not in have for a, b in zip(extra["a"], extra["b"])]].drop_duplicates(["a", "b"])
            extra = extra.assign(claims=0, fund_amount=0.0, total_amount=0.0, first=None, last=None)
            agg = pd.concat([agg, extra[agg.columns]], ignore_index=True) if len(extra) else agg
        cols = ["claims", "fund_amount", "total_amount", "first", "last"] + (["registered"] if kind == "WORKS_AT" else [])
        header = [f":START_ID({LABELS[ta]})", f":END_ID({LABELS[tb]})"] + [_prop(c) for c in cols]
        if kind == "WORKS_AT":
            agg["registered"] = agg["registered"].map({True: "true", False: "false"})
        stem = kind.lower()
        rels_args.append(f"--relationships={kind}=" + ",".join(_write(out, stem, header, agg[["a", "b"] + cols])))
        rows[stem] = len(agg)

    argv = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination=true",
            "--id-type=string", *nodes_args, *rels_args]
    return argv, rows


def run(args, ws: Workspace) -> int:
    argv, rows = write_import(ws, args.dir, database=args.database)
    print(f"Wrote {sum(1 for _ in args.dir.glob('*.csv'))} files to {args.dir} "
          f"({rows['claim']:,} claims, {rows['patient']:,} patients, {rows['card']:,} cards, "
          f"{rows['doctor']:,} doctors, {rows['institution']:,} institutions).")
    print("\n1. Stop Neo4j, then run (it replaces the database):\n")
    words = [shlex.quote(a) for a in argv]
    print("   " + " \\\n     ".join([" ".join(words[:5])] + words[5:]))
    print("\n2. Start Neo4j and create the constraints (cypher-shell), before the first ringtrace run:\n")
    for stmt in load("schema", "bolt").statements:
        print(f"   {stmt};")
    print(f"\n3. Point ringtrace at it: NEO4J_URI=bolt://HOST:7687 NEO4J_USER=… NEO4J_PASSWORD=… "
          f"NEO4J_DATABASE={args.database}")
    return 0
