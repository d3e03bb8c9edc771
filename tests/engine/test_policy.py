"""DSL.md "Meaning / Policy": limits and quiet hours postpone, unsubscribes and bounces
suppress, sunset stops everything."""

from __future__ import annotations

from enginekit import DAY, HOUR, T0, Run, ts

from engine import format_time


def at(t: float) -> str:
    return format_time(t)


THREE = "  send x\n  wait 2h\n  send y\n  wait 1h\n  send z\n"


def test_limit_postpones_until_the_oldest_touch_leaves_the_window() -> None:
    body = "policy:\n  limit 2 per 1d\nsequence s:\n  enter on signed_up\n" + THREE
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 3 * DAY)
    # x at T0, y at T0+2h; z is due at T0+3h but 2 touches lie in (t-1d, t] until T0+1d
    assert run.sends() == [(at(T0), "x"), (at(T0 + 2 * HOUR), "y"), (at(T0 + DAY), "z")]


def test_a_postponed_send_is_never_dropped_and_shows_in_the_trail() -> None:
    body = "policy:\n  limit 1 per 1d\nsequence s:\n  enter on signed_up\n  send x\n  send y\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 2 * DAY)
    assert run.sends() == [(at(T0), "x"), (at(T0 + DAY), "y")]
    postponed = [e for e in run.engine.explain("L1").entries if e.kind == "postponed"]
    assert len(postponed) == 1 and postponed[0].rule == "t.nurture:16"


def test_sequence_limit_counts_that_sequence_only() -> None:
    body = (
        "sequence s:\n  enter on signed_up\n  limit 1 per 1d\n  send x\n  send y\n"
        "sequence r:\n  enter on signed_up\n  send z\n"
    )
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 2 * DAY)
    assert run.sends() == [(at(T0), "x"), (at(T0), "z"), (at(T0 + DAY), "y")]


def test_policy_limit_counts_touches_of_every_sequence() -> None:
    body = (
        "policy:\n  limit 1 per 1d\nsequence s:\n  enter on signed_up\n  send x\n"
        "sequence r:\n  enter on signed_up\n  send z\n"
    )
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 2 * DAY)
    assert run.sends() == [(at(T0), "x"), (at(T0 + DAY), "z")]


def test_a_wait_counts_from_the_actual_send_after_postponement() -> None:
    body = (
        "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n  send x\n"
        "  wait 1d\n  send y\n"
    )
    start = ts("2026-01-05T21:00:00Z")
    run = Run(body).lead("L1", start).event("L1", "signed_up", start)
    run.through(start + 5 * DAY)
    assert run.sends() == [("2026-01-06T08:00:00Z", "x"), ("2026-01-07T08:00:00Z", "y")]


def quiet_send(due: str, tz: str | None = None) -> str:
    body = "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n  send x\n"
    t = ts(due)
    attrs = {"timezone": tz} if tz else {}
    run = Run(body).lead("L1", t, **attrs).event("L1", "signed_up", t).through(t + 2 * DAY)
    return run.sends()[0][0]


def test_quiet_hours_across_midnight_postpone_to_their_end() -> None:
    assert quiet_send("2026-01-05T23:30:00Z") == "2026-01-06T08:00:00Z"
    assert quiet_send("2026-01-06T03:00:00Z") == "2026-01-06T08:00:00Z"
    assert quiet_send("2026-01-06T07:59:59Z") == "2026-01-06T08:00:00Z"


def test_quiet_start_is_included_and_end_excluded() -> None:
    assert quiet_send("2026-01-05T20:00:00Z") == "2026-01-06T08:00:00Z"
    assert quiet_send("2026-01-05T19:59:59Z") == "2026-01-05T19:59:59Z"
    assert quiet_send("2026-01-06T08:00:00Z") == "2026-01-06T08:00:00Z"


