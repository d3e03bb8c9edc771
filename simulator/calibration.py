"""Default figures of the behaviour model, and where each one comes from.

Two public data sets in `shared/data` (see their PROVENANCE.md) set the defaults that data can set;
the rest are stated assumptions. A scenario overrides any of them.

Hillstrom MineThatData e-mail challenge (2008): 64,000 recent buyers randomly given one e-mail
(Mens or Womens) or none; visits, conversions and spend in the two weeks after.
- No-e-mail arm: 10.62% visited in 14 days -> organic visit rate -ln(1-0.1062)/14 = 0.0080 a day.
- E-mail arms: 16.70% visited -> +6.09 points: one e-mail brings a visit from ~6% of recipients,
  our click rate per delivered e-mail (a click is the visit the e-mail caused).
- Conversion given a visit: 6.15% (pooled); no-e-mail 5.39%, e-mail 5.84% / 6.86%. Mean readiness
  of the default persona is 0.275 (uniform 0.05..0.5), so the chance that a click or a visit
  converts a lead of readiness 1 is 0.0615 / 0.275 = 0.22.
- Spend of converters: mean $116.36, median $80.80 -> lognormal deal value, median 80.8,
  sigma sqrt(2 ln(116.36/80.80)) = 0.85 (the sd of log spend is 0.84: consistent).

UCI Bank Marketing (bank-full.csv): 45,211 clients phoned in a campaign, 11.70% subscribed.
- Per-attempt conversion hazard (converted at call k / reached call k): 5.66%, 5.06%, 4.08%,
  3.29%, 2.27%, 2.11%, 1.53%, 1.37%, 1.17% for k = 1..9. A log-linear fit falls by 0.21 per
  extra contact: each touch past the fatigue point multiplies response by exp(-0.21) = 0.81.
  (Survivorship inflates this a little: later calls reach harder clients; read as an upper bound.)
- 11.70% of contacted clients converted: a worked sales task closes a lead of average readiness
  (0.275) with chance 0.117, i.e. 0.117 / 0.275 = 0.43 at readiness 1.

Assumptions (no figure in the shared data): open rates (e-mail 20%), SMS/ad/social/mail click
rates, reply, bounce and unsubscribe rates, the fatigue half-life (14 days), the background
conversion hazard without a tracked visit, and readiness gains. Tune them per scenario.
"""

from __future__ import annotations

# Hillstrom: share of delivered touches opened. Opens are not in the data: assumption (industry
# e-mail open rate ~20%); SMS, ads and mail have no tracked open.
OPEN_RATE: dict[str, float] = {"email": 0.20, "sms": 0.0, "ad": 0.0, "social": 0.0, "mail": 0.0}

# Hillstrom: +6.09 visit points per e-mail -> 0.06. Others are assumptions.
CLICK_RATE: dict[str, float] = {
    "email": 0.06,
    "sms": 0.05,
    "ad": 0.005,
    "social": 0.01,
    "mail": 0.01,
}

REPLY_RATE: dict[str, float] = {"email": 0.005, "sms": 0.01}  # assumption
BOUNCE_RATE: dict[str, float] = {"email": 0.01, "sms": 0.005, "mail": 0.02}  # assumption
UNSUBSCRIBE_RATE: dict[str, float] = {"email": 0.002, "sms": 0.01}  # assumption, per touch

# Bank Marketing: log-linear fit of per-attempt hazard, slope -0.2105.
FATIGUE_PER_TOUCH = 0.21

# Hillstrom: conversion given a visit 6.15%, at mean readiness 0.275 -> 0.22 at readiness 1.
CONVERSION_PER_VISIT = 0.22

# Assumption: buying without a tracked visit or click, per day at readiness 1 (small).
CONVERSION_PER_DAY = 0.0003

# Hillstrom: no-e-mail arm, 10.62% visited in 14 days.
ORGANIC_VISITS_PER_DAY = 0.0080

# Hillstrom: converters' spend, median 80.80, mean 116.36.
DEAL_MEDIAN = 80.8
DEAL_SIGMA = 0.85

# Bank Marketing: 11.70% of contacted clients converted, at mean readiness 0.275.
SALES_CLOSE_RATE = 0.43
