"""Running compiled rules: the mixins of `Engine` and the state they work on.

state.py       per-lead state: __slots__, shared tuples for rarely changed values,
               containers made on first use
leads.py       a lead's state made, its attributes set (static segments, fit)
plans.py       per event type, what an event touches (EventPlan)
recording.py   an event recorded on a lead (the general path) and its trail line
rounds.py      the round: points and caps, fit, stages, flags, handoff
sequencer.py   exits, enrolments, walking the steps; sends.py a send under policy
policy.py      SHA-256 holdout/split fractions, limits, quiet hours in the lead's zone
timers.py      next_due / advance over the timer queue (timerq.py)
reading.py     explain, trail, view, stage; snapshot, restore, layout, migrate
migration.py   a lead's snapshot carried over to changed rules
"""
