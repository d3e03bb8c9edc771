"""The two families of errors: the user's mistakes, and nurture's own failures.

`NurtureError` is the one base of every mistake in what a user gives nurture — rule text, a
scenario, a leads or events file, a database, a seed — in every package (dsl is the bottom layer, so
the base lives here). Its `message` says what is wrong and where, its `hint` (when there is one)
what to write or do instead. The command line catches this base only: it prints the message and the
hint and exits 1.

`InternalError` is a failure of nurture itself: a broken invariant, a replay that does not give
back what was recorded. It is never the user's mistake, so it never derives from `NurtureError`;
the command line reports it as a bug, with its details and where to report it.
"""

from __future__ import annotations


class NurtureError(Exception):
    """A mistake in the user's input, said in the user's words."""

    #: whether the command line prints `nurture COMMAND: ` before the message; False for errors
    #: whose every line already starts with the file (and line) at fault
    prefixed: bool = True

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # a subclass may take other arguments than (message, hint): rebuild from the fields, so
        # an error crosses a process boundary (a worker of a process pool) whole
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[NurtureError], args: tuple[object, ...], fields: dict) -> NurtureError:
    err = cls.__new__(cls)
    err.args = args
    err.__dict__.update(fields)
    return err


class InternalError(RuntimeError):
    """nurture's own failure (a bug), whatever the input: reported as such, never as a mistake."""
