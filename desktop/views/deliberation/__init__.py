"""议事协商: the deliberation meetings page and its editor."""
