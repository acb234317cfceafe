"""The access guard: the data layer every page reads through.

``Guard(ws, user)`` wraps the graph store, the analytic copy, the rings and the case records.
Every read is validated, recorded in the audit trail where it looks at a ring or a person, and
returned already shaped for the user's role:

- roles with ``view_identity`` (investigator, police) get ids and personal fields as stored;
- other roles (leader, admin) never receive a personal identifier. Patient and card ids become
  opaque tokens (:func:`pseudonym`, the same token for the same person everywhere, so links,
  tables and networks still agree), names, phones and addresses are masked (张*, 138****5678),
  free text (evidence sentences, notes) is rewritten so no id survives, and a node's display
  label is the masked id (3309**********1234). Doctors' and institutions' ids are not personal
  and are never masked. Tokens resolve back only inside the guard (``neighbourhood`` accepts
  them); a raw patient or card id from such a role is refused, so a URL cannot be used to test
  guesses, and search looks only at doctors and institutions.

Permissions are checked here, not only in the pages: exports, referral packs, notes, status
changes, user management and the audit trail each need the permission of :mod:`access.roles`.

The readers are injected for tests and for the app's caches; by default the guard opens the
store with ``graph.store.factory.open_store(ws, read_only=True)``, reads the analytic copy
through ``ingest.analytic`` and the rings from ``ws.rings_json``.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import io
import json
import threading
import time
from collections import OrderedDict
from pathlib import Path
from datetime import date, datetime, time as dtime
from typing import Callable

from access import audit as _audit
from access import users as _users
from access.mask import is_blank, mask_address, mask_card, mask_id, mask_name, mask_phone, mask_text
from access.pseudonym import pseudonym, pseudonyms, resolve
from access.roles import ROLES, can, require
from access.sessions import Session
from access import validate as v
from graph.store.base import ENTITY_TYPES, EntitySummary, Node, Subgraph
from ringtrace.errors import AccessDenied

__all__ = ["Guard", "pseudonym", "PERSONAL_TYPES", "SessionExpired", "warm_rings"]

# Entity types whose ids identify a person, with the masked display form of each.
PERSONAL_TYPES: dict[str, Callable] = {"patient": mask_id, "card": mask_card}
# Ring member groups holding personal ids.
_MEMBER_TYPES = {"patients": "patient", "cards": "card"}
# Frame columns holding personal ids.
_ID_COLUMNS = {"patient_id": "patient", "card_id": "card"}
_PERSON_FIELDS = {"name": mask_name, "phone": mask_phone, "address": mask_address}
# What a restricted role may see of a person's node besides the masked fields: counts, money,
# dates and coarse demographics. Anything else a store adds is dropped rather than guessed at.
_SAFE_PROPS = frozenset({
    "claims", "fund_amount", "total_amount", "first", "last", "birth_year", "sex", "region",
    "district", "kind", "degree", "rings", "ring_ids", "score", "in_ring", "visits", "institutions",
    "doctors", "cards", "patients", "hops",
})
# Claim columns that are not personal (CONTRACT.md) plus what pages commonly add.
_PLAIN_COLUMNS = frozenset({
    "claim_id", "institution_id", "doctor_id", "visit_type", "settled_at", "admitted_on",
    "discharged_on", "total_amount", "fund_amount", "diagnosis", "operator_id", "batch_id",
    "birth_year", "sex", "region", "kind", "level", "lat", "lon", "ring_id", "hour", "claims",
    "member_kind", "role", "pattern", "score", "district", "institution_name", "doctor_name",
    "institution_kind",
})
_DEDUPE_S = 300.0
# Ring fields the guard shapes one by one (graph/detect/ring.py); any other field is scrubbed.
_RING_FIELDS = frozenset({
    "ring_id", "score", "pattern", "members", "claim_ids", "fund_amount", "first_seen", "last_seen",
    "evidence", "roles", "districts", "detectors", "score_parts",
})
_SCRUB_TYPES = ("patient", "card")


class SessionExpired(AccessDenied):
    """The session was idle too long; log in again."""

    def __init__(self):
        super().__init__("登录已超时，请重新登录。/ Your session has expired; please log in again.")


# --- audit de-duplication ------------------------------------------------------------------
# Streamlit reruns a page on every click; one look at a ring is one entry, not twenty.
_recent: OrderedDict[tuple, float] = OrderedDict()
_recent_lock = threading.Lock()


def _seen_recently(key: tuple, now: float) -> bool:
    with _recent_lock:
        last = _recent.get(key)
        if last is not None and now - last < _DEDUPE_S:
            return True
        _recent[key] = now
        _recent.move_to_end(key)
        while len(_recent) > 20_000:
            _recent.popitem(last=False)
        return False


# --- masked rings cache --------------------------------------------------------------------
_rings_cache: OrderedDict[tuple, list] = OrderedDict()
_raw_index: OrderedDict[tuple, dict] = OrderedDict()  # rings.json version -> ring id -> Ring
_rings_lock = threading.Lock()
_parse_lock = threading.Lock()  # held while a rings file is parsed (see _ring_index)


def _ring_index(path: Path) -> dict | None:
    """ring id -> Ring of the rings file as it is now; None when there is none.

    Opening a ring parsed the whole rings.json each time: 69 MB and 1.0 s of a 1.2 s ring page at
    a city-year (3,698 rings). The parsed rings are kept per file version (path, mtime, size:
    detection replaces the file whole, so a new run is a new key), the same for every role.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    with _rings_lock:
        index = _raw_index.get(key)
    if index is not None:
        return index
    # One parse per file version: the queue asking while the login's warm-up parses waits for
    # that parse instead of running a second one beside it (two 1-second parses sharing a core).
    with _parse_lock:
        with _rings_lock:
            index = _raw_index.get(key)
        if index is None:
            from graph.detect.ring import read_rings_json

            index = {r.ring_id: r for r in read_rings_json(path)}
            with _rings_lock:
                _raw_index[key] = index
                while len(_raw_index) > 2:
                    _raw_index.popitem(last=False)
    return index


