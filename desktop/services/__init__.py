"""Business rules, free of Qt: used by the window, the command line and the tests."""
