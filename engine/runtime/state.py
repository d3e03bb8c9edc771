"""Per-lead state, shared (events, touches, channels, sunset) and per program (scores, stage,
flags, enrolments). Plain classes with __slots__; the hot path mutates them in place."""

from __future__ import annotations

from array import array
from types import MappingProxyType
from typing import Any

# Shared empty stand-ins for containers most leads never fill: read-only, so a write that
# forgot to make the lead its own container fails loudly instead of leaking across leads.
EMPTY_MAP: Any = MappingProxyType({})
EMPTY_SET: frozenset = frozenset()
NO_TIMES: tuple = ()


def floats(values: Any) -> array:
    """Numbers changed by events (engagement, decay reference): an array, one object that the
    garbage collector never visits."""
    return array("d", values)


_SHARED: dict[tuple, tuple] = {}


def shared(values: Any) -> tuple:
    """Values that rarely change (fit, segment and handoff flags): one tuple shared by every lead
    holding the same values; a change makes a new tuple (see `put`)."""
    t = tuple(values)
    key = (t, tuple(map(type, t)))  # (0, 0) == (0.0, 0.0): the types keep them apart
    found = _SHARED.get(key)
    if found is not None:
        return found
    if len(_SHARED) < 65536:
        _SHARED[key] = t
    return t


def put(values: tuple, i: int, value: Any) -> tuple:
    """`values` with item `i` replaced, shared."""
    return shared(values[:i] + (value,) + values[i + 1 :])


def flags(values: Any) -> tuple:
    return shared(1 if v else 0 for v in values)


def zeros(n: int) -> tuple:
    return shared([0] * n)


def fzeros(n: int) -> tuple:
    return shared([0.0] * n)


