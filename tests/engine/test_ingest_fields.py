"""`Engine.ingest_fields` acts on an event given by its fields exactly as `ingest` on an `Event`."""

from __future__ import annotations

from dsl import load_program
from engine import Engine, Event, Lead

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z, a Thursday


def _engine() -> Engine:
    engine = Engine([load_program("rules/b2b_saas_trial.nurture")], seed=3, trace=True)
    engine.add_lead(
        Lead(
            "L1",
            T0,
            {
                "company_size": 20,
                "industry": "retail",
                "title": "CTO",
                "email": "a@b.com",
                "source": "trial_signup",
            },
        ),
        T0,
    )
    return engine


def test_ingest_fields_acts_as_ingest():
    by_event, by_fields = _engine(), _engine()
    at = T0 + 9 * 3600  # 09:00 UTC, outside quiet hours
    a = by_event.ingest(Event("e1", "L1", "signed_up", at, {}), at)
    b = by_fields.ingest_fields("L1", "signed_up", at, {}, at)
    assert a == b
    assert [(x.action, x.content, x.sequence) for x in b][:2] == [
        ("enrolled", None, "trial_onboarding"),
        ("send", "welcome", "trial_onboarding"),
    ]
    assert by_event.explain("L1").to_dict() == by_fields.explain("L1").to_dict()
