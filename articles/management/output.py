"""Commands whose output scripts read, and cut short (`manage.py search 東京 | head -1`).

    with stops_quietly_when_the_reader_leaves():
        self.stdout.write(...)

Once the reader has what it wants it closes the pipe, and the next write fails with
BrokenPipeError; the command then stops without a traceback, with exit status 1, as Python
does for a closed pipe.
"""

import os
import sys
from contextlib import contextmanager


@contextmanager
def stops_quietly_when_the_reader_leaves():
    try:
        yield
        sys.stdout.flush()  # inside: a pipe that is already closed fails here, not at exit
    except BrokenPipeError:
        # Python flushes stdout again at exit: whatever is left there goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