def test_quiet_hours_are_in_the_leads_time_zone() -> None:
    # 02:00Z is 21:00 the evening before in New York (EST, UTC-5): quiet until 08:00 EST = 13:00Z
    assert quiet_send("2026-01-06T02:00:00Z", "America/New_York") == "2026-01-06T13:00:00Z"
    # 14:00Z is 23:00 in Tokyo (UTC+9): quiet until 08:00 JST = 23:00Z
    assert quiet_send("2026-01-06T14:00:00Z", "Asia/Tokyo") == "2026-01-06T23:00:00Z"
    # an unknown zone name falls back to UTC
    assert quiet_send("2026-01-06T02:00:00Z", "Mars/Olympus") == "2026-01-06T08:00:00Z"


def test_quiet_hours_in_summer_time() -> None:
    # 2026-07-01T01:00Z is 21:00 EDT (UTC-4): quiet until 08:00 EDT = 12:00Z
    assert quiet_send("2026-07-01T01:00:00Z", "America/New_York") == "2026-07-01T12:00:00Z"


def test_unsubscribed_channel_is_suppressed_at_once_and_the_sequence_moves_on() -> None:
    body = "sequence s:\n  enter on signed_up\n  wait 1d\n  send x\n  wait 1d\n  send z\n"
    run = Run(body).lead("L1").event("L1", "unsubscribed", T0 - 60, channel="EMAIL")
    run.event("L1", "signed_up", T0).through(T0 + 5 * DAY)
    assert [
        (r["action"], r["at"], r.get("content"), r.get("reason"))
        for r in run.rows("send", "suppressed")
    ] == [
        ("suppressed", at(T0 + DAY), "x", "unsubscribed"),
        ("send", at(T0 + 2 * DAY), "z", None),
    ]


def test_unsubscribe_without_channel_stops_every_channel_and_exits() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x\n  wait 1d\n  send z\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0)
    run.event("L1", "unsubscribed", T0 + HOUR).through(T0 + 5 * DAY)
    assert run.sends() == [(at(T0), "x")]
    assert run.rows("exited")[0]["reason"] == "unsubscribed"


def test_bounced_channel_is_suppressed() -> None:
    body = "sequence s:\n  enter on signed_up\n  send x\n  wait 1d\n  send y\n  send z\n"
    run = Run(body).lead("L1").event("L1", "signed_up", T0)
    run.event("L1", "bounced", T0 + HOUR, content="x", channel="email").through(T0 + 2 * DAY)
    assert [
        (r["action"], r["content"], r.get("reason")) for r in run.rows("send", "suppressed")
    ] == [("send", "x", None), ("suppressed", "y", "bounced"), ("send", "z", None)]


def test_a_suppressed_send_is_not_a_touch() -> None:
    body = "policy:\n  limit 1 per 1d\nsequence s:\n  enter on signed_up\n  send x\n  send z\n"
    run = Run(body).lead("L1").event("L1", "unsubscribed", T0 - 60, channel="email")
    run.event("L1", "signed_up", T0)
    assert run.sends() == [(at(T0), "z")]


def test_a_postponed_send_rechecks_exit_and_is_suppressed_on_exit() -> None:
    body = (
        "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n"
        "  exit when customer\n  send x\n"
    )
    start = ts("2026-01-05T21:00:00Z")
    run = Run(body).lead("L1", start).event("L1", "signed_up", start)
    run.event("L1", "converted", start + HOUR, value=1).through(start + 2 * DAY)
    assert [(r["action"], r["at"], r.get("reason")) for r in run.rows()] == [
        ("enrolled", "2026-01-05T21:00:00Z", None),
        ("suppressed", "2026-01-05T22:00:00Z", "exit"),
        ("exited", "2026-01-05T22:00:00Z", "exit when"),
    ]


def test_a_postponed_send_rechecks_its_when() -> None:
    body = (
        "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n"
        "  send x when not customer\n  send y\n"
    )
    start = ts("2026-01-05T21:00:00Z")
    run = Run(body).lead("L1", start).event("L1", "signed_up", start)
    run.event("L1", "converted", start + HOUR, value=1).through(start + 2 * DAY)
    assert run.sends() == [("2026-01-06T08:00:00Z", "y")]


