"""The calls fit's likelihood (`fit_calls`): one persona's calls as rows, each call's chance of
being refused, answered, sold, under either drop-out level, and each lead's mixture over them.

A lead's n-th call (from 0) is refused with R = task_refuse * d * (1 + task_refuse_fatigue * n) *
m_n (m_n the refusal's multiplier at its call number, `task_refuse_by_call`), else answered with
A = min(task_answer * exp(-task_fatigue * n), 1 - R); an answered call sells with s = readiness *
(1 + beta * clicks). d is 1, or d0 for the share w of patient leads: per lead,
L = (1 - w) prod P(call | d = 1) E(1) + w prod P(call | d = d0) E(d0) (docs/CALIBRATION.md,
"Calls"), E(d) the lead's e-mails (touches not calls) as evidence of its drop-out (`Evidence`):
prod over them of (d u_k)^y (1 - d u_k)^(1 - y), y its unsubscribe, u_k the touch's chance of
one at drop-out 1 as the unsubscribes' fit has it. With evidence every lead of the persona is
in the mixture, called or not, so that w is the persona's share, not the share of the leads
still there to be called (leads who may drop out leave by unsubscribing from the e-mails).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from simulator.fit_blocks import Param
from simulator.fit_data import Calls
from simulator.fit_ml import LOG

MIN_LATER = 50  # calls after the first, to fit the fatigue of answers


@dataclass(frozen=True)
class CallPrior:
    """What a persona's calls fit takes from the prior scenario."""

    name: str
    refuse: float
    answer: float
    fatigue: float
    refuse_fatigue: float
    never: float  # the prior share of patient leads (0 unless its drop-out is two-point)
    low: float = 0.0  # their drop-out (0: they never refuse)
    beta: float = 0.0  # readiness a click adds, over the base readiness (when not fitted)
    by_call: tuple[float, ...] = ()  # the refusal's multiplier by call number (none: 1)


@dataclass(frozen=True)
class Evidence:
    """A persona's touches (not calls) as evidence of each lead's drop-out: every lead of the
    persona (numbers, called or not), and each touch's lead, chance of an unsubscribe at
    drop-out 1 (0: no chance, e.g. bounced) and whether it was one."""

    leads: np.ndarray
    lead: np.ndarray
    chance: np.ndarray
    unsubscribed: np.ndarray

    def log_chances(self, d: float) -> np.ndarray:
        """Each touch's log P(its unsubscribe or not | drop-out d)."""
        p = np.minimum(d * self.chance, 1 - 1e-12)
        return np.where(self.unsubscribed, np.log(np.maximum(p, 1e-300)), np.log1p(-p))


BY_CALL = 4  # call numbers with a refusal multiplier of their own: 1 (the reference), 2, 3, 4+


def by_call_params(n: np.ndarray, name: str) -> list[Param]:
    """The refusal's multipliers at calls 2 .. BY_CALL (the last for every later call), on
    their log. A level is fitted only with MIN_LATER calls or more past it, so that the last
    level always spans two call numbers or more: with a multiplier free at every call number
    the calls cannot tell a patient share (which makes the refusals of those still called fall
    from call to call) from the multipliers (which can make any fall), and the share would be
    fitted on the model's form alone."""
    levels = []
    for c in range(2, BY_CALL + 1):
        if int(np.sum(n >= c)) < MIN_LATER:  # calls numbered c + 1 and later (n is 0-based)
            break
        levels.append(c)
    out = []
    for c in levels:
        last = c == levels[-1]
        at = int(np.sum(n >= c - 1)) if last else int(np.sum(n == c - 1))
        what = f"{name}: refusals at call {c}{' and later' if last else ''}, x call 1's"
        out.append(Param(f"personas.{name}.behaviour.task_refuse_by_call.{c}", what, LOG, at))
    return out


def _multipliers(named: dict[str, float], prior: CallPrior, n: np.ndarray) -> np.ndarray:
    """Each call's refusal multiplier by its number (0-based n): the fitted ones (call 1's is 1),
    else the prior's (the last for every later call; none: 1)."""
    fitted = [math.exp(named[str(c)]) for c in range(2, BY_CALL + 1) if str(c) in named]
    levels = [1.0, *fitted] if fitted else list(prior.by_call)
    if not levels:
        return np.ones(len(n))
    return np.asarray(levels)[np.minimum(n.astype(int), len(levels) - 1)]


