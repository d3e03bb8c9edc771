"""Top-level declarations: campaign, stages, lead, events, content, scores, funnel, policy."""

from __future__ import annotations

from dsl_testkit import HEADER, bare, compile_with, days, num

from dsl import compile_source, ir

MINIMAL = 'campaign "Minimal"\nstages first, second\n'


def test_minimal_file_has_only_campaign_and_stages() -> None:
    program = bare(compile_source(MINIMAL, "m.nurture"))
    assert program == ir.Program(
        path="m.nurture",
        campaign="Minimal",
        stages=(ir.StageDecl(name="first"), ir.StageDecl(name="second")),
    )


def test_campaign_text_unescaped() -> None:
    program = compile_source('campaign "The \\"best\\" \\\\ one"\nstages a\n')
    assert program.campaign == 'The "best" \\ one'


def test_lead_schema_with_one_of() -> None:
    program = bare(compile_with(""))
    assert program.lead == (
        ir.AttributeDecl(name="company_size", type="number"),
        ir.AttributeDecl(name="industry", type="text"),
        ir.AttributeDecl(name="title", type="text"),
        ir.AttributeDecl(name="source", type="one_of", options=("trial_signup", "webinar")),
    )


def test_custom_event_with_props_and_without() -> None:
    program = bare(compile_with("event application_started\n"))
    assert program.events == (
        ir.EventDecl(
            name="webinar_attended",
            props=(
                ir.PropDecl(name="topic", type="text"),
                ir.PropDecl(name="minutes", type="number"),
            ),
        ),
        ir.EventDecl(name="application_started"),
    )


def test_content_with_and_without_stage_and_cost() -> None:
    program = bare(compile_with("content flyer mail cost 1.5 stage consideration\n"))
    assert program.contents == (
        ir.ContentDecl(name="welcome", channel="email", stage="awareness", cost=0.002),
        ir.ContentDecl(name="tips", channel="sms", stage=None, cost=0.0),
        ir.ContentDecl(name="call", channel="task", stage="decision", cost=25.0),
        ir.ContentDecl(name="flyer", channel="mail", stage="consideration", cost=1.5),
    )


def test_every_channel_is_accepted() -> None:
    body = "".join(f"content c_{ch} {ch}\n" for ch in ("email", "sms", "ad", "social", "mail"))
    program = compile_with(body)
    assert [c.channel for c in program.contents[3:]] == ["email", "sms", "ad", "social", "mail"]


def test_segments() -> None:
    program = bare(compile_with(""))
    assert program.segments == (
        ir.Segment(
            name="enterprise",
            condition=ir.Compare(
                op=">=", left=ir.Attr(name="company_size", type="number"), right=num(500)
            ),
        ),
        ir.Segment(
            name="trial",
            condition=ir.Compare(
                op="==",
                left=ir.Attr(name="source", type="text"),
                right=ir.Str(value="trial_signup"),
            ),
        ),
    )


def test_score_block_fit_event_where_cap_decay() -> None:
    program = bare(
        compile_with(
            "score engagement:\n"
            "  +2  on opened  cap 10 per 7d\n"
            '  +15 on visited where page == "pricing"\n'
            "  -50 on unsubscribed\n"
            "  +2.5 when trial\n"
            "  decay 20% every 30d\n"
        )
    )
    assert program.scores[1] == ir.ScoreBlock(
        name="engagement",
        rules=(
            ir.EventRule(points=2, event="opened", cap=ir.Cap(points=10, window=days(7))),
            ir.EventRule(
                points=15,
                event="visited",
                where=ir.Compare(
                    op="==", left=ir.Prop(name="page", type="text"), right=ir.Str(value="pricing")
                ),
            ),
            ir.EventRule(points=-50, event="unsubscribed"),
            ir.FitRule(points=2.5, condition=ir.SegmentRef(name="trial")),
        ),
        decay=ir.Decay(percent=20.0, every=days(30)),
    )


def test_score_on_custom_event_where_custom_prop() -> None:
    program = bare(compile_with('score interest:\n  +5 on webinar_attended where topic == "ai"\n'))
    assert program.scores[1].rules[0] == ir.EventRule(
        points=5,
        event="webinar_attended",
        where=ir.Compare(
            op="==", left=ir.Prop(name="topic", type="text"), right=ir.Str(value="ai")
        ),
    )


