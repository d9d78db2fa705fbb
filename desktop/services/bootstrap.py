"""Opening the database the app works on: migrate, then seed on the first start."""

from __future__ import annotations

import logging

from desktop.config import resolve_database_url
from desktop.db import Database
from desktop.services.connection import url_problem
from desktop.services.errors import ValidationError
from desktop.services.seed import seed_reference_data

log = logging.getLogger(__name__)


def open_database(url: str | None = None) -> Database:
    """Open (and create, migrate and seed when needed) the database of this PC."""
    choice = resolve_database_url(url)
    problem = url_problem(choice.url)
    if problem:
        raise ValidationError({"database_url": problem})
    database = Database.open(choice.url)
    with database.write() as session:
        if seed_reference_data(session):
            log.info("seeded rooms and categories")
    log.info("database %s (%s)", database.url, choice.origin)
    return database
