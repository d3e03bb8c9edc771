"""Exit codes of the `nurture` command, in one place."""

OK = 0
USER_ERROR = 1  # the user's input is wrong; the errors were printed
USAGE = 2  # bad usage of the command line