def test_a_postponed_send_rechecks_unsubscribes() -> None:
    body = "policy:\n  quiet 20:00-08:00\nsequence s:\n  enter on signed_up\n  send x\n"
    start = ts("2026-01-05T21:00:00Z")
    run = Run(body).lead("L1", start).event("L1", "signed_up", start)
    run.event("L1", "unsubscribed", start + HOUR, channel="email").through(start + 2 * DAY)
    assert [(r["action"], r["at"], r.get("reason")) for r in run.rows("send", "suppressed")] == [
        ("suppressed", "2026-01-06T08:00:00Z", "unsubscribed")
    ]


def test_sunset_fires_with_no_event_and_stops_all_nurture() -> None:
    body = (
        "policy:\n  sunset when days_since(last_engagement) > 30\n"
        "sequence s:\n  enter on signed_up\n  send x\n  wait 60d\n  send y\n"
        "sequence r:\n  enter on clicked\n  send z\n"
    )
    run = Run(body).lead("L1").event("L1", "signed_up", T0).through(T0 + 31 * DAY)
    run.event("L1", "clicked", T0 + 31 * DAY).through(T0 + 90 * DAY)
    assert [(r["action"], r["at"], r.get("reason")) for r in run.rows()] == [
        ("enrolled", at(T0), None),
        ("send", at(T0), None),
        ("sunset", at(T0 + 30 * DAY), None),
        ("exited", at(T0 + 30 * DAY), "sunset"),
    ]


def test_days_since_crossing_fires_with_no_event() -> None:
    body = (
        "segment dormant: days_since(last_engagement) > 10\n"
        "sequence s:\n  enter when dormant\n  send x\n"
    )
    run = Run(body).lead("L1").event("L1", "clicked", T0 + DAY).through(T0 + 30 * DAY)
    assert run.sends() == [(at(T0 + 11 * DAY), "x")]


def test_count_leaving_its_window_fires_with_no_event() -> None:
    body = "sequence s:\n  enter when clicked(x) and count(clicked, 2d) == 0\n  send x\n"
    run = Run(body).lead("L1").event("L1", "clicked", T0 + 60, content="x")
    run.through(T0 + 10 * DAY)
    assert run.sends() == [(at(T0 + 60 + 2 * DAY), "x")]


def test_decaying_score_crossing_fires_with_no_event() -> None:
    body = (
        "score e:\n  +10 on clicked\n  decay 50% every 1d\n"
        "sequence s:\n  enter on clicked\n  exit when e < 5\n  wait 10d\n  send x\n"
    )
    run = Run(body).lead("L1").event("L1", "clicked", T0).through(T0 + 20 * DAY)
    assert run.rows("exited") == [
        {
            "lead": "L1",
            "at": at(T0 + DAY),
            "action": "exited",
            "sequence": "s",
            "reason": "exit when",
            "rule": "t.nurture:16",
        }
    ]


def test_negative_points_decaying_upward_cross_a_threshold() -> None:
    # fit 10, engagement -20 at T0+1s decaying 50%/day: 10 - 20 x 0.5^d reaches 5 at d = 2
    body = (
        "score s:\n  +10 when size > 0\n  -20 on unsubscribed\n  decay 50% every 1d\n"
        "mql when s >= 5 and unsubscribed\n"
    )
    run = Run(body).lead("L1", T0, size=1).event("L1", "unsubscribed", T0 + 1, channel="sms")
    run.through(T0 + 5 * DAY)
    assert run.rows("mql")[0]["at"] == at(T0 + 1 + 2 * DAY)


def test_days_since_inside_arithmetic_fires_at_its_crossing() -> None:
    body = "sequence s:\n  enter when clicked(x) and days_since(clicked) * 2 > 10\n  send x\n"
    run = Run(body).lead("L1").event("L1", "clicked", T0 + 60, content="x")
    run.through(T0 + 30 * DAY)
    assert run.sends() == [(at(T0 + 60 + 5 * DAY), "x")]


def test_decaying_score_inside_arithmetic_fires_at_its_crossing() -> None:
    body = (
        "score e:\n  +10 on clicked\n  decay 50% every 1d\n"
        "sequence s:\n  enter on clicked\n  exit when e + 1 < 6\n  wait 10d\n  send x\n"
    )
    run = Run(body).lead("L1").event("L1", "clicked", T0).through(T0 + 20 * DAY)
    assert run.rows("exited")[0]["at"] == at(T0 + DAY)
