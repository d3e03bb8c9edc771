"""The shipped playbooks and the normative examples check clean, with their real counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import check_source, load_program

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "examples"
FILES = sorted(ROOT.glob("rules/*.nurture")) + sorted(SHARED.glob("*.nurture"))


def test_there_are_examples_to_check() -> None:
    assert len(sorted(ROOT.glob("rules/*.nurture"))) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_checks_clean(path: Path) -> None:
    program, diagnostics = check_source(path.read_text(encoding="utf-8"), str(path))
    assert diagnostics == []
    assert program is not None


def test_b2b_trial_has_what_its_text_says() -> None:
    program = load_program(ROOT / "rules" / "b2b_saas_trial.nurture")
    assert program.campaign == "B2B SaaS trial nurture"
    assert [s.name for s in program.stages] == ["awareness", "consideration", "decision"]
    assert [s.name for s in program.segments] == [
        "enterprise",
        "trial",
        "pricing_curious",
        "dormant",
    ]
    assert [b.name for b in program.scores] == ["fit", "engagement"]
    assert [s.name for s in program.sequences] == ["trial_onboarding", "win_back"]
    onboarding = program.sequences[0]
    assert onboarding.holdout == 10.0 and onboarding.reenter_after.seconds == 90 * 86400  # type: ignore[union-attr]
    assert program.scores[1].decay.percent == 20.0  # type: ignore[union-attr]
    assert program.policy.quiet.start == 20 * 60  # type: ignore[union-attr]
    assert program.step_count() == 18


def test_checked_programs_hold_no_unresolved_names() -> None:
    for path in FILES:
        dumped = load_program(path).model_dump_json()
        assert '"kind":"name"' not in dumped and '"kind":"call"' not in dumped


def test_checking_from_several_threads_at_once_gives_the_same_programs() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [path.read_text(encoding="utf-8") for path in FILES] * 4
    alone = [check_source(text, "t.nurture") for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda text: check_source(text, "t.nurture"), texts))
    assert together == alone
