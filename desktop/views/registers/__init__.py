"""台账统计 in the window."""
