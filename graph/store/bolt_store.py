"""The server store: Neo4j (or any Bolt + Cypher server, e.g. ArcadeDB) over the Bolt protocol.

Loading makes the constraints first, then sends claims in chunks; each chunk is one transaction
that checks which of its claims the graph already holds, adds only the others with their
entities and links, and adds their totals to the browsing edges. A load killed midway leaves
whole chunks behind, never half of one, and running it again skips the chunks already there,
so the graph ends the same as after one uninterrupted load.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pandas as pd
import pyarrow as pa

from graph.store.cypher_store import CypherStore
from graph.store.frames import CLAIM_COLUMNS, EDGE_KINDS, NODE_COLUMNS, aggregate, prepare_claims, prepare_reference, records
from queries.loader import Query
from ringtrace.errors import StoreError

__all__ = ["BoltStore", "from_env"]

_MERGE_IDS = {"patient": "merge_patient_ids", "card": "merge_card_ids", "doctor": "merge_doctor_ids",
              "institution": "merge_institution_ids"}
_MERGE_REF = {"patient": "merge_patients", "doctor": "merge_doctors", "institution": "merge_institutions"}
_ADD_EDGE = {"HOLDS": "add_holds", "TREATED": "add_treated", "VISITED": "add_visited",
             "USED_AT": "add_used_at", "WORKS_AT": "add_works_at"}
_REGISTER = {"HOLDS": "register_holds", "WORKS_AT": "register_works_at"}
_EDGE_COLS = ["a", "b", "claims", "fund_amount", "total_amount", "first", "last"]


def from_env() -> "BoltStore":
    """A BoltStore from NEO4J_URI, NEO4J_DATABASE and the credentials of ``access.secrets``.

    The password comes only from NEO4J_PASSWORD or a NEO4J_PASSWORD_FILE readable by its owner
    alone (``neo4j_auth`` refuses any other), and never appears in an error message.
    """
    from access.secrets import neo4j_auth

    uri = os.environ["NEO4J_URI"]
    return BoltStore(uri, auth=neo4j_auth(), database=os.environ.get("NEO4J_DATABASE") or None)


class BoltStore(CypherStore):
    """A graph in a Bolt server. ``chunk`` claims go in one load transaction."""

    name = "bolt"
    engine = "bolt"

    def __init__(self, uri: str, auth=None, database: str | None = None, chunk: int = 5000):
        import neo4j

        self._neo4j = neo4j
        self.uri = uri
        self.database = database
        self.chunk = int(chunk)
        self._tx = None
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            self._driver.verify_connectivity()
        except neo4j.exceptions.AuthError as e:
            raise StoreError(f"The Bolt server at {uri} refused the user name or password "
                             f"(NEO4J_USER / NEO4J_PASSWORD). Check them and try again.") from e
        except (neo4j.exceptions.ServiceUnavailable, ValueError, OSError) as e:
            from access.secrets import scrub

            raise StoreError(f"Cannot reach a Bolt server at {uri} (NEO4J_URI): {scrub(str(e))}. Start the "
                             f"server or unset NEO4J_URI to use the embedded store.") from e
        self._schema_done = False

    # --- running queries ---------------------------------------------------------------------
    def _fail(self, e: Exception, query: Query):
        code = getattr(e, "code", None) or type(e).__name__
        return StoreError(f"The Bolt server at {self.uri} failed query {query.path.name} ({code}): {e}")

    def _run_rows(self, query: Query, params: dict) -> list[dict]:
        neo4j = self._neo4j
        try:
            if self._tx is not None:
                return [r.data() for r in self._tx.run(query.text, params)]
            with self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as s:
                return [r.data() for r in s.run(query.text, params)]
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
            raise self._fail(e, query) from e

    def _run_write(self, query: Query, params: dict) -> None:
        neo4j = self._neo4j
        try:
            if self._tx is not None:
                self._tx.run(query.text, params).consume()
                return
            with self._driver.session(database=self.database) as s:
                s.run(query.text, params).consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
            raise self._fail(e, query) from e

    @contextmanager
    def _transaction(self):
        if self._tx is not None:
            yield
            return
        session = self._driver.session(database=self.database)
        tx = session.begin_transaction()
        self._tx = tx
        try:
            yield
        except BaseException:
            self._tx = None
            try:
                tx.rollback()
            finally:
                session.close()
            raise
        self._tx = None
        try:
            tx.commit()
        except (self._neo4j.exceptions.Neo4jError, self._neo4j.exceptions.DriverError) as e:
            raise StoreError(f"The Bolt server at {self.uri} could not commit a load transaction: {e}") from e
        finally:
            session.close()

    def close(self) -> None:
        driver, self._driver = getattr(self, "_driver", None), None
        if driver is not None:
            driver.close()

    # --- schema and loading -----------------------------------------------------------------------
    def ensure_schema(self) -> None:
        if self._schema_done:
            return
        q = self._q("schema")
        for stmt in q.statements:
            self._run_write(Query(q.name, q.path, q.doc, stmt, (), q.first_line), {})
        self._schema_done = True

    def load(self, claims, institutions=None, doctors=None, patients=None, *, settled=()) -> int:
        """Add the claims and reference rows the graph lacks, chunk by chunk; returns new claims.

        ``claims`` is a DataFrame or an Arrow table. ``settled`` (reference kinds already applied
        unchanged) is accepted for the embedded store's sake; here every reference row is merged
        again, which changes nothing but time.
        """
        self.ensure_schema()
        if isinstance(claims, pa.Table):
            claims = claims.to_pandas()
        c = prepare_claims(claims)
        refs = {"institution": prepare_reference("institutions", institutions),
                "doctor": prepare_reference("doctors", doctors),
                "patient": prepare_reference("patients", patients)}
        for t in ("institution", "doctor", "patient"):
            ref = refs[t]
            if ref is None:
                continue
            rows = records(ref, NODE_COLUMNS[t])
            for i in range(0, len(rows), self.chunk):
                with self._transaction():
                    self._write(_MERGE_REF[t], rows=rows[i : i + self.chunk])
            if t == "patient":
                cards = sorted(set(ref["card_id"].dropna()))
                for i in range(0, len(cards), self.chunk):
                    with self._transaction():
                        self._write("merge_card_ids", ids=cards[i : i + self.chunk])

        added = 0
        for i in range(0, len(c), self.chunk):
            added += self._load_chunk(c.iloc[i : i + self.chunk])

        # Links the reference files state even without claims, after the claims made their nodes.
        for ref, query, col in ((refs["patient"], _REGISTER["HOLDS"], "card_id"),
                                (refs["doctor"], _REGISTER["WORKS_AT"], "institution_id")):
            if ref is None:
                continue
            rows = records(ref[ref[col].notna()].rename(columns={"id": "a", col: "b"}), ["a", "b"])
            for i in range(0, len(rows), self.chunk):
                with self._transaction():
                    self._write(query, rows=rows[i : i + self.chunk])
        return added

    def _load_chunk(self, chunk: pd.DataFrame) -> int:
        with self._transaction():
            old = {r["id"] for r in self._rows("existing_claims", ids=chunk["claim_id"].tolist())}
            new = chunk[~chunk["claim_id"].isin(old)]
            if new.empty:
                return 0
            for t, col in (("patient", "patient_id"), ("card", "card_id"), ("doctor", "doctor_id"),
                           ("institution", "institution_id")):
                ids = sorted(set(new[col].dropna()))
                if ids:
                    self._write(_MERGE_IDS[t], ids=ids)
            self._write("create_claims", rows=records(new, list(CLAIM_COLUMNS)))
            doc = new[new["doctor_id"].notna()]
            if len(doc):
                self._write("link_prescribed_by",
                            rows=records(doc.rename(columns={"claim_id": "a", "doctor_id": "b"}), ["a", "b"]))
            for kind in EDGE_KINDS:
                agg = aggregate(new, kind)
                if len(agg):
                    self._write(_ADD_EDGE[kind], rows=records(agg, _EDGE_COLS))
            return int(len(new))
