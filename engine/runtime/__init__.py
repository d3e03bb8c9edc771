"""Running compiled rules: lead state, rounds, sequences, timers and policy."""
