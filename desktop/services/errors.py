"""Errors the services raise for the user to read."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input the user must correct: a Chinese message for each field that is wrong.

    ``errors`` maps a field name (the same names the form uses) to its message.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(f"{k}: {v}" for k, v in self.errors.items()))


class NotFoundError(LookupError):
    """A number the user gave does not exist (visit number, case number, ...)."""