class CallRows:
    """One persona's calls, ready for the likelihood: each call's number, outcome, the lead's
    clicks before it, and which lead made it (numbered 0..leads-1)."""

    def __init__(
        self, k: Calls, mine: np.ndarray, seen: bool, evidence: Evidence | None = None
    ) -> None:
        # each call's outcome: 0 refused, 1 sold, 2 answered not sold (answers recorded), 3
        # neither, 4 none of these (chance 0); the calls in that order, so that each outcome's
        # calls are one slice and the likelihood takes each chance only where it is needed
        refused, answered, sold = k.refused[mine], k.answered[mine], k.sold[mine]
        talked = answered & ~sold if seen else np.zeros_like(sold)
        other = ~(refused | sold | answered) if seen else ~(refused | sold)
        code = np.select([other, talked, refused, sold], [3, 2, 0, 1], default=4)
        order = np.argsort(code, kind="stable")
        self.slices = [slice(*np.searchsorted(code[order], [c, c + 1])) for c in range(4)]
        self.n = k.n[mine][order]
        self.refused, self.answered = refused[order], answered[order]
        self.sold, self.clicks = sold[order], k.clicks[mine][order]
        self.seen = seen
        self.lead = k.lead[mine][order]
        called = np.unique(self.lead)
        self.leads = len(called)  # leads called (the optional parameters' price: `lr_min`)
        universe = called if evidence is None else np.union1d(called, evidence.leads)
        self.universe = len(universe)  # leads in the mixture
        self.inverse = np.searchsorted(universe, self.lead)
        self.other, self.talked = other[order], talked[order]
        self.evidence = evidence
        self._low: tuple[float, np.ndarray] | None = None  # the last d0 and its evidence
        if evidence is not None:
            self.touch_lead = np.searchsorted(universe, evidence.lead)
            self.evidence_one = self._evidence(1.0)

    def _evidence(self, d: float) -> np.ndarray:
        """Each lead's (of the mixture) log P(its touches' unsubscribes | drop-out d)."""
        assert self.evidence is not None  # asked only of rows with evidence
        logs = self.evidence.log_chances(d)
        return np.bincount(self.touch_lead, weights=logs, minlength=self.universe)

    def evidence_logs(
        self, eta: np.ndarray, params: list[Param], prior: CallPrior
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Each lead's (of the mixture) log-evidence of its touches at d = 1 and at d0; None
        without evidence (nothing to add)."""
        if self.evidence is None:
            return None
        d0 = patient_dropout(eta, params, prior)
        if self._low is None or self._low[0] != d0:  # d0 is mostly the prior's, fixed
            self._low = (d0, self._evidence(d0))
        return self.evidence_one, self._low[1]

    def per_call(
        self, eta: np.ndarray, params: list[Param], prior: CallPrior, beta: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """log P(each call's outcome | d) for d = 1 and for the patient leads' d0."""
        q, ans0, rise, s = _terms(eta, params, prior, self.n, beta * self.clicks)
        ref, sold, talk, other = self.slices
        out = []
        for d in (1.0, patient_dropout(eta, params, prior)):
            r = np.minimum(q * d * rise, 1 - 1e-12)
            ans = np.minimum(ans0, 1 - r)
            p = np.zeros(len(r))
            p[ref] = r[ref]
            p[sold] = ans[sold] * s[sold]
            p[talk] = ans[talk] * (1 - s[talk])
            if self.seen:
                p[other] = 1 - r[other] - ans[other]
            else:
                p[other] = 1 - r[other] - ans[other] * s[other]
            out.append(np.log(np.maximum(p, 1e-300)))
        return out[0], out[1]

    def loglik(self, eta: np.ndarray, params: list[Param], prior: CallPrior, beta: float) -> float:
        """Per lead, a mixture over its drop-out: (1 - w) prod P(. | 1) + w prod P(. | low)."""
        return float(np.sum(self.per_lead(eta, params, prior, beta)))

    def per_lead(
        self, eta: np.ndarray, params: list[Param], prior: CallPrior, beta: float
    ) -> np.ndarray:
        """Each lead's log-likelihood (its calls' mixture, `loglik`)."""
        one, zero = self.per_call(eta, params, prior, beta)
        w = patient_share(eta, params, prior)
        log_w1, log_w0 = math.log(max(1 - w, 1e-300)), math.log(max(w, 1e-300))
        # per lead, each term's log: its calls' log-likelihoods summed, plus its weight's log
        # and its touches' evidence
        a = np.bincount(self.inverse, weights=one, minlength=self.universe) + log_w1
        b = np.bincount(self.inverse, weights=zero, minlength=self.universe) + log_w0
        evidence = self.evidence_logs(eta, params, prior)
        if evidence is not None:
            a += evidence[0]
            b += evidence[1]
        top = np.maximum(a, b)
        return top + np.log(np.exp(a - top) + np.exp(b - top))


def patient_dropout(eta: np.ndarray, params: list[Param], prior: CallPrior) -> float:
    """The patient leads' drop-out (in [0, 1])."""
    k = next((j for j, p in enumerate(params) if p.path.endswith("dropout_low")), None)
    return min(max(float(eta[k]), 0.0), 1.0) if k is not None else prior.low


def patient_share(eta: np.ndarray, params: list[Param], prior: CallPrior) -> float:
    k = next((j for j, p in enumerate(params) if p.path.endswith("dropout")), None)
    return min(max(float(eta[k]), 0.0), 1.0 - 1e-9) if k is not None else prior.never


def outcome_chances(
    eta: np.ndarray, params: list[Param], prior: CallPrior, n: np.ndarray, gain: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(P(refused | d), P(sold | d)): each an (n, 2) array."""
    q, answer, rise, s = _terms(eta, params, prior, n, gain)
    refuse, sale = np.empty((len(n), 2)), np.empty((len(n), 2))
    for col, d in ((0, 1.0), (1, patient_dropout(eta, params, prior))):
        r = np.minimum(q * d * rise, 1 - 1e-12)
        refuse[:, col] = r
        sale[:, col] = np.minimum(answer, 1 - r) * s
    return refuse, sale


def _terms(
    eta: np.ndarray, params: list[Param], prior: CallPrior, n: np.ndarray, gain: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """At calls numbered `n`: (the refusal's base chance, the answer's chance before the
    refusal's cap, the refusal's rise by call (fatigue and multipliers), the sale's chance at
    an answer given the readiness gained from clicks, `gain`)."""
    named = {p.path.rsplit(".", 1)[1]: eta[j] for j, p in enumerate(params)}
    q = float(expit(named["task_refuse"]))
    a = float(expit(named["task_answer"])) if "task_answer" in named else prior.answer
    answer = a * np.exp(-named.get("task_fatigue", prior.fatigue) * n)
    rise = 1 + named.get("task_refuse_fatigue", prior.refuse_fatigue) * n
    s = np.minimum(math.exp(named["readiness"]) * (1 + gain), 1 - 1e-9)
    return q, answer, rise * _multipliers(named, prior, n), s
