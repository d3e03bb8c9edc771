"""A seeded sample of the rule-file fuzzer (tests/fuzzkit.py): mutated playbooks (tokens deleted,
duplicated, swapped; huge numbers; deep nesting; backtracking patterns) never crash check, lint,
fmt or the engine. Thousands of files: `python tests/fuzzkit.py --files 12000`."""

from __future__ import annotations

from fuzzkit import corpus, fuzz


def test_a_seeded_sample_of_mutated_playbooks_never_crashes() -> None:
    files, accepted, crashes = fuzz(40, seed=20261203)
    assert crashes == []
    assert files == 40 and accepted >= 5  # some mutants still check: the engine ran them


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    assert list(corpus(5, seed=9)) == list(corpus(5, seed=9))
    assert list(corpus(5, seed=9)) != list(corpus(5, seed=10))
