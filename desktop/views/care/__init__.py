"""关爱帮扶: the care room's register page and its dialogs."""