class Enrolment:
    """A lead inside one sequence: where it is and what it waits for."""

    __slots__ = ("pc", "mode", "due", "orig", "tok", "wstart", "holdout", "since")

    def __init__(self, since: float, holdout: bool) -> None:
        self.pc = 0
        self.mode = "run"  # run | wait | until | send (a postponed send)
        self.due: float | None = None
        self.orig: float | None = None
        self.tok = 0
        self.wstart = 0
        self.holdout = holdout
        self.since = since

    def to_dict(self) -> dict[str, Any]:
        return {
            "pc": self.pc,
            "mode": self.mode,
            "due": self.due,
            "orig": self.orig,
            "wstart": self.wstart,
            "holdout": self.holdout,
            "since": self.since,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Enrolment:
        e = cls(d["since"], d["holdout"])
        e.pc, e.mode, e.due, e.orig, e.wstart = d["pc"], d["mode"], d["due"], d["orig"], d["wstart"]
        return e


class ProgState:
    """One lead under one program. Flags and fit numbers are shared tuples (replaced on change);
    engagement and its decay reference are arrays; per-sequence lists, cap windows and the
    attributes read at run time start as shared empty stand-ins."""

    # what every event reads first (nearby in memory), then the rest
    __slots__ = (
        "er",
        "fit",
        "stage",
        "mql_at",
        "sql_at",
        "handed",
        "n_enr",
        "enr",
        "ewhen",
        "seg",
        "a",
        "r",
        "fitc",
        "fitd",
        "fith",
        "capw",
        "last_exit",
        "ever",
        "seqtouch",
    )

    def __init__(
        self, n_seg: int, n_blocks: int, n_dyn_fit: int, n_handoffs: int, n_seq: int
    ) -> None:
        self.a: Any = EMPTY_MAP  # attributes read by conditions at run time
        self.r: Any = EMPTY_MAP  # the same, as written (for `matches`)
        self.seg = zeros(n_seg)
        self.fitc = fzeros(n_blocks)
        self.fitd = fzeros(n_blocks)
        self.fith = zeros(n_dyn_fit)
        self.fit = fzeros(n_blocks)
        self.er = array("d", bytes(16 * n_blocks))  # engagement per block, then decay refs
        self.capw: Any = EMPTY_MAP  # dict[int, list[tuple[float, float]]]
        self.stage = 0
        self.mql_at: float | None = None
        self.sql_at: float | None = None
        self.handed = zeros(n_handoffs)
        self.enr: Any = shared([None] * n_seq)  # a list once the lead enrols
        self.n_enr = 0
        self.last_exit: Any = shared([None] * n_seq)  # a list once the lead leaves
        self.ever = zeros(n_seq)
        self.ewhen = zeros(n_seq)
        self.seqtouch: Any = shared([NO_TIMES] * n_seq)  # a list once a sequence sends

    @property
    def eng(self) -> array:
        """Engagement points per block at their reference times (a copy: write `er`)."""
        return self.er[: len(self.er) // 2]

    @property
    def ref(self) -> array:
        """Per block, the instant its engagement was last brought up to date (a copy)."""
        return self.er[len(self.er) // 2 :]

    @ref.setter
    def ref(self, values: Any) -> None:
        n = len(self.er) // 2
        self.er[n:] = floats(values)

    def clone(self, ref: float | None = None) -> ProgState:
        """A copy sharing every immutable value (cheaper than building a new lead's state);
        with `ref`, every block's decay reference set to it."""
        p = ProgState.__new__(ProgState)
        p.a, p.r, p.seg, p.fitc, p.fitd, p.fith = (
            self.a,
            self.r,
            self.seg,
            self.fitc,
            self.fitd,
            self.fith,
        )
        p.fit, p.capw, p.stage, p.mql_at, p.sql_at = (
            self.fit,
            self.capw,
            self.stage,
            self.mql_at,
            self.sql_at,
        )
        p.handed, p.enr, p.n_enr, p.last_exit, p.ever = (
            self.handed,
            self.enr,
            self.n_enr,
            self.last_exit,
            self.ever,
        )
        p.ewhen, p.seqtouch = self.ewhen, self.seqtouch
        if ref is None:
            p.er = array("d", self.er)
        else:
            n = len(self.er) // 2
            p.er = array("d", self.er[:n].tolist() + [ref] * n)
        return p

    def to_dict(self) -> dict[str, Any]:
        return {
            "fith": [bool(x) for x in self.fith],
            "fitd": list(self.fitd),
            "eng": list(self.eng),
            "ref": list(self.ref),
            "capw": {str(k): [list(a) for a in v] for k, v in sorted(self.capw.items())},
            "stage": self.stage,
            "mql_at": self.mql_at,
            "sql_at": self.sql_at,
            "handed": [bool(x) for x in self.handed],
            "enr": [e.to_dict() if e is not None else None for e in self.enr],
            "last_exit": list(self.last_exit),
            "ever": [bool(x) for x in self.ever],
            "ewhen": [bool(x) for x in self.ewhen],
            "seqtouch": [list(x) for x in self.seqtouch],
        }

    def load(self, d: dict[str, Any]) -> None:
        self.fith, self.fitd = flags(d["fith"]), shared(float(x) for x in d["fitd"])
        self.er = floats([*d["eng"], *d["ref"]])
        capw = {int(k): [(x[0], x[1]) for x in v] for k, v in d["capw"].items()}
        self.capw = capw if capw else EMPTY_MAP
        self.stage, self.mql_at, self.sql_at = d["stage"], d["mql_at"], d["sql_at"]
        self.handed = flags(d["handed"])
        enr = [Enrolment.from_dict(e) if e is not None else None for e in d["enr"]]
        self.n_enr = sum(1 for e in enr if e is not None)
        self.enr = enr if self.n_enr else shared(enr)
        last_exit = list(d["last_exit"])
        self.last_exit = last_exit if any(x is not None for x in last_exit) else shared(last_exit)
        self.ever = flags(d["ever"])
        self.ewhen = flags(d["ewhen"])
        touch = [list(x) if x else NO_TIMES for x in d["seqtouch"]]
        self.seqtouch = touch if any(touch) else shared(touch)


class LeadState:
    """Everything the engine knows about one lead."""

    # what every event reads first (nearby in memory), then the rest
    __slots__ = (
        "trace",
        "progs",
        "n_arr",
        "last_eng",
        "ev_t",
        "sunset",
        "unsub_all",
        "customer",
        "unsub",
        "wake",
        "wtok",
        "id",
        "tz",
        "touches",
        "last",
        "arr",
        "done",
        "unsub_ch",
        "bounced",
        "ev_p",
        "created",
        "attrs",
    )

    def __init__(self, lead_id: str, created: float, attrs: dict[str, object]) -> None:
        self.id = lead_id
        self.created = created
        self.attrs: Any = ((),)  # (names, *values): see attr_dict
        self.tz: Any = None
        self.ev_t: Any = EMPTY_MAP  # dict[str, list[float]] once an event is counted
        self.ev_p: Any = EMPTY_MAP  # dict[str, list[dict]] once an event needs it
        self.last: Any = EMPTY_MAP  # dict[str, float]: last time of each type read
        self.last_eng = created
        self.arr: Any = EMPTY_MAP  # dict[str, int]
        self.n_arr = 0
        self.done: Any = EMPTY_SET  # set[tuple[str, str]]
        self.touches: Any = NO_TIMES  # list[float]
        self.unsub_all = False
        self.unsub_ch: Any = EMPTY_SET  # set[str]
        self.unsub = False
        self.bounced: Any = EMPTY_SET  # set[str]
        self.customer = False
        self.sunset = False
        self.progs: Any = ()  # one ProgState per program (a tuple)
        self.wake: float | None = None
        self.wtok = 0
        self.trace: list | None = None

    def attr_dict(self) -> dict[str, object]:
        """The attributes as given: kept as (shared names, *values) to save a dict per lead."""
        return dict(zip(self.attrs[0], self.attrs[1:], strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "attrs": self.attr_dict(),
            "ev_t": dict(self.ev_t),
            "ev_p": dict(self.ev_p),
            "last": dict(self.last),
            "last_eng": self.last_eng,
            "arr": dict(self.arr),
            "n_arr": self.n_arr,
            "done": sorted(list(x) for x in self.done),
            "touches": list(self.touches),
            "unsub_all": self.unsub_all,
            "unsub_ch": sorted(self.unsub_ch),
            "bounced": sorted(self.bounced),
            "customer": self.customer,
            "sunset": self.sunset,
            "wake": self.wake,
            "progs": [p.to_dict() for p in self.progs],
        }

    def load(self, d: dict[str, Any]) -> None:
        self.ev_t = {k: list(v) for k, v in d["ev_t"].items()} if d["ev_t"] else EMPTY_MAP
        self.ev_p = {k: list(v) for k, v in d["ev_p"].items()} if d["ev_p"] else EMPTY_MAP
        self.last = dict(d["last"]) if d["last"] else EMPTY_MAP
        self.last_eng = d["last_eng"]
        self.arr = dict(d["arr"]) if d["arr"] else EMPTY_MAP
        self.n_arr = d["n_arr"]
        self.done = {(a, b) for a, b in d["done"]} if d["done"] else EMPTY_SET
        self.touches = list(d["touches"]) if d["touches"] else NO_TIMES
        self.unsub_all = d["unsub_all"]
        self.unsub_ch = set(d["unsub_ch"]) if d["unsub_ch"] else EMPTY_SET
        self.unsub = self.unsub_all or bool(self.unsub_ch)
        self.bounced = set(d["bounced"]) if d["bounced"] else EMPTY_SET
        self.customer, self.sunset, self.wake = d["customer"], d["sunset"], d["wake"]