def test_stage_rules_and_lifecycle() -> None:
    program = bare(
        compile_with(
            "stage consideration when fit >= 20\n"
            "stage decision      when score >= 60 or enterprise\n"
            "mql when score >= 50\n"
            "sql when score >= 80 and fit >= 30\n"
        )
    )
    fit, total = ir.ScoreRef(name="fit"), ir.ScoreRef(name=None)
    assert program.stage_rules == (
        ir.StageRule(stage="consideration", condition=ir.Compare(op=">=", left=fit, right=num(20))),
        ir.StageRule(
            stage="decision",
            condition=ir.Or(
                items=(
                    ir.Compare(op=">=", left=total, right=num(60)),
                    ir.SegmentRef(name="enterprise"),
                )
            ),
        ),
    )
    assert program.mql == ir.Lifecycle(
        flag="mql", condition=ir.Compare(op=">=", left=total, right=num(50))
    )
    assert program.sql == ir.Lifecycle(
        flag="sql",
        condition=ir.And(
            items=(
                ir.Compare(op=">=", left=total, right=num(80)),
                ir.Compare(op=">=", left=fit, right=num(30)),
            )
        ),
    )


def test_policy_limit_quiet_sunset() -> None:
    program = bare(
        compile_with(
            "policy:\n  limit 4 per 7d\n  quiet 20:00-08:00\n"
            "  sunset when days_since(last_engagement) > 90\n"
        )
    )
    assert program.policy == ir.Policy(
        limit=ir.Limit(count=4, window=days(7)),
        quiet=ir.Quiet(start=20 * 60, end=8 * 60),
        sunset=ir.Compare(op=">", left=ir.DaysSince(event="last_engagement"), right=num(90)),
    )


def test_quiet_hours_within_one_day() -> None:
    program = compile_with("policy:\n  quiet 12:30-13:45\n")
    assert program.policy is not None and program.policy.quiet is not None
    assert (program.policy.quiet.start, program.policy.quiet.end) == (750, 825)


def test_duration_seconds() -> None:
    assert [ir.Duration(amount=3, unit=u).seconds for u in "mhdw"] == [180, 10800, 259200, 1814400]


def test_stage_and_step_counts_for_the_summary() -> None:
    program = compile_with("")
    assert len(program.stages) == 3 and program.step_count() == 0


def test_crlf_line_ends_give_the_same_program() -> None:
    text = HEADER + "policy:\n  limit 2 per 1d\n"
    assert bare(compile_source(text.replace("\n", "\r\n"))) == bare(compile_source(text))


def test_missing_final_newline_is_accepted() -> None:
    text = HEADER + "policy:\n  limit 2 per 1d"
    assert compile_source(text).policy.limit.count == 2  # type: ignore[union-attr]


def test_comment_lines_inside_and_between_blocks() -> None:
    text = (
        "# a file comment\n" + HEADER + "score engagement:   # trailing\n"
        "  # a comment line at block indentation\n"
        "  +5 on clicked\n"
        "# a comment at column 1 inside the block\n"
        "      # a deeper comment\n"
        "  +1 on opened\n"
        "\n"
        "  -3 on bounced    # after a blank line\n"
    )
    program = bare(compile_source(text))
    assert [r.event for r in program.scores[1].rules] == ["clicked", "opened", "bounced"]


def test_line_continues_inside_brackets() -> None:
    program = bare(
        compile_with(
            "segment s: (company_size > 5 or\n"
            '            trial) and industry in ["a",\n'
            '                                   "b"]\n'
        )
    )
    assert program.segments[-1].condition == ir.And(
        items=(
            ir.Or(
                items=(
                    ir.Compare(
                        op=">", left=ir.Attr(name="company_size", type="number"), right=num(5)
                    ),
                    ir.SegmentRef(name="trial"),
                )
            ),
            ir.Compare(
                op="in",
                left=ir.Attr(name="industry", type="text"),
                right=ir.ListLit(items=(ir.Str(value="a"), ir.Str(value="b"))),
            ),
        )
    )


def test_block_order_is_free() -> None:
    text = (
        "sequence s:\n  enter on signed_up\n  send welcome\n"
        "content welcome email\n"
        "stages a, b\n"
        'campaign "Late"\n'
    )
    program = compile_source(text)
    assert program.campaign == "Late" and program.sequences[0].steps[0].content == "welcome"
