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


class Cancelled(Exception):
    """Long work (an export, a big report) stopped because the user asked it to.

    Raised from inside the work when its ``cancelled()`` check says so; whatever
    the work was writing is thrown away. The Qt task runner treats it as a cancel,
    not as a failure.
    """


class FeatureUnavailableError(RuntimeError):
    """Something this build cannot do yet (a module it depends on is not enabled).

    The message is Chinese and meant for the user as it is.
    """
