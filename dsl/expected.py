"""What would fit where a syntax error stands, said in words ("a condition", "a step such as ...").

Lark's LALR look-ahead sets merge similar places of the grammar; `in_context` keeps the ones that
make sense on the line at hand before `expected_words` turns terminal names into a phrase.
"""

from __future__ import annotations

import re

from dsl.lines import brackets

_CALL_ARG = re.compile(r"\bcount[ \t]*\([ \t]*\w+[ \t]*$")
_EVENT_RULE = re.compile(r"[ \t]*[+-]\d+(\.\d+)?[ \t]+on\b")
_WORDS = {
    "_NL": "the end of the line",
    "NAME": "a name",
    "STRING": "a quoted text",
    "NUMBER": "a number",
    "DURATION": "a duration like 3d",
    "PERCENT": "a percentage like 10%",
    "POINTS": "points with their sign, like +5",
    "QUIET_RANGE": "hours like 20:00-08:00",
    "_INDENT": "an indented block",
    "_DEDENT": "the end of the block",
    "COMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "LIFECYCLE": "'mql' or 'sql'",
    "TEXT_OP": "a comparison",
    "NOT_IN": "'not in'",
    "IN": "'in'",
    "$END": "the end of the file",
    "__ANON_0": "'number'",
    "__ANON_1": "'->'",
    "COLON": "':'",
    "COMMA": "','",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "MINUS": "'-'",
}
_TOP_LEVEL = {"CAMPAIGN", "STAGES", "LEAD", "EVENT", "CONTENT", "SEGMENT", "POLICY", "SEQUENCE"}
_VALUE_START = {"NAME", "NUMBER", "STRING", "LPAR", "LSQB"}
_OPERATORS = {"COMP_OP", "AND", "OR", "ADD_OP", "MUL_OP", "IN", "NOT_IN", "TEXT_OP"}


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def expected_words(expected: set[str]) -> str:
    """What would fit here, in words, for the common places of a file."""
    names = set(expected) - {"_DEDENT"} or set(expected)
    if len(names & _TOP_LEVEL) >= 3:
        return "a top-level line such as 'segment', 'score', 'sequence' or 'policy'"
    if {"SEND", "WAIT", "FOR"} <= names:
        return (
            "a sequence line: a header such as 'for', 'enter' or 'exit when', "
            "or a step such as 'send', 'wait', 'if' or 'split'"
        )
    if {"SEND", "WAIT"} <= names:
        return "a step such as 'send', 'wait', 'if' or 'split'"
    if {"POINTS", "DECAY"} <= names:
        return "a score line: points with their sign (like +5) then 'when' or 'on', or 'decay'"
    if {"LIMIT", "QUIET", "SUNSET"} <= names:
        return "a policy line: 'limit', 'quiet' or 'sunset'"
    if {"__ANON_0", "TEXT", "ONE"} <= names:
        return 'a type: number, text or one of "a", "b"'
    if {"__ANON_0", "TEXT"} <= names:
        return "a type: number or text"
    if len(names & _VALUE_START) >= 4:
        return "a condition" if "NOT" in names else "a value"
    words: list[str] = []
    if names & _OPERATORS:
        ops = ["'and'", "'or'"] if {"AND", "OR"} & names else []
        if "COMP_OP" in names or "TEXT_OP" in names:
            ops.append("a comparison")
        words += ops or ["an operator"]
        names -= _OPERATORS | {"NOT"}
    rest = sorted(word(n) for n in names if n != "_NL")
    words += rest
    if "_NL" in names:
        words.append("the end of the line")
    return join_words(words) if words else "something else"


def word(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    if name.isalpha() and name.isupper():
        return f"'{name.lower()}'"
    return name.lower()


def open_brackets(prefix: str) -> str:
    """The brackets still open at the end of `prefix`, innermost last."""
    stack: list[str] = []
    for _, ch in brackets(prefix):
        if ch in "([":
            stack.append(ch)
        elif stack:
            stack.pop()
    return "".join(stack)


def in_context(expected: set[str], prefix: str) -> set[str]:
    """LALR merges look-aheads of similar places; keep those that make sense on this line."""
    if not expected & _OPERATORS:
        return expected
    keep = set(expected)
    opened = open_brackets(prefix)
    keep.discard("LPAR")
    if not opened:
        keep -= {"RPAR", "RSQB", "COMMA"}
    else:
        keep -= {"_NL", "COLON", "CAP", "RSQB" if opened[-1] == "(" else "RPAR"}
    if not _CALL_ARG.search(prefix):
        keep.discard("WHERE")
    if not re.match(r"[ \t]*(if|handoff)\b", prefix):
        keep.discard("COLON")
    if not _EVENT_RULE.match(prefix):
        keep.discard("CAP")
    return keep
