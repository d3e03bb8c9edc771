"""The `nurture` command: argument parsing, one module per command, exit codes."""
