"""The app's screens: rules, forecast, sequences, leads, compare, and the help and lead pop-ups."""
