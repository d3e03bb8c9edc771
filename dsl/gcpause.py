"""Python's cycle collector paused while a whole file is read, formatted or linted.

Reading a rule file allocates hundreds of thousands of small objects and makes no cycles worth
collecting; with the collector running, its full passes walk every object alive so far, again
and again as the file grows, which made the time of `fmt` and `lint` grow with the square of the
file's size. (`dsl.check_source` pauses it the same way.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
