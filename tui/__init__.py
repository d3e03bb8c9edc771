"""The Textual app of `nurture tui`."""
