"""The centre admin's work: accounts, audit, backups, lists, settings, staff, removal of records."""
