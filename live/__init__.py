"""The live runner: real leads and events through the engine on the wall clock, state in SQLite."""
