"""Compiling a checked Program into what the engine runs."""
