"""Argument types shared by the commands: each names the mistake in the user's words."""

from __future__ import annotations

import argparse


def _whole(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _whole(text, 1)


def nonnegative_int(text: str) -> int:
    return _whole(text, 0)


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def time_arg(text: str) -> float:
    """An ISO 8601 time (UTC when it has no offset), as epoch seconds."""
    from engine import parse_time

    try:
        return parse_time(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time (use ISO 8601, e.g. 2026-01-31T18:00:00Z)"
        ) from None


def setting(text: str) -> tuple[str, str]:
    """`--set NAME=VALUE`: a param's name and its value as written in a rule file."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name.isidentifier() or not value:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, like mql_at=60, got {text!r}")
    return name, value


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """`--set NAME=VALUE`, repeatable, on every command that reads rule files to run them."""
    parser.add_argument(
        "--set",
        action="append",
        type=setting,
        default=[],
        dest="settings",
        metavar="NAME=VALUE",
        help="override a param of the rule files for this run (repeatable): --set mql_at=60",
    )


def cluster_arg(text: str) -> object:
    """`local`, `local:N` or `tcp://HOST:PORT`: a `simulator.Cluster` (parsed without dask)."""
    from simulator.backends import parse_cluster

    try:
        return parse_cluster(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
