"""Qt widgets. Views are thin: they build themselves, call services and show results."""
