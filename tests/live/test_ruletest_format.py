"""Reading rule test files: times, positions, and each kind of mistake named at its place."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from live.ruletest_format import read_test_file
from live.ruletest_load import load_rules
from live.ruletest_time import TimeError, relative, resolve, zone_of
from live.tomlspan import spans

RULES = """\
campaign "t"
stages cold, warm
lead:
  plan: one of "free", "pro"
  seats: number
  city: text
event demo(minutes: number)
content hello email stage cold
content call  task  stage warm
segment pro: plan == "pro"
score s:
  +5 on clicked
stage warm when s >= 5
sequence intro:
  for pro
  enter on signed_up
  send hello
handoff when s >= 10:
  send call within 1d
"""

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()
HOUR, DAY = 3600, 86400


# ------------------------------------------------------------------ times


def test_relative_times_count_from_the_start() -> None:
    assert resolve("+30m", START, None) == START + 30 * 60
    assert resolve("+1d6h", START, None) == START + DAY + 6 * HOUR
    assert resolve("+1w", START, None) == START + 7 * DAY


def test_a_clock_time_is_that_day_on_the_lead_clock() -> None:
    assert resolve("+2d 10:00", START, None) == START + 2 * DAY + HOUR
    assert resolve("+0d 08:30:15", START, None) == START - 30 * 60 + 15
    new_york = zone_of("America/New_York")
    local_start = datetime(2026, 1, 5, 9, 0, tzinfo=new_york).timestamp()
    # 10:00 in New York in January is 15:00 UTC
    expected = datetime(2026, 1, 7, 15, 0, tzinfo=UTC).timestamp()
    assert resolve("+2d 10:00", local_start, new_york) == expected


def test_absolute_times_without_offset_are_on_the_lead_clock() -> None:
    assert resolve("2026-01-06T10:00:00Z", START, None) == START + DAY + HOUR
    assert resolve("2026-01-06 10:00", START, None) == START + DAY + HOUR
    london = zone_of("Europe/London")
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC).timestamp()
    assert resolve("2026-07-01T10:00:00", START, london) == summer  # BST is UTC+1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("+2x", "not a time: '+2x'"),
        ("+3h 10:00", "'+3h 10:00': a clock time goes with whole days, like +2d 10:00"),
        ("+1d 25:00", "'+1d 25:00': 25:00 is not a time of day"),
        ("tomorrow", "not a time: 'tomorrow'"),
    ],
)
def test_times_that_cannot_be_read_say_why(text: str, message: str) -> None:
    with pytest.raises(TimeError) as err:
        resolve(text, START, None)
    assert str(err.value) == message


def test_an_unknown_zone_is_named() -> None:
    with pytest.raises(TimeError) as err:
        zone_of("Mars/Olympus")
    assert str(err.value) == "unknown time zone 'Mars/Olympus'"


def test_relative_writes_the_day_and_the_local_clock() -> None:
    assert relative(START + 2 * DAY + HOUR + 0.001, START, None) == "+2d 10:00"
    assert relative(START + 30, START, None) == "+0d 09:00:30"


# ------------------------------------------------------------------ positions


def test_spans_find_keys_and_values_in_tables_arrays_and_inline_tables() -> None:
    text = (
        'rules = "a.nurture"  # a comment with = and ]\n'
        "[[case]]\n"
        'name = "one # not a comment"\n'
        "events = [\n"
        '  { at = "+1h", type = "opened" },\n'
        "]\n"
        "[[case.expect]]\n"
        "score = { value = 3, within = 0.5 }\n"
        "[[case]]\n"
        "[[case.expect]]\n"
        "stage = 'warm'\n"
    )
    places = spans(text)
    place = places.values[("rules",)]
    assert (place.line, place.column, place.end_column) == (1, 9, 20)
    assert places.values[("case", 0, "events", 0, "type")].column == 24
    assert places.keys[("case", 0, "expect", 0, "score", "within")].column == 22
    assert places.values[("case", 1, "expect", 0, "stage")].line == 11  # numbered per case
    assert places.of(("case", 0, "events", 0, "nothing")).column == 3  # the nearest written


# ------------------------------------------------------------------ mistakes


def diagnostics(tmp_path: Path, text: str) -> list[tuple[int, int, str, str | None]]:
    (tmp_path / "t.nurture").write_text(RULES)
    path = tmp_path / "t.test.toml"
    path.write_text(text)
    test = read_test_file(str(path))
    load_rules(test, {})
    return sorted((d.span.line, d.span.column, d.message, d.hint) for d in test.diagnostics)


HEAD = 'rules = "t.nurture"\n[[case]]\nname = "c"\n'


def test_unknown_keys_wrong_types_and_missing_parts(tmp_path: Path) -> None:
    text = (
        'rules = "t.nurture"\n'
        "sede = 1\n"
        "[[case]]\n"
        "lead_id = 5\n"
        "events = [{ type = 3 }]\n"
        "[[case.expect]]\n"
        'score = "high"\n'
        'mql = "yes"\n'
        'segments = "pro"\n'
        "sends = [{ content = 1, step = 0 }]\n"
    )
    assert diagnostics(tmp_path, text) == [
        (2, 1, "unknown key 'sede' in the file", "did you mean 'seed'?"),
        (3, 1, "this case has no name", 'add name = "what it shows"'),
        (4, 11, "'lead_id' must be a non-empty text, not the number 5", None),
        (
            5,
            11,
            "this event has no 'at'",
            'an event is written { at = "+1d 10:00", type = "opened", content = "welcome" }',
        ),
        (5, 20, "'type' must be a non-empty text, not the number 3", None),
        (
            7,
            9,
            "'score' must be a number, or { value = N, within = T } with T >= 0",
            "for instance score = 12 or score = { value = 11.3, within = 0.05 }",
        ),
        (8, 7, "'mql' must be true or false, not the text 'yes'", None),
        (10, 22, "'content' must be a non-empty text, not the number 1", None),
        (10, 32, "'step' must be a whole number >= 1, not the number 0", None),
    ]


def test_names_the_rule_files_do_not_know(tmp_path: Path) -> None:
    text = HEAD + (
        'lead = { plann = "pro", seats = "ten", city = 4 }\n'
        "events = [\n"
        '  { at = "+1h", type = "demo", minutes = "long" },\n'
        '  { at = "+1h", type = "clicked", channel = "fax", page = "x" },\n'
        "]\n"
        "[[case.expect]]\n"
        "scores = { ss = 1 }\n"
        'segments_include = ["pros"]\n'
        'sends = [{ content = "call" }]\n'
        'actions = [{ action = "sent", sequence = "intr", reason = "holdot" }]\n'
    )
    assert diagnostics(tmp_path, text) == [
        (4, 10, "unknown attribute 'plann'", "did you mean 'plan'?"),
        (4, 33, "attribute 'seats' is a number, not 'ten'", None),
        (4, 47, "attribute 'city' is a text: write it in quotes", None),
        (6, 42, "property 'minutes' of 'demo' is a number, not 'long'", None),
        (7, 45, "unknown channel 'fax'", "the channels are: email, sms, ad, social, mail, task"),
        (
            7,
            52,
            "unknown property 'page' of 'clicked'",
            "'clicked' has the properties content, channel",
        ),
        (10, 12, "unknown score block 'ss'", "did you mean 's'?"),
        (11, 21, "unknown segment 'pros'", "did you mean 'pro'?"),
        (12, 22, "'call' is a sales task, not a send", "expect it under 'tasks'"),
        (13, 23, "unknown action 'sent'", "did you mean 'send'?"),
        (13, 42, "unknown sequence 'intr'", "did you mean 'intro'?"),
        (13, 59, "unknown reason 'holdot'", "did you mean 'holdout'?"),
    ]


def test_times_out_of_the_case(tmp_path: Path) -> None:
    text = (
        'rules = "t.nurture"\nstart = 2026-01-05T09:00:00\n[[case]]\nname = "c"\n'
        'now = "+1d"\n'
        'events = [{ at = "2026-01-04T09:00:00Z", type = "signed_up" }]\n'
        '[[case.expect]]\nat = "+2d"\nstage = "cold"\n'
    )
    assert diagnostics(tmp_path, text) == [
        (6, 18, "this event comes before the case's start", None),
        (8, 6, "this expectation comes after the case's 'now'", None),
    ]


def test_two_cases_of_one_name_and_a_case_without_expectations(tmp_path: Path) -> None:
    text = HEAD + '[[case.expect]]\nstage = "cold"\n[[case]]\nname = "c"\n'
    assert diagnostics(tmp_path, text) == [
        (6, 1, "this case expects nothing", "add a [[case.expect]] table"),
        (7, 8, "two cases named 'c'", None),
    ]


def test_a_case_without_rules_and_a_zone_that_does_not_exist(tmp_path: Path) -> None:
    text = '[[case]]\nname = "c"\ntimezone = "Paris"\n[[case.expect]]\nstage = "cold"\n'
    assert diagnostics(tmp_path, text) == [
        (
            1,
            1,
            "this case names no rule file",
            'add rules = "NAME.nurture" to the case, or at the top of the file',
        ),
        (
            3,
            12,
            "unknown time zone 'Paris'",
            "an IANA name, like Europe/London or America/New_York",
        ),
    ]


def test_a_file_default_in_error_is_reported_once(tmp_path: Path) -> None:
    text = 'rules = "t.nurture"\nseed = -1\n' + "".join(
        f'[[case]]\nname = "c{i}"\n[[case.expect]]\nstage = "cold"\n' for i in range(3)
    )
    assert diagnostics(tmp_path, text) == [
        (2, 8, "'seed' must be a whole number >= 0, not the number -1", None),
    ]
