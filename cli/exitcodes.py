"""Exit codes of the `nurture` command, in one place; every command returns one of these."""

OK = 0
USER_ERROR = 1  # the user's input is wrong; the errors were printed
USAGE = 2  # bad usage of the command line (argparse's own code)
INTERNAL = 70  # EX_SOFTWARE (sysexits.h): nurture itself failed, a bug; reported as such
INTERRUPTED = 130  # 128 + SIGINT: stopped by Ctrl-C