def warm_rings(ws) -> None:
    """Read the workspace's rings file ahead (the app's warm-up at login), so the first ring opens fast."""
    _ring_index(ws.rings_json)


def _column_kind(col: str) -> Callable | None:
    """How to mask a frame column that is not a known claim column, by its name."""
    c = str(col).lower()
    if any(c.startswith(p) for p in ("institution", "doctor", "operator", "机构", "医师", "医院")):
        return None
    if "phone" in c or "电话" in c or "手机" in c or "mobile" in c:
        return mask_phone
    if "address" in c or "住址" in c or "地址" in c:
        return mask_address
    if "身份证" in c or "id_card" in c or "idcard" in c:
        return mask_id
    if "name" in c or "姓名" in c:
        return mask_name
    return None


def _as_datetime(value, end: bool = False) -> datetime | None:
    d = v.day(value)
    if d is None:
        return None
    return datetime.combine(d, dtime.max if end else dtime.min)


class Guard:
    """What one user may read and do, on one workspace.

    Parameters
    ----------
    ws : ringtrace.workspace.Workspace
    user : access.users.User
    store : GraphStore or callable returning one, optional
        Default: ``graph.store.factory.open_store(ws, read_only=True)``, opened on first use.
    analytic : module-like, optional
        With ``read_claims(ws, columns=None, batches=None)`` and ``read_reference(ws, kind)``;
        default ``ingest.analytic``.
    rings : callable returning list of Ring, optional
        Default: the rings in ``ws.rings_json`` (none if the file is absent).
    session : access.sessions.Session, optional
        The login session; a new one starts if not given.
    """

    def __init__(self, ws, user, *, store=None, analytic=None, rings=None, session: Session | None = None):
        if getattr(user, "role", None) not in ROLES:
            raise AccessDenied("未知角色。/ Unknown role: log in again.")
        self.ws = ws
        self.user = user
        self.identity = can(user.role, "view_identity")
        self._store_arg = store
        self._store = None
        self._store_version = None
        self._analytic = analytic
        self._rings_reader = rings
        self.session = session or Session(user)

    # --- session ---------------------------------------------------------------------------
    def expired(self) -> bool:
        return self.session.expired()

    def touch(self) -> None:
        """Note activity; raise :class:`SessionExpired` if the session already timed out."""
        if self.session.expired():
            raise SessionExpired()
        self.session.touch()

    def _live(self) -> None:
        # Every read that fetches data checks the session itself, so a page that forgets to
        # touch() cannot serve an idle session.
        self.touch()

    def logout(self) -> None:
        self._record("logout", self.user.name, dedupe=False)
        self.session.last_seen = float("-inf")

    def can(self, permission: str) -> bool:
        return can(self.user.role, permission)

    # --- readers ---------------------------------------------------------------------------
    @property
    def store(self):
        """The graph store; one this guard opened is reopened when the workspace version moves,
        so a long session never reads through a handle older than the newest load."""
        arg = self._store_arg
        if arg is not None and not (callable(arg) and not hasattr(arg, "neighbourhood")):
            return arg  # an instance handed in: the caller owns it
        version = self.ws.version()
        if self._store is not None and self._store_version != version:
            self.close()
        if self._store is None:
            if arg is None:
                from graph.store.factory import open_store

                self._store = open_store(self.ws, read_only=True)
            else:
                self._store = arg()
            self._store_version = version
        return self._store

    @property
    def analytic(self):
        if self._analytic is None:
            self._analytic = importlib.import_module("ingest.analytic")
        return self._analytic

    def _raw_rings(self) -> list:
        if self._rings_reader is not None:
            return list(self._rings_reader())
        # the parsed file the ring lookup keeps (callers copy before they change anything)
        return list((_ring_index(self.ws.rings_json) or {}).values())

    def close(self) -> None:
        """Close a store this guard opened (not one handed in)."""
        if self._store is not None:
            try:
                self._store.close()
            finally:
                self._store = None

    # --- audit -----------------------------------------------------------------------------
    def _record(self, action: str, target: str = "", detail=None, dedupe: bool = True) -> None:
        if dedupe:
            key = (str(self.ws.root), self.user.name, action, target, json.dumps(detail, sort_keys=True, default=str))
            if _seen_recently(key, time.monotonic()):
                return
        _audit.record(self.ws, self.user.name, self.user.role, action, target, detail)

    def _require(self, permission: str, target: str = "") -> None:
        if not can(self.user.role, permission):
            self._record("access_denied", target, {"permission": permission})
            require(self.user.role, permission)

    # --- ids, tokens and labels ------------------------------------------------------------
    def _refs(self, type: str, ids, clean: bool = False) -> dict[str, str]:
        """raw id -> what this role sees in its place (the id itself, or a token).

        ``clean``: the ids are already distinct non-empty strings (skips the checks).
        """
        ids = set(ids) if clean else {str(i) for i in ids if not is_blank(i) and str(i) != ""}
        if self.identity or type not in PERSONAL_TYPES:
            return {i: i for i in ids}
        return pseudonyms(self.ws, type, ids) if ids else {}

    def ref(self, type: str, id: str) -> str:
        """The link id for an entity: its id, or a token for roles that may not see it."""
        return self._refs(v.entity_type(type), [id]).get(str(id), str(id))

    def _resolve(self, type: str, ref) -> str:
        """The stored id behind a link id (a token, or a plain id where the role allows)."""
        type = v.entity_type(type)
        s = v.entity_ref(ref)
        if v.is_token(s):
            hit = resolve(self.ws, s)
            if hit is None or hit[0] != type:
                raise v.BadParameter("链接无效。", "The link is not valid.")
            return hit[1]
        if type in PERSONAL_TYPES and not self.identity:
            self._record("access_denied", type, {"permission": "view_identity", "reason": "raw id"})
            raise AccessDenied("此角色只能通过应用内的链接查看人员信息。/ Your role opens people only through the app's links.")
        return s

    def label(self, type: str, ref) -> str:
        """Display text for an entity: the id, or its masked form for restricted roles.

        Accepts what this guard hands out (ids or tokens); an unknown token reads as 已隐藏.
        """
        s = str(ref)
        if type not in PERSONAL_TYPES:
            return s
        if v.is_token(s):
            hit = resolve(self.ws, s)
            raw = hit[1] if hit and hit[0] == type else None
            if raw is None:
                return "已隐藏"
            return raw if self.identity else PERSONAL_TYPES[type](raw)
        return s if self.identity else PERSONAL_TYPES[type](s)

    def labels(self, type: str, refs) -> dict[str, str]:
        """``{ref: label}`` for many refs of one type."""
        return {str(r): self.label(type, r) for r in refs}

    # --- masking of objects the pages hold -------------------------------------------------
    def _node(self, node: Node, refs: dict[str, dict[str, str]]) -> Node:
        if self.identity:
            return node
        if node.type not in PERSONAL_TYPES:
            # A doctor's or an institution's own fields are not personal, but a claim or card
            # holder reference on any node is.
            props = dict(node.props or {})
            touched = False
            for k, val in list(props.items()):
                if k in _ID_COLUMNS:
                    props[k] = None if is_blank(val) else self._refs(_ID_COLUMNS[k], [val]).get(str(val))
                    touched = True
                elif k in ("phone", "address"):
                    props[k] = _PERSON_FIELDS[k](val)
                    touched = True
            return Node(node.type, node.id, props) if touched else node
        raw = str(node.id)
        props = {}
        for k, val in (node.props or {}).items():
            if k in _PERSON_FIELDS:
                props[k] = _PERSON_FIELDS[k](val)
            elif k in _ID_COLUMNS:
                props[k] = None if is_blank(val) else self._refs(_ID_COLUMNS[k], [val]).get(str(val))
            elif k in _SAFE_PROPS and not isinstance(val, str | bytes):
                props[k] = val
            elif k in ("sex", "region", "district", "kind") and isinstance(val, str):
                props[k] = val
        props["label"] = PERSONAL_TYPES[node.type](raw)
        ref = refs.get(node.type, {}).get(raw) or self._refs(node.type, [raw])[raw]
        return Node(node.type, ref, props)

    def _node_refs(self, nodes) -> dict[str, dict[str, str]]:
        by_type: dict[str, set] = {}
        for n in nodes:
            if n.type in PERSONAL_TYPES:
                by_type.setdefault(n.type, set()).add(str(n.id))
        return {t: self._refs(t, ids) for t, ids in by_type.items()}

    def subgraph(self, sg: Subgraph) -> Subgraph:
        """The subgraph with personal nodes tokenised and their fields masked (for this role)."""
        if self.identity:
            return sg
        ends = [n for e in sg.edges for n in (e.source, e.target)]
        refs = self._node_refs(list(sg.nodes) + ends)
        nodes = [self._node(n, refs) for n in sg.nodes]
        edges = [
            dataclasses.replace(e, source=self._node(e.source, refs), target=self._node(e.target, refs),
                                claim_ids=list(e.claim_ids))
            for e in sg.edges
        ]
        return Subgraph(nodes=nodes, edges=edges, total_nodes=sg.total_nodes, truncated=sg.truncated)

    def summary(self, s: EntitySummary | None) -> EntitySummary | None:
        """An entity summary shaped for this role."""
        if s is None or self.identity:
            return s
        nodes = [s.node] + [c[0] for c in s.top_counterparties]
        refs = self._node_refs(nodes)
        return dataclasses.replace(
            s,
            node=self._node(s.node, refs),
            top_counterparties=[(self._node(n, refs), c, f) for n, c, f in s.top_counterparties],
        )

    def claims(self, df):
        """A claims frame shaped for this role: ``patient_id``/``card_id`` as tokens, personal
        columns masked, ids in any other free-text column rewritten."""
        if self.identity or df is None:
            return df
        return self._frame(df)

    def patients(self, df):
        """Patient reference rows shaped for this role (ids as tokens; name, phone, address masked)."""
        if self.identity or df is None:
            return df
        return self._frame(df)

    def _frame(self, df):
        import numpy as np
        import pandas as pd

        out = df.copy()
        for col in list(out.columns):
            if col in _ID_COLUMNS:
                # factorize: one token per distinct id, then spread back by code (-1 = missing).
                codes, uniques = pd.factorize(out[col].astype("string"))
                uniq = list(map(str, uniques.to_numpy(dtype=object)))
                mapping = self._refs(_ID_COLUMNS[col], uniq, clean=True)
                table = np.array([mapping[u] for u in uniq] + [None], dtype=object)
                out[col] = pd.array(table[codes], dtype="string")
            elif col in _PERSON_FIELDS:
                out[col] = out[col].map(_PERSON_FIELDS[col])
            elif col in _PLAIN_COLUMNS:
                continue
            elif (how := _column_kind(col)) is not None:
                out[col] = out[col].map(how)
            elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
                # An unknown text column may carry ids: rewrite any national id, phone or long
                # digit run in it (a safety net; known columns are handled above).
                out[col] = out[col].map(lambda x: mask_text(x) if isinstance(x, str) else x)
        return out

    def _ring(self, ring, refs: dict[str, dict[str, str]] | None = None):
        if self.identity:
            return ring
        r = copy.deepcopy(ring)
        known: dict[str, str] = {}
        for group, type in _MEMBER_TYPES.items():
            ids = [str(i) for i in r.members.get(group, [])]
            mapping = (refs or {}).get(type) or self._refs(type, ids)
            r.members[group] = [mapping.get(i, i) for i in ids]
            for i in ids:
                known[i] = PERSONAL_TYPES[type](i)
        roles = {}
        for key, role in r.roles.items():
            type, _, mid = key.partition(":")
            if type in PERSONAL_TYPES:
                mid = self._refs(type, [mid]).get(mid, mid)
            roles[f"{type}:{mid}"] = role
        r.roles = roles
        for e in r.evidence:
            e.text_zh = mask_text(e.text_zh, known)
            e.text_en = mask_text(e.text_en, known)
        # Fields a detector may add later are not known here: any member id in them becomes its
        # token, and any other text is rewritten like the evidence.
        tokens = {i: (refs or {}).get(t, {}).get(i) or self._refs(t, [i])[i]
                  for group, t in _MEMBER_TYPES.items() for i in map(str, ring.members.get(group, []))}
        for f in dataclasses.fields(r):
            if f.name not in _RING_FIELDS:
                setattr(r, f.name, _scrub_value(getattr(r, f.name), tokens, known))
        return r

    # --- rings -----------------------------------------------------------------------------
    def _rings_key(self):
        if self._rings_reader is not None:
            return None
        try:
            st = self.ws.rings_json.stat()
        except FileNotFoundError:
            return None
        return (str(self.ws.rings_json.resolve()), st.st_mtime_ns, st.st_size, self.identity)

    def rings(self) -> list:
        """Every ring, highest score first, shaped for this role (the queue; not audited)."""
        self._live()
        key = self._rings_key()
        if key is not None:
            with _rings_lock:
                hit = _rings_cache.get(key)
            if hit is not None:
                return copy.deepcopy(hit)
        raw = sorted(self._raw_rings(), key=lambda r: (-r.score, r.ring_id))
        if self.identity:
            out = raw
        else:
            ids = {t: set() for t in _MEMBER_TYPES.values()}
            for r in raw:
                for group, t in _MEMBER_TYPES.items():
                    ids[t].update(map(str, r.members.get(group, [])))
            refs = {t: self._refs(t, s) for t, s in ids.items()}
            out = [self._ring(r, refs) for r in raw]
        if key is not None:
            with _rings_lock:
                _rings_cache[key] = out
                while len(_rings_cache) > 4:
                    _rings_cache.popitem(last=False)
            return copy.deepcopy(out)
        return out

    def _raw_ring(self, ring_id: str):
        rid = v.ring_id(ring_id)
        if self._rings_reader is not None:
            return next((r for r in self._raw_rings() if r.ring_id == rid), None)
        ring = (_ring_index(self.ws.rings_json) or {}).get(rid)
        return copy.deepcopy(ring) if ring is not None else None  # each caller its own copy

    def ring(self, ring_id):
        """One ring shaped for this role, or None; recorded as ``view_ring``."""
        self._live()
        raw = self._raw_ring(ring_id)
        if raw is None:
            return None
        self._record("view_ring", raw.ring_id)
        return self._ring(raw)

    def ring_claims(self, ring_id):
        """The claims of one ring (analytic copy), shaped for this role, in settlement order."""
        self._live()
        raw = self._raw_ring(ring_id)
        if raw is None:
            return None
        df = self.analytic.read_claims(self.ws)
        df = df[df["claim_id"].astype("string").isin(set(map(str, raw.claim_ids)))]
        if "settled_at" in df:
            df = df.sort_values("settled_at", kind="stable")
        self._record("view_claims", raw.ring_id, {"rows": int(len(df))})
        return self.claims(df.reset_index(drop=True))

    # --- entities --------------------------------------------------------------------------
    def find(self, text, limit: int = 20) -> list[Node]:
        """Entities matching ``text``; recorded as ``search``.

        Restricted roles search doctors and institutions by id, and open people only through a
        token they were given; a person's id typed in full or in part finds nothing, so search
        cannot be used to confirm or complete an id.
        """
        self._live()
        s = v.search_text(text)
        n = v.limit(limit, 200)
        if v.is_token(s):
            hit = resolve(self.ws, s)
            found = [Node(hit[0], hit[1])] if hit else []
        else:
            types = tuple(ENTITY_TYPES) if self.identity else tuple(t for t in ENTITY_TYPES if t not in PERSONAL_TYPES)
            found = list(self.store.find(s, types=types, limit=n))
        self._record("search", "", {"text": s, "hits": len(found)}, dedupe=False)
        refs = self._node_refs(found)
        return [self._node(x, refs) for x in found[:n]]

    def neighbourhood(self, type, ref, hops=1, max_nodes=200, since=None, until=None) -> Subgraph:
        """An entity's neighbourhood (``ref`` as this guard hands it out); ``view_entity``."""
        self._live()
        t = v.entity_type(type)
        raw = self._resolve(t, ref)
        h, cap = v.hops(hops), v.limit(max_nodes)
        a, b = _as_datetime(since), _as_datetime(until, end=True)
        sg = self.store.neighbourhood(t, raw, hops=h, max_nodes=cap, since=a, until=b)
        detail = {"hops": h, "max_nodes": cap}
        if a:
            detail["since"] = str(a.date())
        if b:
            detail["until"] = str(b.date())
        self._record("view_entity", f"{t}:{raw}", detail)
        return self.subgraph(sg)

    def entity(self, type, ref) -> EntitySummary | None:
        """An entity's summary, shaped for this role; recorded as ``view_entity``."""
        self._live()
        t = v.entity_type(type)
        raw = self._resolve(t, ref)
        s = self.store.summary(t, raw)
        self._record("view_entity", f"{t}:{raw}")
        return self.summary(s)

    def entity_claims(self, type, ref, since=None, until=None, limit: int = 10_000):
        """The claims touching one entity, shaped for this role; recorded as ``view_claims``."""
        self._live()
        t = v.entity_type(type)
        raw = self._resolve(t, ref)
        n = v.limit(limit, 100_000)
        a, b = _as_datetime(since), _as_datetime(until, end=True)
        df = self.store.claims_of([Node(t, raw)], since=a, until=b, limit=n)
        self._record("view_claims", f"{t}:{raw}", {"rows": int(len(df))})
        return self.claims(df)

    def reference(self, kind: str):
        """A reference table (institutions, doctors, patients) shaped for this role, or None."""
        self._live()
        if kind not in ("institutions", "doctors", "patients"):
            raise v.BadParameter("参考数据类型无效。", "Unknown reference table.")
        df = self.analytic.read_reference(self.ws, kind)
        if df is None or kind != "patients":
            return df
        self._record("view_claims", "reference:patients", {"rows": int(len(df))})
        return self.patients(df)

    def patient(self, ref) -> dict | None:
        """One patient's reference row as a dict (shaped for this role), or None."""
        self._live()
        raw = self._resolve("patient", ref)
        df = self.analytic.read_reference(self.ws, "patients")
        if df is None or df.empty:
            return None
        rows = df[df["patient_id"].astype("string") == raw]
        if rows.empty:
            return None
        self._record("view_entity", f"patient:{raw}", {"what": "reference"})
        return self.patients(rows.head(1)).iloc[0].to_dict()

    # --- exports ---------------------------------------------------------------------------
    def record_export(self, kind: str, target: str = "", detail=None) -> None:
        """Check and record an export the page writes itself (e.g. a download button)."""
        self._live()
        permission = {"claims": "export_claims", "referral": "export_referral"}.get(kind)
        if permission is None:
            raise ValueError(f"unknown export kind {kind!r}; use 'claims' or 'referral'")
        self._require(permission, target)
        self._record("export", target, {"kind": kind, **(detail or {})}, dedupe=False)

    def export_claims(self, df, fmt: str = "csv", target: str = "", writer: Callable | None = None) -> bytes:
        """Claims as CSV (UTF-8 with BOM) or XLSX bytes, for roles with ``export_claims``.

        ``writer(df) -> bytes`` replaces the default formatting (the app's own headers).
        """
        self._live()
        if fmt not in ("csv", "xlsx"):
            raise v.BadParameter("导出格式只能是 CSV 或 XLSX。", "Exports are CSV or XLSX.")
        self._require("export_claims", target)
        frame = self.claims(df)
        if writer is not None:
            data = writer(frame)
        elif fmt == "csv":
            data = frame.to_csv(index=False).encode("utf-8-sig")
        else:
            buf = io.BytesIO()
            frame.to_excel(buf, index=False)
            data = buf.getvalue()
        self._record("export", target, {"kind": "claims", "format": fmt, "rows": int(len(frame))}, dedupe=False)
        return data

    def export_referral(self, ring_id, out_dir):
        """Build the police referral pack for a ring (police only); returns (pdf, xlsx) paths."""
        self._live()
        rid = v.ring_id(ring_id)
        self._require("export_referral", rid)
        if self._raw_ring(rid) is None:
            raise v.BadParameter("没有这个团伙。", "There is no such ring.")
        from reports.referral.build import build_pack

        paths = build_pack(self.ws, rid, out_dir, user=self.user)
        self._record("referral", rid, {"files": [str(p) for p in paths]}, dedupe=False)
        return paths

    def brief(self, out_file):
        """The leaders' summary PDF (no personal data); recorded as ``brief``."""
        self._live()
        self._require("view_dashboard")
        from reports.brief.build import build_brief

        path = build_brief(self.ws, out_file)
        self._record("brief", str(path), dedupe=False)
        return path

    def dashboard(self) -> dict:
        """What the leaders' dashboard shows (``reports.brief.data.summary``: no personal data)."""
        self._live()
        self._require("view_dashboard")
        from reports.brief.data import summary

        return summary(self.ws)

    # --- case work -------------------------------------------------------------------------
    def statuses(self) -> dict[str, str]:
        self._live()
        from ringtrace import cases

        return cases.current_statuses(self.ws)

    def status_history(self, ring_id) -> list[dict]:
        self._live()
        from ringtrace import cases

        return cases.status_history(self.ws, v.ring_id(ring_id))

    def set_status(self, ring_id, status: str) -> None:
        self._live()
        from ringtrace import cases

        rid = v.ring_id(ring_id)
        self._require("annotate", rid)
        if status not in cases.STATUSES:
            raise v.BadParameter("状态无效。", "Unknown status.")
        cases.set_status(self.ws, rid, status, user=self.user.name)
        self._record("status_change", rid, {"status": status}, dedupe=False)

    def add_note(self, ring_id, text: str) -> None:
        self._live()
        from ringtrace import cases

        rid = v.ring_id(ring_id)
        self._require("annotate", rid)
        text = str(text or "").strip()
        if not text:
            raise v.BadParameter("备注不能为空。", "A note cannot be empty.")
        if len(text) > 10_000:
            raise v.BadParameter("备注最多 10000 个字符。", "A note may have at most 10,000 characters.")
        cases.add_note(self.ws, rid, text, user=self.user.name)
        self._record("note", rid, {"chars": len(text)}, dedupe=False)

    def notes(self, ring_id=None) -> list[dict]:
        """Notes (of one ring, or all); for restricted roles ids in the text are masked."""
        self._live()
        from ringtrace import cases

        rid = v.ring_id(ring_id) if ring_id is not None else None
        rows = cases.notes(self.ws, rid)
        if self.identity:
            return rows
        known: dict[str, str] = {}
        for r in self._raw_rings() if rows else []:
            if rid is None or r.ring_id == rid:
                for group, t in _MEMBER_TYPES.items():
                    for i in r.members.get(group, []):
                        known[str(i)] = PERSONAL_TYPES[t](str(i))
        return [{**row, "text": mask_text(row["text"], known)} for row in rows]

    # --- administration --------------------------------------------------------------------
    def users(self) -> list[dict]:
        self._live()
        self._require("manage_users")
        return _users.list_users(self.ws)

    def add_user(self, name: str, role: str, password: str):
        self._live()
        self._require("manage_users", str(name))
        return _users.add_user(self.ws, name, role, password, actor=self.user)

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        self._live()
        self._require("manage_users", str(name))
        if name == self.user.name and disabled:
            raise v.BadParameter("不能停用自己的账号。", "You cannot disable your own account.")
        _users.set_disabled(self.ws, name, disabled, actor=self.user)

    def audit_entries(self, user: str | None = None, action: str | None = None, last: int | None = None) -> list[dict]:
        """The audit trail (admins); personal ids in targets and details masked for this role."""
        self._live()
        self._require("view_audit")
        rows = _audit.entries(self.ws)
        if user:
            rows = [e for e in rows if e.get("user") == user]
        if action:
            rows = [e for e in rows if e.get("action") == action]
        if last is not None:
            rows = rows[-v.limit(last, 1_000_000):]
        self._record("view_audit", "", {"user": user, "action": action})
        if self.identity:
            return rows
        return [self._scrub_entry(e) for e in rows]

    def _scrub_entry(self, e: dict) -> dict:
        e = dict(e)
        target = str(e.get("target", ""))
        t, sep, rest = target.partition(":")
        if sep and t in PERSONAL_TYPES:
            e["target"] = f"{t}:{PERSONAL_TYPES[t](rest)}"
        else:
            e["target"] = mask_text(target)
        e["detail"] = _scrub_detail(e.get("detail"))
        return e

    def audit_verify(self):
        self._live()
        self._require("view_audit")
        return _audit.verify(self.ws)

    def counts(self) -> dict:
        """Workspace totals (no personal data)."""
        return self.analytic.counts(self.ws)


def _scrub_value(value, tokens: dict[str, str], known: dict[str, str]):
    """``value`` with member ids replaced by tokens (whole strings, dict keys) and ids in text masked."""
    if isinstance(value, str):
        return tokens.get(value) or mask_text(value, known)
    if isinstance(value, dict):
        return {_scrub_value(k, tokens, known) if isinstance(k, str) else k: _scrub_value(x, tokens, known)
                for k, x in value.items()}
    if isinstance(value, (list, tuple, set)):
        return type(value)(_scrub_value(x, tokens, known) for x in value)
    return value


def _scrub_detail(d):
    if isinstance(d, dict):
        return {k: _scrub_detail(x) for k, x in d.items()}
    if isinstance(d, list):
        return [_scrub_detail(x) for x in d]
    if isinstance(d, str):
        return mask_text(d)
    return d
