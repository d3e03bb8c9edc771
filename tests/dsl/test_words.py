"""The language's words (dsl/words.py): reserved as DSL.md says, keywords as the grammar spells."""

from __future__ import annotations

import re
from pathlib import Path

from dsl.words import RESERVED, keywords

DSL_MD = Path(__file__).parents[3] / "shared" / "DSL.md"


def test_the_reserved_words_are_the_contracts() -> None:
    text = DSL_MD.read_text(encoding="utf-8")
    listed = re.search(r"Reserved words \(never a name\): `([^`]*)`", text.replace("\n  ", " "))
    assert listed is not None
    assert RESERVED == frozenset(listed.group(1).split())
    assert len(RESERVED) == 26


def test_the_keywords_are_every_word_the_grammar_spells() -> None:
    assert keywords() == frozenset(
        "after and campaign cap contains content cost decay else endswith enter event every exit "
        "false for handoff holdout if in lead limit matches mql not number of on one or per "
        "param policy quiet reenter score segment send sequence split sql stage stages startswith "
        "sunset text true until wait when where within".split()
    )
    assert RESERVED <= keywords()


def test_the_channels_are_the_contracts_in_its_order() -> None:
    from dsl.ir import CHANNELS, LEAD_CHANNELS, SALES_CHANNEL

    text = DSL_MD.read_text(encoding="utf-8").replace("\n  ", " ")
    listed = re.search(r"Channels are (.*?) \(a sales task\)", text)
    assert listed is not None
    assert CHANNELS == tuple(re.findall(r"`(\w+)`", listed.group(1)))
    assert CHANNELS == ("email", "sms", "ad", "social", "mail", "task")
    assert SALES_CHANNEL == "task"
    assert LEAD_CHANNELS == ("email", "sms", "ad", "social", "mail")
