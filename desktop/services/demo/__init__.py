"""Invented data for every screen (``demo-data``); the entry point is :mod:`.generate`."""
