"""The touch blocks: how leads answer touches (open, click, reply, with each content's appeal,
each persona's responsiveness and fatigue), how often a touch bounces, and unsubscribes.

Answers (`CALIBRATION.md`, "Touches"): a delivered touch j of content k to a lead of persona g
with fatigue excess e_j (`fit_data.py`) is opened with chance o_ch * m_j, replied to with chance
r_ch * m_j, and clicked with chance c_ch * m_j, where m_j = appeal_k * responsiveness_g,ch *
exp(-fatigue_per_touch * e_j) — the simulator's rates. Where opens are recorded, a click
follows an open with chance c_ch / o_ch (the simulator's click once seen), so the opens carry
m_j and the clicks among them c_ch / o_ch. Every chance is log-linear in the parameters: one
Bernoulli likelihood with a log link over all rows, maximised with its analytic gradient and
information. The reference content of a channel (its most sent) has appeal 1; the first
persona has responsiveness 1.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.fit_blocks import Block, Param, diagonal, share_param, upper90
from simulator.fit_data import Observed, Touches
from simulator.fit_ml import IDENTITY, LOG, Estimate, maximise

MIN_EVENTS = 5  # answers of a kind on a channel needed to fit its rate
MIN_TOUCHES = 30  # touches of a content (persona) needed to fit its appeal (responsiveness)
MIN_TIRED = 30  # touches past the free ones needed to fit fatigue
P_MAX = 1 - 1e-9


class _Design:
    """Rows of the log-link likelihood: y, the columns of each parameter, a fixed offset, and
    a label naming what the rows count (for the checks)."""

    def __init__(self) -> None:
        self.y: list[np.ndarray] = []
        self.cols: list[dict[int, np.ndarray | float]] = []
        self.offset: list[np.ndarray] = []
        self.labels: list[str] = []
        self.params: list[Param] = []

    def param(self, p: Param) -> int:
        self.params.append(p)
        return len(self.params) - 1

    def rows(
        self, label: str, y: np.ndarray, cols: dict[int, np.ndarray | float], offset: np.ndarray
    ) -> None:
        if len(y):
            self.y.append(y.astype(float))
            self.cols.append(cols)
            self.offset.append(offset)
            self.labels.append(label)

    def matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = sum(len(y) for y in self.y)
        x = np.zeros((n, len(self.params)))
        at = 0
        for y, cols in zip(self.y, self.cols, strict=True):
            for k, v in cols.items():
                x[at : at + len(y), k] = v
            at += len(y)
        return np.concatenate(self.y), x, np.concatenate(self.offset)


def _loglink(y: np.ndarray, x: np.ndarray, off: np.ndarray, lower: np.ndarray) -> Estimate:
    def parts(beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = np.minimum(x @ beta + off, math.log(P_MAX))
        return s, np.exp(s)

    def negloglik(beta: np.ndarray) -> float:
        s, p = parts(beta)
        return -float(np.sum(y * s + (1 - y) * np.log1p(-p)))

    def gradient(beta: np.ndarray) -> np.ndarray:
        _, p = parts(beta)
        return -(x.T @ ((y - p) / (1 - p)))

    def information(beta: np.ndarray) -> np.ndarray:
        _, p = parts(beta)
        w = (1 - y) * p / (1 - p) ** 2
        return (x * w[:, None]).T @ x

    start = np.where(np.isfinite(lower), np.maximum(lower, 0.05), -3.0)
    return maximise(negloglik, start, lower, gradient, information)


def answers(
    obs: Observed,
    names: list[str],
    fatigue_prior: float,
    responsiveness: list[dict[str, float]],
    appeal: dict[str, float],
) -> Block:
    """Opens, clicks and replies: the block of the module docstring. The reference persona of
    a channel is the first whose prior responsiveness to it is 1 (else the first), the
    reference content the most sent of those whose prior appeal is 1 (else the most sent):
    each keeps its prior value, and the others are fitted relative to it."""
    block = Block("touches")
    t = obs.touches
    live = ~t.bounced
    if not live.any():
        block.keep("behaviour.click", "prior", "no touch reached a lead in the history")
        return block
    d = _Design()
    tired = int(np.sum(live & (t.excess > 0)))
    if tired >= MIN_TIRED:
        k_fat = d.param(Param("behaviour.fatigue_per_touch", "fatigue per touch", IDENTITY, tired))
        fixed = 0.0
    else:
        k_fat, fixed = -1, fatigue_prior
        block.keep(
            "behaviour.fatigue_per_touch",
            fatigue_prior,
            f"only {tired} touches came past the free ones: fatigue is not identified",
        )
    for ch, channel in enumerate(t.channels):
        if channel == "task":
            continue
        on = live & (t.channel == ch)
        if on.any():
            refs = _References(names, responsiveness, appeal)
            _channel(block, d, obs, refs, on, channel, (k_fat, fixed))
    if not d.params:
        return block
    y, x, off = d.matrix()
    lower = np.array([0.0 if p.scale == IDENTITY else -np.inf for p in d.params])
    block.params = d.params
    block.estimate = _loglink(y, x, off, lower)
    _checks(block, y, x, off, d)
    return block


class _References:
    """The priors the reference persona and content are chosen by (see `answers`)."""

    def __init__(self, names: list[str], resp: list[dict[str, float]], appeal: dict) -> None:
        self.names, self.resp, self.appeal = names, resp, appeal

    def persona(self, ch: str, present: np.ndarray) -> tuple[int, float]:
        """(the reference persona, its prior responsiveness to `ch`)."""
        for g in np.flatnonzero(present).tolist():
            if self.resp[g].get(ch, 1.0) == 1.0:
                return g, 1.0
        g = int(np.flatnonzero(present)[0])
        return g, self.resp[g].get(ch, 1.0)

    def content(self, contents: list[str], counts: np.ndarray) -> tuple[int, float]:
        plain = [c for c in np.argsort(-counts, kind="stable").tolist() if counts[c]]
        ones = [c for c in plain if self.appeal.get(contents[c], 1.0) == 1.0]
        c = (ones or plain)[0]
        return c, self.appeal.get(contents[c], 1.0)


def _channel(
    block: Block,
    d: _Design,
    obs: Observed,
    refs: _References,
    on: np.ndarray,
    ch: str,
    fatigue: tuple[int, float],
) -> None:
    """The rows and parameters of one channel; `fatigue`: (its column, or -1 and its value)."""
    t = obs.touches
    m_cols: dict[int, np.ndarray | float] = {}
    k, fixed = fatigue
    if k >= 0:
        m_cols[k] = -t.excess[on]  # m_j = ... * exp(-fatigue_per_touch * excess)
    counts = np.bincount(t.content[on], minlength=len(t.contents))
    ref, ref_appeal = refs.content(t.contents, counts)
    for c, name in enumerate(t.contents):
        hits = int(np.sum((t.clicked | t.opened | t.replied)[on] & (t.content[on] == c)))
        if c == ref or counts[c] == 0:
            continue
        path = f"behaviour.appeal.{name}"
        if counts[c] >= MIN_TOUCHES and hits >= 3:
            col = d.param(Param(path, f"appeal of {name}", LOG, counts[c], ref_appeal))
            m_cols[col] = (t.content[on] == c).astype(float)
        else:
            block.fix(path, ref_appeal, f"{counts[c]} touches: too few to tell")
    block.fix(f"behaviour.appeal.{t.contents[ref]}", ref_appeal, f"the {ch} reference content")
    groups = np.bincount(t.group[on], minlength=len(refs.names))
    g_ref, ref_resp = refs.persona(ch, groups > 0)
    for g, name in enumerate(refs.names):
        path = f"personas.{name}.responsiveness.{ch}"
        if g == g_ref or groups[g] < MIN_TOUCHES:
            why = f"the {ch} reference persona" if g == g_ref else "too few touches"
            block.fix(path, ref_resp, why)
            continue
        what = f"{name}'s responsiveness to {ch}"
        col = d.param(Param(path, what, LOG, int(groups[g]), ref_resp))
        m_cols[col] = (t.group[on] == g).astype(float)
    rates = 1.0 / (ref_resp * ref_appeal)  # the rates are the reference's, at its multipliers
    _answer_rows(block, d, obs, on, ch, m_cols, -fixed * t.excess[on], rates)


def _answer_rows(
    block: Block,
    d: _Design,
    obs: Observed,
    on: np.ndarray,
    ch: str,
    m: dict,
    m_off: np.ndarray,
    rates: float,
) -> None:
    t = obs.touches
    n = int(on.sum())
    opened, clicked, replied = t.opened[on], t.clicked[on], t.replied[on]
    if opened.sum() >= MIN_EVENTS:
        o = d.param(Param(f"behaviour.open.{ch}", f"open rate, {ch}", LOG, n, rates))
        d.rows(f"opens, {ch}", opened, {**m, o: 1.0}, m_off)
        seen = opened | clicked
        if clicked.sum() >= MIN_EVENTS:
            c = d.param(Param(f"behaviour.click.{ch}", f"click rate, {ch}", LOG, n, rates))
            zero = np.zeros(int(seen.sum()))
            d.rows(f"clicks of the opened, {ch}", clicked[seen], {c: 1.0, o: -1.0}, zero)
    elif clicked.sum() >= MIN_EVENTS:
        block.keep(f"behaviour.open.{ch}", "prior", f"no opens of {ch} are in the history")
        c = d.param(Param(f"behaviour.click.{ch}", f"click rate, {ch}", LOG, n, rates))
        d.rows(f"clicks, {ch}", clicked, {**m, c: 1.0}, m_off)
    else:
        block.keep(
            f"behaviour.click.{ch}",
            "prior",
            f"{int(clicked.sum())} clicks of {ch} in the history (a visit a touch caused is "
            "a click: without clicks, give --outcomes-only when the history holds the outcome "
            "of each lead rather than each event)",
        )
    if replied.sum() >= MIN_EVENTS:
        r = d.param(Param(f"behaviour.reply.{ch}", f"reply rate, {ch}", LOG, n, rates))
        d.rows(f"replies, {ch}", replied, {**m, r: 1.0}, m_off)
    else:
        block.keep(f"behaviour.reply.{ch}", "prior", f"{int(replied.sum())} replies on {ch}")


def _checks(block: Block, y: np.ndarray, x: np.ndarray, off: np.ndarray, d: _Design) -> None:
    """Each kind of answer on each channel: counted against the fitted chances summed."""
    assert block.estimate is not None  # the caller fits the block before it checks it
    p = np.exp(np.minimum(x @ block.estimate.eta + off, math.log(P_MAX)))
    at = 0
    for label, rows in zip(d.labels, d.y, strict=True):
        part = slice(at, at + len(rows))
        block.check(label, float(y[part].sum()), float(p[part].sum()), len(rows))
        at += len(rows)


def unsubscribes(obs: Observed, dropout_mean: float, fatigue_prior: float) -> Block:
    """Unsubscribes per touch: u_ch * dropout * (1 + unsubscribe_fatigue * excess). The lead's
    own drop-out is taken at its mean (`dropout_mean`)."""
    block = Block("unsubscribes")
    t = obs.touches
    live = _can_unsubscribe(t)
    params: list[Param] = []
    for ch, channel in enumerate(t.channels):
        on = live & (t.channel == ch)
        hits = int(t.unsubscribed[on].sum())
        if channel == "task" or not on.any():
            continue
        if hits < MIN_EVENTS:
            block.fix(
                f"behaviour.unsubscribe.{channel}",
                0.0 if hits == 0 else hits / on.sum() / dropout_mean,
                f"{hits} unsubscribes in {int(on.sum()):,} touches (90% upper bound "
                f"{upper90(on.sum()):.4f} a touch)",
            )
            continue
        params.append(
            Param(
                f"behaviour.unsubscribe.{channel}",
                f"unsubscribes per touch, {channel}",
                LOG,
                int(on.sum()),
                1.0 / dropout_mean,
            )
        )
    if not params:
        return block
    tired = int(np.sum(live & (t.excess > 0)))
    channels = [p.path.rsplit(".", 1)[1] for p in params]
    codes = [t.channels.index(c) for c in channels]
    fit_fatigue = tired >= MIN_TIRED
    if fit_fatigue:
        params.append(
            Param("behaviour.unsubscribe_fatigue", "unsubscribe fatigue", IDENTITY, tired)
        )
    else:
        block.keep("behaviour.unsubscribe_fatigue", fatigue_prior, f"{tired} tired touches")
    rows = live & np.isin(t.channel, codes)
    which = np.searchsorted(np.asarray(codes), t.channel[rows])
    y, e = t.unsubscribed[rows].astype(float), t.excess[rows]

    def negloglik(eta: np.ndarray) -> float:
        uf = eta[-1] if fit_fatigue else fatigue_prior
        p = np.minimum(np.exp(eta[: len(codes)])[which] * (1 + uf * e), P_MAX)
        return -float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))

    start = [math.log(max(y[which == k].mean(), 1e-6)) for k in range(len(codes))]
    lower = np.array([-np.inf] * len(codes) + ([0.0] if fit_fatigue else []))
    block.params = params
    block.estimate = maximise(negloglik, np.array(start + ([0.1] if fit_fatigue else [])), lower)
    eta = block.estimate.eta
    uf = eta[-1] if fit_fatigue else fatigue_prior
    p = np.exp(eta[: len(codes)])[which] * (1 + uf * e)
    for k, channel in enumerate(channels):
        mine = which == k
        block.check(f"unsubscribes, {channel}", y[mine].sum(), p[mine].sum(), int(mine.sum()))
    return block


def bounces(obs: Observed) -> Block:
    """The share of touches that bounce, per channel (a binomial share each)."""
    block = Block("bounces")
    t = obs.touches
    etas, variances = [], []
    for ch, channel in enumerate(t.channels):
        on = t.channel == ch
        n, hits = int(on.sum()), int(t.bounced[on].sum())
        if channel == "task" or n == 0:
            continue
        path = f"behaviour.bounce.{channel}"
        if hits == 0 or hits == n:
            why = f"{hits} of {n:,} touches bounced"
            block.fix(
                path, hits / n, why + (f" (90% upper bound {upper90(n):.4f})" if not hits else "")
            )
            continue
        eta, var = share_param(hits, n)
        block.params.append(Param(path, f"bounce rate, {channel}", "logit", n))
        etas.append(eta)
        variances.append(var)
        block.check(f"bounces, {channel}", hits, hits, n)
    if etas:
        diagonal(block, etas, variances)
    return block


def unsubscribe_chances(obs: Observed, block: Block, fatigue_prior: float) -> np.ndarray:
    """Each touch's chance of an unsubscribe for a lead of drop-out 1, as `block` (the
    unsubscribes' fit) has it: u_ch * (1 + unsubscribe_fatigue * excess), u_ch the knob (the
    fitted or set value); 0 for a call or a bounced touch, and for a channel the block has
    no value for."""
    t = obs.touches
    per_channel = np.zeros(len(t.channels))
    fatigue = fatigue_prior
    fitted = [(p.path, value) for p, value, _se, _low, _high in block.knobs()]
    for path, value in fitted + [(path, set_to) for path, set_to, _why in block.fixed]:
        name = path.rsplit(".", 1)[1]
        channel = path.startswith("behaviour.unsubscribe.") and name in t.channels
        if channel or path == "behaviour.unsubscribe_fatigue":
            assert isinstance(value, float)  # `unsubscribes` fits or sets these as numbers
            if channel:
                per_channel[t.channels.index(name)] = value
            else:
                fatigue = value
    chance = per_channel[t.channel] * (1 + fatigue * t.excess)
    return np.where(_can_unsubscribe(t), np.minimum(chance, P_MAX), 0.0)


def _can_unsubscribe(t: Touches) -> np.ndarray:
    """The touches an unsubscribe can follow: delivered (not bounced), not a call."""
    return ~t.bounced & np.isin(t.channel, [k for k, c in enumerate(t.channels) if c != "task"])
